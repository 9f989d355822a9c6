// Process: test (benchmark). `tessera due` over N items, every one with a rotation interval:
// the first due() after unlock (it builds the name index, decrypting each item's header once,
// as the CLI does) and a due() on the built index, against a bare loop doing the same date
// arithmetic over N plain objects. Target from the issue: under 100 ms after unlock.
import {
  type BenchOptions,
  count,
  type Figure,
  type Fixture,
  median,
  ms,
  printFigure,
  ratio,
  settle,
  timed,
  VAULT,
  verdictMax,
} from './setup.ts';

const TARGET_MS = 100;
const DAY = 86_400_000;

export async function run(fx: Fixture, opts: BenchOptions): Promise<Figure[]> {
  const svc = fx.alice.svc;
  // 45.5 days on, items with intervals of 30 to 45 days are overdue and 46 to 52 due soon;
  // half a day from any boundary, so seeding a minute earlier changes nothing.
  const now = new Date(Date.now() + 45.5 * DAY);
  const rows = Array.from({ length: fx.items }, (_, i) => ({
    rotatedAt: new Date().toISOString(),
    days: 30 + (i % 60),
  }));
  const bare = () => {
    let n = 0;
    const t = now.getTime();
    for (const r of rows) {
      const due = Date.parse(r.rotatedAt) + r.days * DAY;
      if (due - t <= 7 * DAY) n++;
    }
    return n;
  };
  const firsts: number[] = [];
  const warms: number[] = [];
  const bares: number[] = [];
  let listed = 0;
  for (let i = 0; i < opts.runs; i++) {
    svc.lock();
    await svc.unlock(fx.alice.password());
    settle();
    const first = await timed(() => svc.due(undefined, now));
    listed = first.value.filter((e) => e.vault === VAULT).length;
    firsts.push(first.ms);
    warms.push((await timed(() => svc.due(undefined, now))).ms);
    bares.push((await timed(bare)).ms);
  }
  const expected = bare();
  if (listed !== expected) throw new Error(`due bench: listed ${listed}, expected ${expected}`);
  const first = median(firsts);
  const warm = median(warms);
  const raw = median(bares);
  console.log(
    `  ${count(listed)} of ${count(fx.items)} items due or overdue; first due() after unlock ${ms(first)} (median of ${opts.runs}), on the built index ${ms(warm)}; bare loop ${ms(raw)}`,
  );
  const f: Figure = {
    bench: 'due',
    what: `tessera due: first due() after unlock, ${count(fx.items)} items with intervals (median of ${opts.runs})`,
    value: ms(first),
    raw: `${ms(raw)} (bare loop, same date arithmetic over plain objects)`,
    vsRaw: `${ratio(first / raw)}; ${ratio(first / TARGET_MS)} target`,
    target: `<= ${TARGET_MS} ms`,
    verdict: verdictMax(first, TARGET_MS),
  };
  printFigure(f);
  return [f];
}
