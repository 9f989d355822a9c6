// Process: test. The pull a (re)connect owes (electron/core/sync/live.ts coalescePulls
// catchUp): one pull even though no announcement asks for it, only one, a second one when the
// stream reconnects again during that pull, and none after stop. Real timers with small gaps.
import { describe, expect, it } from 'vitest';
import { coalescePulls } from '../../electron/core/sync/live.ts';

const pacing = { firstGapMs: 20, maxGapMs: 80 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function harness(pullMs = 5) {
  const s = { cursor: 0, announced: 0, pulls: 0 };
  const pacer = coalescePulls({
    pacing,
    needed: (revision) => revision > s.cursor,
    pull: async () => {
      s.pulls++;
      const target = s.announced;
      await sleep(pullMs);
      s.cursor = target;
    },
  });
  const announce = (revision: number) => {
    s.announced = Math.max(s.announced, revision);
    pacer.announce(revision);
  };
  return { s, pacer, announce };
}

describe('live sync catch-up on (re)connect', () => {
  it('pulls once with nothing announced, and not again', async () => {
    const { s, pacer } = harness();
    pacer.catchUp();
    await sleep(4 * pacing.maxGapMs);
    expect(s.pulls).toBe(1);
    pacer.stop();
  });

  it('pulls again when the stream reconnects while the catch-up pull runs', async () => {
    const { s, pacer } = harness(30);
    pacer.catchUp();
    await sleep(10);
    expect(s.pulls).toBe(1);
    pacer.catchUp();
    await sleep(4 * pacing.maxGapMs);
    expect(s.pulls).toBe(2);
    pacer.stop();
  });

  it('owes one more pull when asked during an announced one, however often it is asked', async () => {
    const { s, pacer, announce } = harness(30);
    announce(1);
    expect(s.pulls).toBe(1);
    pacer.catchUp();
    pacer.catchUp();
    pacer.catchUp();
    await sleep(4 * pacing.maxGapMs);
    expect(s.pulls).toBe(2);
    expect(s.cursor).toBe(1);
    pacer.stop();
  });

  it('does nothing after stop', async () => {
    const { s, pacer } = harness();
    pacer.stop();
    pacer.catchUp();
    await sleep(2 * pacing.maxGapMs);
    expect(s.pulls).toBe(0);
  });
});
