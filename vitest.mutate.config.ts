import type { RunnerTask } from 'vitest';
import { defineConfig } from 'vitest/config';
import type { Reporter } from 'vitest/node';
// Importing the main config also installs its Map.groupBy stand-in for Node 20.
import base from './vitest.config.ts';

// The unit tests of the files `npm run mutate` mutates (stryker.config.mjs): the chain verifier,
// the role table, the crypto layer and server/access.ts (over an in-memory PGlite). No team
// server, browser or integration test runs under mutation.
//
// Two gaps between Stryker's Vitest runner (9.x, the last for Node 20) and Vitest 5 are bridged
// here; without them every mutant "survives" whatever the tests say:
// - The runner picks a mutant's tests by a name pattern of suite and test names joined by
//   spaces; Vitest 5 matches patterns against names joined by " > ", so no test would run.
//   Under Stryker (STRYKER_MUTATOR_WORKER set) each space of such a pattern also accepts " > ".
// - When a file-level beforeAll throws, Vitest fails the file and skips its tests, and the runner
//   reads skipped tests as not failed. Those tests are marked failed with the file's error, so a
//   mutant that breaks a file's setup is killed, as it fails a plain `vitest run`.
function bridgeStrykerToVitest5(): Reporter {
  const toVitest5 = (p: RegExp | string | undefined) =>
    p instanceof RegExp ? new RegExp(p.source.replaceAll(' ', '(?: | > )'), p.flags) : p;
  const bridged = new WeakSet<object>();
  const failAll = (task: RunnerTask, errors: NonNullable<RunnerTask['result']>['errors']) => {
    if (task.type === 'suite') {
      for (const child of task.tasks) failAll(child, errors);
    } else if (task.result?.state !== 'pass' && task.result?.state !== 'fail') {
      task.mode = 'run';
      task.result = { ...task.result, state: 'fail', errors };
    }
  };
  return {
    // Vitest calls this at the start of every run; the runner may have set a pattern already.
    onInit(vitest) {
      if (process.env.STRYKER_MUTATOR_WORKER === undefined) return;
      for (const { config } of vitest.projects) {
        if (bridged.has(config)) continue;
        bridged.add(config);
        let pattern = toVitest5(config.testNamePattern);
        Object.defineProperty(config, 'testNamePattern', {
          configurable: true,
          enumerable: true,
          get: () => pattern,
          set: (p: RegExp | string | undefined) => {
            pattern = toVitest5(p);
          },
        });
      }
    },
    onTestRunEnd(modules) {
      for (const m of modules) {
        const file = (m as unknown as { task: RunnerTask }).task;
        if (file.result?.state === 'fail' && file.result.errors?.length) failAll(file, file.result.errors);
      }
    },
  };
}

// (Not mergeConfig: it would append to the main config's include instead of replacing it.)
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/unit/chain-*.test.ts', 'test/unit/crypto-*.test.ts', 'test/unit/mutation-*.test.ts'],
    reporters: ['default', bridgeStrykerToVitest5()],
  },
});
