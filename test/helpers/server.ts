// Process: test (plain Node). A real team server for integration tests, on the engine the
// environment selects: TESSERA_TEST_DB=postgres gets a fresh database on the local
// PostgreSQL (dropped on close), anything else an in-memory PGlite. PGlite costs seconds to
// start, so share one server per test file. Login rate limiting defaults to 1000/min here
// (tests sign many people up from one IP); pass loginRateLimit to test the limit itself.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import * as opaque from '@serenity-kit/opaque';
import pg from 'pg';
import { createApp } from '../../server/app.ts';
import type { Database } from '../../server/db.ts';
import { startServer } from '../../server/main.ts';
import { chainCrypto, signLink } from '../../electron/core/crypto/chain.ts';
import { initSodium, sodium } from '../../electron/core/crypto/sodium.ts';
import type { ChainLink, LinkType } from '../../shared/chain/links.ts';
import type { TeamState } from '../../shared/chain/state.ts';
import { extendChain, verifyGenesis } from '../../shared/chain/verify.ts';
import { toB64 } from '../../shared/encoding.ts';

export const ADMIN_URL = process.env.TESSERA_TEST_PG_URL ?? 'postgres://root@127.0.0.1:5432/postgres';

export interface TestServerOptions {
  sessionTtlSeconds?: number;
  loginRateLimit?: number;
  heartbeatMs?: number;
  linkOpenRateLimit?: number;
  linkPurgeMs?: number;
  logger?: boolean;
  logStream?: { write(line: string): unknown };
  /** The built recipient page (default: dist/recipient in this checkout). */
  recipientDir?: string;
  /** The break-glass clock and webhook (server/data/breakglass.ts). */
  breakGlass?: import('../../server/data/breakglass.ts').BreakGlassOptions;
}

export interface TestServer {
  url: string;
  db: Database;
  engine: 'pglite' | 'postgres';
  /** Set on the postgres engine: where a second server process can connect. */
  databaseUrl?: string;
  options: TestServerOptions;
  close(): Promise<void>;
}

export function testEngine(): 'pglite' | 'postgres' {
  return process.env.TESSERA_TEST_DB === 'postgres' ? 'postgres' : 'pglite';
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A fresh, empty PostgreSQL database for tests that manage servers themselves. */
export async function createTestDatabase(): Promise<{ databaseUrl: string; drop(): Promise<void> }> {
  const name = `tessera_t_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  return {
    databaseUrl: withDatabase(ADMIN_URL, name),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const options = { loginRateLimit: 1000, linkOpenRateLimit: 1000, ...opts };
  const engine = testEngine();
  if (engine === 'pglite') {
    const s = await startServer({ ...options, port: 0 });
    return { ...s, engine, options };
  }
  const { databaseUrl, drop } = await createTestDatabase();
  try {
    const s = await startServer({ ...options, databaseUrl, port: 0 });
    return {
      url: s.url,
      db: s.db,
      engine,
      databaseUrl,
      options,
      close: async () => {
        await s.close();
        await drop();
      },
    };
  } catch (err) {
    await drop();
    throw err;
  }
}

/** A second server on the SAME database: its own pool and LISTEN connection on PostgreSQL,
 *  its own app (and LISTEN registration) over the shared instance on PGlite. Close it before
 *  the first one. */
export async function startSecondServer(first: TestServer): Promise<{ url: string; close(): Promise<void> }> {
  if (first.databaseUrl) {
    const s = await startServer({ ...first.options, databaseUrl: first.databaseUrl, port: 0 });
    return { url: s.url, close: s.close };
  }
  const app = await createApp(first.db, first.options);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

// ---- a thin HTTP client for the server suite -------------------------------------------

// biome-ignore lint/suspicious/noExplicitAny: tests inspect answers loosely and assert on them
export type J = Record<string, any>;
export interface Reply {
  status: number;
  body: J;
  headers: Headers;
}

export interface Api {
  call(
    method: string,
    path: string,
    body?: unknown,
    init?: { headers?: Record<string, string>; raw?: string },
  ): Promise<Reply>;
  get(path: string): Promise<Reply>;
  post(path: string, body?: unknown): Promise<Reply>;
  put(path: string, body?: unknown): Promise<Reply>;
  del(path: string): Promise<Reply>;
}

export function api(url: string, token?: string): Api {
  const call: Api['call'] = async (method, path, body, init = {}) => {
    const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}) };
    const payload = init.raw ?? (body === undefined ? undefined : JSON.stringify(body));
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url + path, { method, headers: { ...headers, ...init.headers }, body: payload });
    const text = await res.text();
    let parsed: J = {};
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = { text };
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return {
    call,
    get: (p) => call('GET', p),
    post: (p, b) => call('POST', p, b),
    put: (p, b) => call('PUT', p, b),
    del: (p) => call('DELETE', p),
  };
}

export const rand = (n = 32) => randomBytes(n).toString('base64url');
export const envelope = () => ({ v: 1, alg: 'xchacha20poly1305-ietf', nonce: rand(24), ct: rand(48) });
export const uuid = () => crypto.randomUUID();

/** Real public keys (chain links are verified with them); the sealed private half is filler,
 *  since these raw-HTTP users sign in the test and never unlock a keyset. */
export function fakeKeyset(keys = accountKeys()) {
  return {
    public: keys.public,
    kdf: { alg: 'argon2id13', opslimit: 3, memlimit: 64 * 1024 * 1024, salt: rand(16) },
    sealedPrivate: envelope(),
  };
}

function accountKeys() {
  const sign = sodium().crypto_sign_keypair();
  const box = sodium().crypto_box_keypair();
  return {
    public: { boxPublicKey: toB64(box.publicKey), signPublicKey: toB64(sign.publicKey) },
    signSecretKey: sign.privateKey,
  };
}

// ---- accounts through real OPAQUE --------------------------------------------------------

export async function signup(url: string, email: string, password: string, keyset: J = fakeKeyset()) {
  await opaque.ready;
  const a = api(url);
  const reg = opaque.client.startRegistration({ password });
  const start = await a.post('/api/v1/signup/start', { email, registrationRequest: reg.registrationRequest });
  if (start.status !== 200) return { start, finish: start, keyset };
  const { registrationRecord } = opaque.client.finishRegistration({
    password,
    registrationResponse: start.body.registrationResponse,
    clientRegistrationState: reg.clientRegistrationState,
  });
  const finish = await a.post('/api/v1/signup/finish', {
    email,
    name: email.split('@')[0],
    registrationRecord,
    keyset,
  });
  return { start, finish, keyset };
}

/** Logs in; when the client cannot finish (wrong password, unknown email) it still sends a
 *  well-formed but wrong finish message, as an attacker would, to see what the server says. */
export async function login(url: string, email: string, password: string) {
  await opaque.ready;
  const a = api(url);
  const l = opaque.client.startLogin({ password });
  const start = await a.post('/api/v1/login/start', { email, startLoginRequest: l.startLoginRequest });
  if (start.status !== 200) return { start, finish: start, clientOk: false };
  const done = opaque.client.finishLogin({
    clientLoginState: l.clientLoginState,
    loginResponse: start.body.loginResponse,
    password,
  });
  const finishLoginRequest = done?.finishLoginRequest ?? rand(64);
  const finish = await a.post('/api/v1/login/finish', { loginId: start.body.loginId, finishLoginRequest });
  return { start, finish, clientOk: done !== undefined };
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
  token: string;
  keys: { boxPublicKey: string; signPublicKey: string };
  signSecretKey: Uint8Array;
  api: Api;
}

export async function newUser(url: string, label: string): Promise<TestUser> {
  const email = `${label}-${rand(4)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, 'x')}@example.com`;
  const password = `pw-${label}`;
  await initSodium();
  const k = accountKeys();
  const s = await signup(url, email, password, fakeKeyset(k));
  if (s.finish.status !== 200) throw new Error(`signup ${email}: ${JSON.stringify(s.finish.body)}`);
  const l = await login(url, email, password);
  if (l.finish.status !== 200) throw new Error(`login ${email}: ${JSON.stringify(l.finish.body)}`);
  const token = l.finish.body.token as string;
  return {
    id: l.finish.body.user.id,
    email,
    password,
    token,
    keys: k.public,
    signSecretKey: k.signSecretKey,
    api: api(url, token),
  };
}

// ---- teams on the chain, signed in the test ------------------------------------------

/** What the test believes each team's chain is, extended by every append that succeeded. */
const chains = new Map<string, TeamState>();

export function chainOf(team: string): TeamState {
  const c = chains.get(team);
  if (!c) throw new Error(`no chain known for team ${team}`);
  return c;
}

/** Catches up on links other users appended, verifying them like a client. */
export async function refreshChain(reader: TestUser, team: string): Promise<TeamState> {
  const known = chainOf(team);
  const r = await reader.api.get(`/api/v1/teams/${team}/chain?after=${known.seq}`);
  if (r.status !== 200) throw new Error(`read chain: ${r.status} ${JSON.stringify(r.body)}`);
  const next = extendChain(chainCrypto, known, r.body.links);
  chains.set(team, next);
  return next;
}

export function signNext(
  by: TestUser,
  state: TeamState,
  type: LinkType,
  body: Record<string, unknown>,
): ChainLink {
  return signLink(
    state.team,
    { seq: state.seq + 1, prev: state.head, type, author: by.id, body },
    by.signSecretKey,
  );
}

/** A sealed-key stand-in the server cannot tell from a real one, and the hash a link records. */
export function fakeSealedKey(): { sealedKey: string; keyHash: string } {
  const bytes = randomBytes(80);
  return { sealedKey: toB64(bytes), keyHash: toB64(sodium().crypto_generichash(32, bytes, null)) };
}

/**
 * Signs `steps` as `by` on the newest chain and appends them in one request. Keys named in
 * vault.create / vault.rekey / key.deliver bodies are made up here and sent alongside unless
 * `extra.keys` is given. Returns the reply; on 200 the local chain moves on.
 */
export async function appendLinks(
  by: TestUser,
  team: string,
  steps: [LinkType, Record<string, unknown>][],
  extra: { keys?: unknown[]; vaults?: unknown[]; links?: (links: ChainLink[]) => unknown[] } = {},
): Promise<Reply> {
  let state = await refreshChain(by, team);
  const links: ChainLink[] = [];
  for (const [type, body] of steps) {
    const link = signNext(by, state, type, body);
    links.push(link);
    try {
      state = extendChain(chainCrypto, state, [link]);
    } catch {
      // A link the test expects the server to refuse: keep signing on the last good state.
    }
  }
  const r = await by.api.post(`/api/v1/teams/${team}/chain`, {
    links: extra.links ? extra.links(links) : links,
    keys: extra.keys ?? [],
    vaults: extra.vaults ?? [],
  });
  if (r.status === 200) await refreshChain(by, team);
  return r;
}

async function mustAppend(
  by: TestUser,
  team: string,
  steps: [LinkType, Record<string, unknown>][],
  extra = {},
) {
  const r = await appendLinks(by, team, steps, extra);
  if (r.status !== 200)
    throw new Error(`${steps.map((s) => s[0]).join(', ')}: ${r.status} ${JSON.stringify(r.body)}`);
  return r;
}

/** Creates a team owned by `owner` and brings each person in at the given role, confirmed. */
export async function formTeam(owner: TestUser, people: [TestUser, 'owner' | 'admin' | 'member'][] = []) {
  const name = `team ${rand(3)}`;
  const link = signLink(
    null,
    {
      seq: 1,
      prev: null,
      type: 'team.create',
      author: owner.id,
      body: { name, user: owner.id, email: owner.email, keys: owner.keys },
    },
    owner.signSecretKey,
  );
  const made = await owner.api.post('/api/v1/teams', { link });
  if (made.status !== 200) throw new Error(`create team: ${JSON.stringify(made.body)}`);
  const state = verifyGenesis(chainCrypto, link);
  chains.set(state.team, state);
  for (const [p, role] of people) await join(owner, state.team, p, role);
  return state.team;
}

export async function invite(
  admin: TestUser,
  team: string,
  email: string,
  role: 'owner' | 'admin' | 'member',
) {
  return appendLinks(admin, team, [['member.invite', { email, role }]]);
}

export function confirmStep(
  p: TestUser,
  role: 'owner' | 'admin' | 'member',
): [LinkType, Record<string, unknown>] {
  return ['member.confirm', { user: p.id, email: p.email, keys: p.keys, role }];
}

export async function join(admin: TestUser, team: string, p: TestUser, role: 'owner' | 'admin' | 'member') {
  await mustAppend(admin, team, [['member.invite', { email: p.email, role }]]);
  const accepted = await p.api.post(`/api/v1/teams/${team}/accept`);
  if (accepted.status !== 200) throw new Error(`accept ${p.email}: ${JSON.stringify(accepted.body)}`);
  await mustAppend(admin, team, [confirmStep(p, role)]);
}

/** The keys a new vault must carry: one per entitled reader (the creator and every owner). */
export function newVaultKeys(state: TeamState, creator: string) {
  const readers = new Set([creator]);
  for (const m of state.members.values())
    if (m.status === 'confirmed' && m.role === 'owner') readers.add(m.user);
  return [...readers].sort().map((user) => ({ user, ...fakeSealedKey() }));
}

/** Creates a vault by `creator`, its (made-up) key sealed to exactly the entitled readers. */
export async function makeVault(creator: TestUser, team: string) {
  const id = uuid();
  const readers = newVaultKeys(await refreshChain(creator, team), creator.id);
  await mustAppend(
    creator,
    team,
    [
      [
        'vault.create',
        { vault: id, generation: 1, keys: readers.map(({ user, keyHash }) => ({ user, keyHash })) },
      ],
    ],
    {
      keys: readers.map(({ user, sealedKey }) => ({ vault: id, generation: 1, user, sealedKey })),
      vaults: [{ vault: id, generation: 1, name: envelope() }],
    },
  );
  return id;
}

/** Shares a vault with a user (or group) and delivers them a made-up key in the same batch. */
export async function shareVault(
  by: TestUser,
  team: string,
  vault: string,
  to: { kind: 'user' | 'group'; id: string },
  role: 'view' | 'edit' | 'manage',
) {
  const state = await refreshChain(by, team);
  const generation = state.vaults.get(vault)!.generation;
  const users = to.kind === 'user' ? [to.id] : [...(state.groups.get(to.id)?.members ?? [])];
  const fresh = users
    .filter((u) => !state.vaults.get(vault)!.keyHolders.has(u))
    .map((user) => ({ user, ...fakeSealedKey() }));
  return mustAppend(
    by,
    team,
    [
      ['vault.grant', { vault, principal: to, role }],
      ...fresh.map((k): [LinkType, Record<string, unknown>] => [
        'key.deliver',
        { vault, generation, user: k.user, keyHash: k.keyHash },
      ]),
    ],
    { keys: fresh.map((k) => ({ vault, generation, user: k.user, sealedKey: k.sealedKey })) },
  );
}

/** A second server in its own OS process on the same PostgreSQL database (helpers/server-child.ts).
 *  Close it before the first one. */
export async function startServerProcess(
  first: TestServer,
): Promise<{ url: string; close(): Promise<void> }> {
  if (!first.databaseUrl) throw new Error('startServerProcess needs the postgres engine');
  const { spawn } = await import('node:child_process');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', new URL('./server-child.ts', import.meta.url).pathname],
    {
      env: { ...process.env, TESSERA_CHILD_DATABASE_URL: first.databaseUrl },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = await new Promise<string>((done, fail) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) done(out.slice(0, nl).trim());
    });
    child.once('exit', (code) => fail(new Error(`server process exited ${code} before listening`)));
  });
  return {
    url,
    close: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
