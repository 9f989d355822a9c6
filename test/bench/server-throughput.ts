// Process: test (benchmark). How many one-change delta pulls per second the embedded team
// server (PGlite) answers, beside a bare Fastify route that runs one SELECT on the same PGlite
// and returns the same JSON, on the same machine, in the same run, under the same load. The
// ratio shows what the pull's few statements cost over one; it is information, not a target
// (the throughput target belongs to the server at scale, on PostgreSQL). The load comes from
// a worker thread (node:http loops over keep-alive connections, no extra dependency), so the
// server's event loop keeps the main thread to itself. Nothing on the server keeps answers
// between requests: every pull runs its statements on PGlite.
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import Fastify from 'fastify';
import { paths } from '../../shared/api.ts';
import {
  type BenchOptions,
  count,
  type Figure,
  type Fixture,
  internals,
  printFigure,
  ratio,
  settle,
  tokenOf,
} from './setup.ts';

const ROUNDS = 2;
const WARMUP_SECONDS = 1;

// Plain JavaScript: runs in the worker without the TypeScript loader. node:http with a
// keep-alive agent, one socket per virtual connection: cheaper per request than fetch, so
// the load generator is not what limits the bare route.
const LOAD = `
const http = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const { url, headers, connections, seconds, warmup } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
function get() {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers }, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve(res.statusCode));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}
async function loop(until, tally) {
  while (performance.now() < until) {
    const t0 = performance.now();
    const status = await get();
    if (status === 200) { tally.ok++; tally.lat.push(performance.now() - t0); } else tally.bad++;
  }
}
async function phase(s) {
  const tally = { ok: 0, bad: 0, lat: [] };
  const start = performance.now();
  await Promise.all(Array.from({ length: connections }, () => loop(start + s * 1000, tally)));
  return { ...tally, ms: performance.now() - start };
}
(async () => {
  await phase(warmup);
  const r = await phase(seconds);
  agent.destroy();
  r.lat.sort((a, b) => a - b);
  parentPort.postMessage({ ok: r.ok, bad: r.bad, ms: r.ms, p50: r.lat[Math.floor(r.lat.length / 2)] ?? 0, p99: r.lat[Math.floor(r.lat.length * 0.99)] ?? 0 });
})().catch((e) => parentPort.postMessage({ error: String((e && e.stack) || e) }));
`;

interface Load {
  rps: number;
  ok: number;
  bad: number;
  p50: number;
  p99: number;
}

function load(url: string, headers: Record<string, string>, opts: BenchOptions): Promise<Load> {
  return new Promise((resolve, reject) => {
    const w = new Worker(LOAD, {
      eval: true,
      workerData: {
        url,
        headers,
        connections: opts.connections,
        seconds: opts.seconds,
        warmup: WARMUP_SECONDS,
      },
    });
    w.once(
      'message',
      (m: { error?: string; ok: number; bad: number; ms: number; p50: number; p99: number }) => {
        void w.terminate();
        if (m.error) reject(new Error(`load worker: ${m.error}`));
        else resolve({ rps: (m.ok / m.ms) * 1000, ok: m.ok, bad: m.bad, p50: m.p50, p99: m.p99 });
      },
    );
    w.once('error', reject);
  });
}

export async function run(fx: Fixture, opts: BenchOptions): Promise<Figure[]> {
  await fx.alice.svc.sync();
  const token = tokenOf(fx.alice.svc);
  const st = internals(fx.alice.svc).u.team(fx.teamId);
  const revision = st.cursor;
  // At the client's kept head, as its pulls ask: no links, one item.
  const realUrl = fx.server.url + paths.changes(fx.teamId, revision - 1, st.chain.seq);
  const headers = { authorization: `Bearer ${token}` };
  const res = await fetch(realUrl, { headers });
  const text = await res.text();
  const body = JSON.parse(text) as { items: unknown[] };
  if (res.status !== 200 || body.items.length !== 1) {
    throw new Error(
      `throughput bench: expected a one-item delta at since=${revision - 1}, got ${res.status} with ${body.items?.length} items`,
    );
  }

  // The bare route: Fastify with no plugins, one SELECT on the team server's own PGlite (so it
  // queues behind the same single connection), then the same object, serialised per request.
  const db = fx.server.db;
  if (db.engine !== 'pglite') throw new Error('throughput bench: expected the embedded PGlite');
  const ONE_SELECT = 'SELECT revision FROM teams WHERE id = $1';
  if ((await db.query(ONE_SELECT, [fx.teamId])).rows.length !== 1) {
    throw new Error("throughput bench: the bare route's SELECT found no team row");
  }
  const bare = Fastify({ logger: false });
  bare.get('/bench/changes', async () => {
    await db.query(ONE_SELECT, [fx.teamId]);
    return body;
  });
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const bareUrl = `http://127.0.0.1:${(bare.server.address() as AddressInfo).port}/bench/changes`;
  console.log(
    `  GET changes?since=${revision - 1}&seq=${st.chain.seq} (${text.length} bytes JSON, 1 item); ${opts.connections} connections, ` +
      `${opts.seconds} s per run after ${WARMUP_SECONDS} s warm-up, ${ROUNDS} rounds alternating`,
  );

  const reals: Load[] = [];
  const bares: Load[] = [];
  try {
    for (let i = 0; i < ROUNDS; i++) {
      settle();
      reals.push(await load(realUrl, headers, opts));
      settle();
      bares.push(await load(bareUrl, headers, opts));
      const r = reals.at(-1)!;
      const b = bares.at(-1)!;
      console.log(
        `  round ${i + 1}: server ${count(Math.round(r.rps))} req/s (p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms${r.bad ? `, ${r.bad} errors` : ''}); ` +
          `one-SELECT route ${count(Math.round(b.rps))} req/s (p50 ${b.p50.toFixed(1)} ms, p99 ${b.p99.toFixed(1)} ms${b.bad ? `, ${b.bad} errors` : ''})`,
      );
    }
  } finally {
    await bare.close();
  }
  const mean = (xs: Load[]) => xs.reduce((s, x) => s + x.rps, 0) / xs.length;
  const server = mean(reals);
  const limit = mean(bares);
  if (reals.some((r) => r.bad > 0))
    console.log('  NOTE: the team server answered some requests with an error; see the rounds above');
  const f: Figure = {
    bench: 'server throughput',
    what: `GET one-change delta, embedded PGlite, ${opts.connections} connections (mean of ${ROUNDS} x ${opts.seconds} s)`,
    value: `${count(Math.round(server))} req/s`,
    raw: `${count(Math.round(limit))} req/s (bare Fastify route running one PGlite SELECT, same JSON)`,
    vsRaw: ratio(server / limit),
    target: '(none; reported)',
    verdict: 'info',
  };
  printFigure(f);
  return [f];
}
