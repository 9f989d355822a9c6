// Process: test (benchmark). `npm run bench [-- --items N]`: seeds one team server and profile,
// runs the benches in order (unlock, cold sync, delta sync, due, server throughput, renderer
// search, link open, chain verify, re-key) and prints a markdown summary table that can be pasted into
// the README. It never fails on a slow figure: each figure is printed beside the raw limit
// measured in the same run and marked 'within target' or 'OVER target'; only a broken bench
// (wrong data, crash) exits non-zero.
import { cpus, totalmem } from 'node:os';
import * as auditVerify from './audit-verify.ts';
import * as chainVerify from './chain-verify.ts';
import * as coldSync from './cold-sync.ts';
import * as deltaSync from './delta-sync.ts';
import * as due from './due.ts';
import * as linkOpen from './link-open.ts';
import * as offboard from './offboard.ts';
import * as rekey from './rekey.ts';
import * as rendererSearch from './renderer-search.ts';
import * as serverThroughput from './server-throughput.ts';
import {
  type BenchOptions,
  count,
  type Figure,
  type Fixture,
  ms,
  parseOptions,
  seedFixture,
  summaryTable,
  timed,
} from './setup.ts';
import * as unlock from './unlock.ts';

const BENCHES: [string, (fx: Fixture, opts: BenchOptions) => Promise<Figure[]>][] = [
  ['unlock', unlock.run],
  ['cold-sync', coldSync.run],
  ['delta-sync', deltaSync.run],
  ['due', due.run],
  ['server-throughput', serverThroughput.run],
  ['renderer-search', rendererSearch.run],
  ['link-open', linkOpen.run],
  ['chain-verify', () => chainVerify.run()],
  ['audit-verify', () => auditVerify.run()],
  // Its own team and people on the fixture's server: the fixture's vault is left as it was.
  ['offboard', offboard.run],
  // Last: it re-keys the fixture's vault (every item at a new generation and version).
  ['rekey', rekey.run],
];

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const chosen = BENCHES.filter(([name]) => !opts.only || opts.only.includes(name));
  if (opts.only && chosen.length !== opts.only.length) {
    throw new Error(`unknown bench in --only; known: ${BENCHES.map(([n]) => n).join(', ')}`);
  }
  const cpu = cpus();
  const machine = `${cpu.length} x ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  console.log(`Tessera benchmarks: ${count(opts.items)} items; ${machine}`);

  const started = performance.now();
  console.log(
    `\n# seeding: team server (PGlite in memory), a team of 20, ${count(opts.items)} items in one vault`,
  );
  const seeded = await timed(() => seedFixture(opts.items));
  const fx = seeded.value;
  console.log(
    `  seeded in ${(seeded.ms / 1000).toFixed(1)} s (not measured): ${fx.shape}; ${count(fx.chainLinks)} chain links`,
  );

  const figures: Figure[] = [];
  try {
    for (const [name, bench] of chosen) {
      console.log(`\n# ${name}`);
      const t = await timed(() => bench(fx, opts));
      figures.push(...t.value);
      console.log(`  (${name} took ${(t.ms / 1000).toFixed(1)} s)`);
    }
  } finally {
    await fx.close();
  }

  console.log(`\n## Summary (${count(opts.items)} items; ${machine})\n`);
  console.log(summaryTable(figures));
  const over = figures.filter((f) => f.verdict === 'OVER target' || f.verdict === 'BELOW target');
  console.log(
    `\n${figures.length - over.length - figures.filter((f) => f.verdict === 'info').length} within target, ${over.length} not` +
      `${over.length ? ` (${over.map((f) => f.bench).join(', ')})` : ''}; total ${ms(performance.now() - started)}`,
  );
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  },
);
