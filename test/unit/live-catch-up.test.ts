// Process: test. The pull a (re)connect owes (electron/core/sync/live.ts coalescePulls
// catchUp): one pull even though no announcement asks for it, only one, a second one when the
// stream reconnects again during that pull, and none after stop; a failed pull is tried again
// with a growing gap. Real timers with small gaps.
import { describe, expect, it } from 'vitest';
import { coalescePulls } from '../../electron/core/sync/live.ts';

const pacing = { firstGapMs: 20, maxGapMs: 80, retryMaxMs: 160 };
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

  it('tries a failed pull again by itself, later each time, until one works', async () => {
    const s = { pulls: 0, errors: 0, at: [] as number[] };
    const pacer = coalescePulls({
      pacing,
      needed: () => false,
      pull: async () => {
        s.pulls++;
        s.at.push(Date.now());
        if (s.pulls <= 3) throw new Error('server busy');
      },
      onError: () => s.errors++,
    });
    pacer.catchUp();
    for (let waited = 0; s.pulls < 4 && waited < 5_000; waited += 10) await sleep(10);
    expect(s.errors).toBe(3);
    expect(s.pulls).toBe(4);
    // maxGapMs after the first failure, then doubling.
    expect(s.at[1]! - s.at[0]!).toBeGreaterThanOrEqual(pacing.maxGapMs - 2);
    expect(s.at[2]! - s.at[1]!).toBeGreaterThanOrEqual(2 * pacing.maxGapMs - 2);
    await sleep(2 * pacing.retryMaxMs);
    expect(s.pulls).toBe(4);
    pacer.stop();
  });

  it('stops trying a failed pull once stopped', async () => {
    let pulls = 0;
    const pacer = coalescePulls({
      pacing,
      needed: () => false,
      pull: async () => {
        pulls++;
        throw new Error('server busy');
      },
    });
    pacer.catchUp();
    await sleep(10);
    pacer.stop();
    await sleep(3 * pacing.maxGapMs);
    expect(pulls).toBe(1);
  });

  it('does nothing after stop', async () => {
    const { s, pacer } = harness();
    pacer.stop();
    pacer.catchUp();
    await sleep(2 * pacing.maxGapMs);
    expect(s.pulls).toBe(0);
  });
});
