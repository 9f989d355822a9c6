// Process: test (benchmark). Shared setup for `npm run bench`: one in-process team server on
// in-memory PGlite, a team of 20 with a few hundred chain links (groups, six vaults, shares,
// re-keys), one vault of which holds N items written through the real service, plus timing, statistics and reporting helpers. Every bench is
// compared with a raw limit measured in the same run on the same machine, so the figures
// mean something on a slow CI box too; nothing here passes or fails, it only prints.
import { rmSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as secrets from '../../electron/core/service/secrets.ts';
import type { TesseraService } from '../../electron/core/service/service.ts';
import type { Unlocked } from '../../electron/core/profile/unlocked.ts';
import type { IndexedItem } from '../../electron/core/vault/index.ts';
import type { VaultRole } from '../../shared/roles.ts';
import { ad } from '../../shared/formats.ts';
import { type RunningServer, startServer } from '../../server/main.ts';
import { bytes, formTeam, type Person, signUp } from '../helpers/people.ts';

// ---- options ---------------------------------------------------------------------------

export interface BenchOptions {
  /** Items in the vault (default 10,000; `npm run bench -- --items 2000` for a quick run). */
  items: number;
  /** Timed repetitions of the unlock and cold-sync benches (median reported). */
  runs: number;
  /** Delta syncs timed in the delta-sync bench. */
  deltas: number;
  /** Seconds of load per server in the throughput bench. */
  seconds: number;
  /** Concurrent connections in the throughput bench. */
  connections: number;
  /** Benches to run (default all), e.g. `--only unlock,delta-sync`. */
  only: string[] | null;
}

export function parseOptions(argv: string[]): BenchOptions {
  const opts: BenchOptions = { items: 10_000, runs: 5, deltas: 30, seconds: 5, connections: 16, only: null };
  const num = (flag: string, value: string | undefined, min: number): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min)
      throw new Error(`${flag} needs a number >= ${min}, got ${JSON.stringify(value)}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i];
    if (flag === '--items') opts.items = Math.floor(num(flag, value(), 1));
    else if (flag === '--runs') opts.runs = Math.floor(num(flag, value(), 1));
    else if (flag === '--deltas') opts.deltas = Math.floor(num(flag, value(), 2));
    else if (flag === '--seconds') opts.seconds = num(flag, value(), 0.5);
    else if (flag === '--connections') opts.connections = Math.floor(num(flag, value(), 1));
    else if (flag === '--only') opts.only = (value() ?? '').split(',').filter(Boolean);
    else if (flag === '--help' || flag === '-h') {
      console.log(
        'npm run bench -- [--items N] [--runs N] [--deltas N] [--seconds S] [--connections N] [--only a,b]',
      );
      process.exit(0);
    } else throw new Error(`unknown option ${flag}`);
  }
  return opts;
}

// ---- figures ---------------------------------------------------------------------------

/** One printed result: the figure, the raw limit measured in the same run, their ratio and
 *  the target, with a plain verdict word. Nothing fails on a slow figure. */
export interface Figure {
  bench: string;
  /** What was measured, e.g. "lock, unlock, decrypt 10,000 items (median of 5)". */
  what: string;
  /** The measured figure, formatted, e.g. "612 ms". */
  value: string;
  /** The raw limit measured in the same run, formatted, with what it is. */
  raw: string;
  /** The figure against the raw limit (and against an absolute target where there is one). */
  vsRaw: string;
  /** The target from the issue, e.g. "<= 1.3x raw". */
  target: string;
  verdict: 'within target' | 'OVER target' | 'BELOW target' | 'info';
}

export function verdictMax(value: number, limit: number): Figure['verdict'] {
  return value <= limit ? 'within target' : 'OVER target';
}

export function verdictMin(value: number, limit: number): Figure['verdict'] {
  return value >= limit ? 'within target' : 'BELOW target';
}

export function printFigure(f: Figure): void {
  console.log(`  => ${f.what}: ${f.value}; raw limit ${f.raw}; ${f.vsRaw}; target ${f.target}: ${f.verdict}`);
}

export function summaryTable(figures: Figure[]): string {
  const head = ['Bench', 'Measured', 'Figure', 'Raw limit (same run)', 'Ratio', 'Target', 'Verdict'];
  const rows = figures.map((f) => [f.bench, f.what, f.value, f.raw, f.vsRaw, f.target, f.verdict]);
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

// ---- timing and statistics -------------------------------------------------------------

export async function timed<T>(fn: () => T | Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

export function median(xs: number[]): number {
  return quantile(xs, 0.5);
}

/** Linear-interpolated quantile (q in [0, 1]). */
export function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export const ms = (x: number) => (x >= 100 ? `${Math.round(x)} ms` : `${x.toFixed(1)} ms`);
export const ratio = (x: number) => `${x < 0.1 ? x.toFixed(3) : x.toFixed(2)}x`;
export const count = (n: number) => n.toLocaleString('en-US');

let gcFn: (() => void) | null | undefined;
/** Collects garbage between timed runs (when V8 lets us), so one run's garbage is not
 *  charged to the next. */
export function settle(): void {
  if (gcFn === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      gcFn = runInNewContext('gc') as () => void;
    } catch {
      gcFn = null;
    }
  }
  gcFn?.();
}

// ---- reaching inside the service -------------------------------------------------------

/** The service keeps its unlocked state and name index private. The bench needs both, to
 *  seed items without a network round trip per item and to read the session token for the
 *  raw-fetch baselines. Read-only use, except the seeding shortcut below. */
export function internals(svc: TesseraService): {
  u: Unlocked;
  index: (teamId: string) => Map<string, IndexedItem>;
} {
  const s = svc as unknown as { u: Unlocked; index(teamId: string): Map<string, IndexedItem> };
  return { u: s.u, index: (teamId) => s.index(teamId) };
}

export function tokenOf(svc: TesseraService): string {
  const token = internals(svc).u.cache.session?.token;
  if (!token) throw new Error('bench: this profile has no session');
  return token;
}

/** Counts calls to and time spent in one method of an object until `stop()`. Used to split
 *  a timed operation into phases (HTTP round trips, cache saves) without touching the code. */
export function probe<T extends object, K extends keyof T>(
  obj: T,
  key: K,
): { calls: number; ms: number; stop(): void } {
  const original = obj[key] as unknown as (...a: unknown[]) => unknown;
  const p = {
    calls: 0,
    ms: 0,
    stop: () => {
      (obj as Record<K, unknown>)[key] = original;
    },
  };
  (obj as Record<K, unknown>)[key] = function (this: unknown, ...args: unknown[]) {
    p.calls++;
    const t0 = performance.now();
    const out = original.apply(this, args);
    if (out instanceof Promise) {
      return out.finally(() => {
        p.ms += performance.now() - t0;
      });
    }
    p.ms += performance.now() - t0;
    return out;
  };
  return p;
}

/** Makes the service's profile-cache saves no-ops until the returned function is called.
 *  Only for the side that is not being measured (seeding, the writer in the delta bench):
 *  its local persistence does not change what the measured client sees. */
export function withoutSaves(svc: TesseraService): () => void {
  const { u } = internals(svc);
  u.save = () => {};
  return () => {
    delete (u as { save?: unknown }).save; // back to Unlocked.prototype.save
    u.save();
  };
}

// ---- the fixture -----------------------------------------------------------------------

export const TEAM = 'bench';
export const VAULT = 'bench';

export interface Fixture {
  server: RunningServer;
  /** Owner; created the vaults and wrote every item. Her profile is the 10,000-item profile. */
  alice: Person;
  /** Member with `edit` on the vault; plays "another member" in the delta bench. */
  bob: Person;
  /** Member with a direct `view` grant on the vault and nothing else of it: the re-key bench
   *  takes that grant away (vault.revoke + vault.rekey) and gives it back between runs. */
  viewer: Person;
  /** Every member, alice and bob included (20 by default). */
  people: Person[];
  teamId: string;
  vaultId: string;
  items: number;
  /** Links on the team chain after seeding, and what they describe. */
  chainLinks: number;
  shape: string;
  /** Plaintext payload size of one item (header JSON + separator + value), for the raw baseline. */
  plainBytes: number;
  /** Associated-data length of one item, for the raw baseline. */
  adBytes: number;
  itemName(i: number): string;
  /** Profile folders to remove at the end. */
  cleanup: string[];
  close(): Promise<void>;
}

export const itemName = (i: number) => `service-${String(i).padStart(5, '0')}-password`;
/** A 32-character generated-password-like value, different per item and per write. */
export const itemValue = (i: number, round = 0) =>
  bytes(`pw-${String(i).padStart(5, '0')}-${String(round).padStart(3, '0')}-${'x'.repeat(17)}`);

/** The team around the bench vault: 20 members (alice owns it, two admins), four groups, six
 *  vaults shared to groups and people, and the churn a team of that size makes over months
 *  (people leaving and rejoining groups, grants taken away and given back; each loss of
 *  access a revoke or group.remove plus a re-key). Everything goes through alice's service
 *  and lands on the chain as signed links, a few hundred of them. */
const OTHERS = [
  'carol',
  'dave',
  'erin',
  'frank',
  'grace',
  'heidi',
  'ivan',
  'judy',
  'mallory',
  'niaj',
  'olivia',
  'peggy',
  'rupert',
  'sybil',
  'trent',
  'victor',
  'walter',
  'yara',
] as const;
const ADMINS = new Set(['carol', 'dave']);
const GROUPS: Record<string, readonly string[]> = {
  ops: ['carol', 'dave', 'erin', 'frank', 'grace'],
  dev: ['heidi', 'ivan', 'judy', 'mallory', 'niaj', 'olivia'],
  finance: ['peggy', 'rupert', 'sybil'],
  support: ['trent', 'victor', 'walter', 'yara', 'bob'],
};
/** Vault → grants (group name or person) with role. The bench vault's direct viewer is yara. */
const SHARES: Record<string, [string, VaultRole][]> = {
  [VAULT]: [
    ['bob', 'edit'],
    ['ops', 'view'],
    ['heidi', 'view'],
    ['yara', 'view'],
  ],
  infra: [
    ['ops', 'edit'],
    ['dev', 'view'],
  ],
  deploy: [
    ['dev', 'edit'],
    ['ops', 'view'],
  ],
  payroll: [
    ['finance', 'edit'],
    ['carol', 'view'],
  ],
  helpdesk: [['support', 'edit']],
  shared: [
    ['ops', 'view'],
    ['dev', 'view'],
    ['finance', 'view'],
    ['support', 'view'],
  ],
};
const VIEWER = 'yara';
/** Group members who leave their group and come back (each: group.remove, a re-key of every
 *  vault the group reads, group.add, a key.deliver per vault). */
const GROUP_CHURN = [
  'erin',
  'ivan',
  'peggy',
  'trent',
  'frank',
  'judy',
  'walter',
  'grace',
  'niaj',
  'sybil',
  'mallory',
  'rupert',
  'victor',
  'olivia',
  'dave',
];
/** Direct grants taken away and given back (vault.revoke + vault.rekey, vault.grant + key.deliver). */
const GRANT_CHURN: [string, string, VaultRole][] = [
  ['payroll', 'carol', 'view'],
  [VAULT, 'heidi', 'view'],
  ['payroll', 'carol', 'view'],
  [VAULT, 'heidi', 'view'],
  ['payroll', 'carol', 'view'],
  [VAULT, 'heidi', 'view'],
];

async function buildTeam(server: string, alice: Person, bob: Person, cleanup: string[], people: Person[]) {
  const others: Person[] = [];
  for (const name of OTHERS) {
    const p = await signUp(server, name);
    cleanup.push(p.profileDir);
    people.push(p);
    others.push(p);
  }
  const byName = new Map<string, Person>([['bob', bob], ...others.map((p, i) => [OTHERS[i]!, p] as const)]);
  const target = (who: string) => (GROUPS[who] ? who : byName.get(who)!.email);
  await formTeam(alice, TEAM, [
    { person: bob, role: 'member' },
    ...others.map((person, i) => ({ person, role: ADMINS.has(OTHERS[i]!) ? 'admin' : 'member' }) as const),
  ]);
  for (const group of Object.keys(GROUPS)) await alice.svc.createGroup(group);
  for (const [group, names] of Object.entries(GROUPS))
    for (const name of names) await alice.svc.addToGroup(group, byName.get(name)!.email);
  let vaultId = '';
  for (const vault of Object.keys(SHARES)) {
    const v = await alice.svc.createVault(vault);
    if (vault === VAULT) vaultId = v.id;
  }
  for (const [vault, grants] of Object.entries(SHARES))
    for (const [who, role] of grants) await alice.svc.shareVault(vault, target(who), role);
  for (const name of GROUP_CHURN) {
    const group = Object.keys(GROUPS).find((g) => GROUPS[g]!.includes(name))!;
    await alice.svc.removeFromGroup(group, byName.get(name)!.email);
    await alice.svc.addToGroup(group, byName.get(name)!.email);
  }
  for (const [vault, who, role] of GRANT_CHURN) {
    await alice.svc.unshareVault(vault, target(who));
    await alice.svc.shareVault(vault, target(who), role);
  }
  const shape =
    `${others.length + 2} members, ${Object.keys(GROUPS).length} groups, ${Object.keys(SHARES).length} vaults, ` +
    `${Object.values(SHARES).flat().length} shares, ${GROUP_CHURN.length} group leave/rejoin and ` +
    `${GRANT_CHURN.length} unshare/reshare rounds`;
  return { others, viewer: byName.get(VIEWER)!, vaultId, shape };
}

export async function seedFixture(items: number): Promise<Fixture> {
  // The link-open bench peeks and opens more links a minute than the default limit allows.
  const server = await startServer({ port: 0, loginRateLimit: 10_000, linkOpenRateLimit: 10_000 });
  const cleanup: string[] = [];
  const people: Person[] = [];
  try {
    const alice = await signUp(server.url, 'alice');
    const bob = await signUp(server.url, 'bob');
    cleanup.push(alice.profileDir, bob.profileDir);
    people.push(alice, bob);
    const team = await buildTeam(server.url, alice, bob, cleanup, people);
    await bob.svc.sync();

    // Seed through the service's own write path (encrypt + queue), then deliver everything
    // with one sync(). writeSecret seals and rewrites the whole profile cache after every
    // write, which makes a 10,000-item import quadratic; the bench skips those intermediate
    // saves (the final sync saves once) so seeding stays well under two minutes.
    const { u, index } = internals(alice.svc);
    const teamId = u.teamId();
    const idx = index(teamId);
    const restore = withoutSaves(alice.svc);
    try {
      for (let i = 0; i < items; i++)
        secrets.writeSecret(u, teamId, idx, VAULT, itemName(i), {
          primaryValue: itemValue(i),
          // Every item has a rotation interval, so the due bench has real work to do.
          rotateEveryDays: 30 + (i % 60),
        });
    } finally {
      restore();
    }
    const pushed = await alice.svc.sync();
    if (pushed.pushed !== items || pushed.remaining !== 0) {
      throw new Error(`bench seeding: pushed ${pushed.pushed} of ${items}, ${pushed.remaining} left`);
    }
    await bob.svc.sync();
    const seen = bob.svc.listSecrets(VAULT).length;
    if (seen !== items) throw new Error(`bench seeding: bob sees ${seen} of ${items} items`);
    await team.viewer.svc.sync();
    const viewed = team.viewer.svc.listSecrets(VAULT).length;
    if (viewed !== items) throw new Error(`bench seeding: the viewer sees ${viewed} of ${items} items`);

    const st = u.team(teamId);
    const sample = Object.values(st.items)[0]!;
    const ct = Buffer.from(sample.envelope.ct, 'base64url');
    const adBytes = bytes(ad.item(teamId, sample.vault, sample.id, sample.generation, sample.version)).length;

    return {
      server,
      alice,
      bob,
      viewer: team.viewer,
      people,
      teamId,
      vaultId: team.vaultId,
      items,
      chainLinks: st.chain.seq,
      shape: team.shape,
      plainBytes: ct.length - 16,
      adBytes,
      itemName,
      cleanup,
      async close() {
        for (const p of people) p.svc.lock();
        await server.close();
        for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    for (const p of people) p.svc.lock();
    await server.close();
    for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
