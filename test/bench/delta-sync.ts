// Process: test (benchmark). The everyday case: N items are already on this device, another
// member changes one of them, and this client's sync() brings the change in. Target from the
// issue: median at most 30 ms (p90 printed beside it). The raw limit is a bare fetch of the
// same one-change delta with the same token.
import { paths } from '../../shared/api.ts';
import {
  type BenchOptions,
  type Figure,
  type Fixture,
  count,
  internals,
  itemValue,
  median,
  ms,
  printFigure,
  probe,
  quantile,
  ratio,
  settle,
  timed,
  tokenOf,
  VAULT,
  verdictMax,
  withoutSaves,
} from './setup.ts';

const TARGET_MS = 30;
const BREAKDOWN_ROUNDS = 5;

export async function run(fx: Fixture, opts: BenchOptions): Promise<Figure[]> {
  const { alice, bob } = fx;
  await alice.svc.sync();
  await bob.svc.sync();
  // Bob only writes; his own profile saves are not what this bench measures and would
  // otherwise dominate its running time. Alice, the measured client, is untouched.
  const restoreBob = withoutSaves(bob.svc);
  try {
    return await measure(fx, opts);
  } finally {
    restoreBob();
  }
}

async function measure(fx: Fixture, opts: BenchOptions): Promise<Figure[]> {
  const { alice, bob } = fx;
  const token = tokenOf(alice.svc);
  const cursor = () => internals(alice.svc).u.team(fx.teamId).cursor;
  // The client asks for the links after its kept head; so does the bare fetch (seq=0 would
  // carry the whole chain with every one-change delta).
  const seq = () => internals(alice.svc).u.team(fx.teamId).chain.seq;
  let round = 0;

  /** Bob writes one item; returns its ref and the value Alice must see. */
  const change = async () => {
    round++;
    const i = (round * 7919) % fx.items;
    const ref = `${VAULT}/${fx.itemName(i)}`;
    const value = itemValue(i, round);
    const r = await bob.svc.setSecret(ref, value);
    if (r.pushed !== 1 || r.conflicts.length)
      throw new Error(`delta bench: bob's write did not land cleanly`);
    return { ref, value };
  };
  const check = (ref: string, value: Uint8Array) => {
    const got = alice.svc.getSecret(ref);
    if (Buffer.compare(got, value) !== 0) throw new Error(`delta bench: alice did not receive ${ref}`);
  };
  const bare = async (since: number) => {
    const t = await timed(async () => {
      const res = await fetch(fx.server.url + paths.changes(fx.teamId, since, seq()), {
        headers: { authorization: `Bearer ${token}` },
      });
      const body = (await res.json()) as { items: unknown[] };
      if (res.status !== 200 || body.items.length !== 1)
        throw new Error(`delta bench: bare fetch got ${res.status}`);
    });
    return t.ms;
  };

  // Warm up: two untimed rounds.
  for (let i = 0; i < 2; i++) {
    const c = await change();
    await alice.svc.sync();
    check(c.ref, c.value);
  }

  const syncs: number[] = [];
  const fetches: number[] = [];
  // Each measurement starts right after a write, as a real pull does, and the sync and the
  // bare fetch each get a change of their own, so both fetch a one-change delta.
  for (let i = 0; i < opts.deltas; i++) {
    const c = await change();
    settle();
    const t = await timed(() => alice.svc.sync());
    syncs.push(t.ms);
    check(c.ref, c.value);
    const other = await change();
    fetches.push(await bare(cursor()));
    await alice.svc.sync();
    check(other.ref, other.value);
  }
  console.log(
    `  ${opts.deltas} delta syncs: median ${ms(median(syncs))}, p90 ${ms(quantile(syncs, 0.9))}, ` +
      `min ${ms(Math.min(...syncs))}, max ${ms(Math.max(...syncs))}; bare fetch median ${ms(median(fetches))}`,
  );

  // A few more, instrumented, to split one delta sync into phases (not part of the figures).
  {
    const { u } = internals(alice.svc);
    let total = 0;
    const http = probe(u.http, 'request');
    const save = probe(u, 'save');
    for (let i = 0; i < BREAKDOWN_ROUNDS; i++) {
      const c = await change();
      settle();
      total += (await timed(() => alice.svc.sync())).ms;
      check(c.ref, c.value);
    }
    http.stop();
    save.stop();
    const per = (x: number) => ms(x / BREAKDOWN_ROUNDS);
    console.log(
      `  phases (mean of ${BREAKDOWN_ROUNDS} instrumented syncs, ${per(total)}): ` +
        `${http.calls / BREAKDOWN_ROUNDS} HTTP request(s) ${per(http.ms)}; ` +
        `${save.calls / BREAKDOWN_ROUNDS} whole-cache saves ${per(save.ms)}; everything else ${per(total - http.ms - save.ms)}`,
    );
  }

  const med = median(syncs);
  const p90 = quantile(syncs, 0.9);
  const raw = median(fetches);
  const what = `sync() of 1 change, ${count(fx.items)} items present (${opts.deltas} runs)`;
  const figures: Figure[] = [
    {
      bench: 'delta sync',
      what: `${what}, median`,
      value: ms(med),
      raw: `${ms(raw)} (bare fetch of the same delta)`,
      vsRaw: `${ratio(med / raw)} raw; ${ratio(med / TARGET_MS)} target`,
      target: `<= ${TARGET_MS} ms median`,
      verdict: verdictMax(med, TARGET_MS),
    },
    {
      bench: 'delta sync',
      what: `${what}, p90`,
      value: ms(p90),
      raw: `${ms(quantile(fetches, 0.9))} (bare fetch p90)`,
      vsRaw: ratio(p90 / quantile(fetches, 0.9)),
      target: '(none; reported)',
      verdict: 'info',
    },
  ];
  for (const f of figures) printFigure(f);
  return figures;
}
