// Process: test. The pacing of live sync (electron/core/sync/live.ts coalescePulls): a burst of
// "now at revision N" announcements costs a few pulls, edits that come now and then each pull
// at once, and nothing pulls after stop. Real timers with small gaps; the pull is a stand-in that
// "catches up" to whatever was announced when it started.
import { describe, expect, it } from 'vitest';
import { coalescePulls } from '../../electron/core/sync/live.ts';

const pacing = { firstGapMs: 20, maxGapMs: 80, retryMaxMs: 160 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function harness(pullMs = 5) {
  const s = { cursor: 0, announced: 0, pulls: 0, startedAt: [] as number[] };
  const pacer = coalescePulls({
    pacing,
    needed: (revision) => revision > s.cursor,
    pull: async () => {
      s.pulls++;
      s.startedAt.push(performance.now());
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

describe('live sync pacing', () => {
  it('folds a burst of 300 announcements into a few pulls and still reaches the last one', async () => {
    const { s, announce } = harness();
    const t0 = performance.now();
    for (let r = 1; r <= 300; r++) {
      announce(r);
      if (r % 10 === 0) await sleep(2);
    }
    const burstMs = performance.now() - t0;
    await sleep(3 * pacing.maxGapMs);
    expect(s.cursor).toBe(300);
    const ramp = Math.ceil(Math.log2(pacing.maxGapMs / pacing.firstGapMs)) + 1;
    expect(s.pulls).toBeLessThanOrEqual(1 + ramp + Math.ceil(burstMs / pacing.maxGapMs) + 1);
    // Pulls within the burst are spaced by at least the first gap.
    for (let i = 1; i < s.startedAt.length; i++)
      expect(s.startedAt[i]! - s.startedAt[i - 1]!).toBeGreaterThanOrEqual(pacing.firstGapMs - 2);
  });

  it('folds a slow burst, each write a little slower than a pull, into few pulls as well', async () => {
    const { s, announce } = harness(8);
    const t0 = performance.now();
    for (let r = 1; r <= 100; r++) {
      announce(r);
      await sleep(10);
    }
    const burstMs = performance.now() - t0;
    while (s.cursor < 100) await sleep(2);
    const ramp = Math.ceil(Math.log2(pacing.maxGapMs / pacing.firstGapMs)) + 1;
    expect(s.pulls).toBeLessThanOrEqual(1 + ramp + Math.ceil(burstMs / pacing.maxGapMs) + 1);
    expect(s.pulls).toBeLessThan(100 / 4);
  });

  it('pulls a lone announcement at once after a quiet spell', async () => {
    const { s, announce } = harness();
    announce(1);
    await sleep(pacing.firstGapMs + 20);
    const t = performance.now();
    announce(2);
    await sleep(2 * pacing.firstGapMs);
    expect(s.pulls).toBe(2);
    expect(s.startedAt[1]! - t).toBeLessThan(pacing.firstGapMs);
    expect(s.cursor).toBe(2);
  });

  it('announcements a little further apart than the gap each pull at once', async () => {
    const { s, announce } = harness();
    const delays: number[] = [];
    for (let r = 1; r <= 6; r++) {
      const t = performance.now();
      announce(r);
      await sleep(2);
      delays.push(s.startedAt.at(-1)! - t);
      await sleep(2 * pacing.firstGapMs);
    }
    expect(s.pulls).toBe(6);
    for (const d of delays) expect(d).toBeLessThan(pacing.firstGapMs);
  });

  it('after a burst and a quiet spell as long as its gap, edits pull at once again', async () => {
    const { s, announce } = harness();
    for (let r = 1; r <= 50; r++) {
      announce(r);
      await sleep(4);
    }
    while (s.cursor < 50) await sleep(2);
    // The burst ramped the gap up to its cap; a quiet spell that long brings it down.
    await sleep(pacing.maxGapMs + 10);
    for (const r of [51, 52]) {
      const before = s.pulls;
      const t = performance.now();
      announce(r);
      await sleep(5);
      expect(s.pulls).toBe(before + 1);
      expect(s.startedAt.at(-1)! - t).toBeLessThan(pacing.firstGapMs);
      await sleep(pacing.maxGapMs / 2);
    }
  });

  it('ignores what was already pulled, and pulls nothing after stop', async () => {
    const { s, pacer, announce } = harness();
    announce(1);
    await sleep(pacing.firstGapMs);
    announce(1);
    announce(0);
    await sleep(pacing.firstGapMs);
    expect(s.pulls).toBe(1);
    announce(2);
    pacer.stop();
    announce(3);
    await sleep(pacing.maxGapMs);
    expect(s.pulls).toBeLessThanOrEqual(2);
    const after = s.pulls;
    announce(4);
    await sleep(pacing.maxGapMs);
    expect(s.pulls).toBe(after);
  });

  it('reports a failed pull and pulls again on the next announcement', async () => {
    const errors: unknown[] = [];
    let fail = true;
    let cursor = 0;
    let pulls = 0;
    const pacer = coalescePulls({
      pacing,
      needed: (r) => r > cursor,
      pull: async () => {
        pulls++;
        if (fail) throw new Error('server said no');
        cursor = 2;
      },
      onError: (e) => errors.push(e),
    });
    pacer.announce(1);
    await sleep(5);
    expect(errors).toHaveLength(1);
    fail = false;
    pacer.announce(2);
    await sleep(pacing.firstGapMs + 20);
    expect(pulls).toBe(2);
    expect(cursor).toBe(2);
    pacer.stop();
  });
});
