// Process: test (browser end-to-end). Ordered steps for an e2e file whose steps share one
// window's state: once a step fails the later ones are skipped, naming it, so one failure
// reads as one failure and not as a cascade.
import { it } from 'vitest';

export function orderedSteps(defaultTimeout = 180_000) {
  let failed: string | null = null;
  const step = (name: string, fn: () => Promise<void>, timeout = defaultTimeout) =>
    it(
      name,
      async (ctx) => {
        if (failed) ctx.skip(`an earlier step failed: ${failed}`);
        try {
          await fn();
        } catch (e) {
          failed = name;
          throw e;
        }
      },
      timeout,
    );
  return {
    step,
    /** The name of the step that failed, if one did. */
    get failed() {
      return failed;
    },
  };
}
