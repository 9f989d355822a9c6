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

export const ADMIN_URL = process.env.TESSERA_TEST_PG_URL ?? 'postgres://root@127.0.0.1:5432/postgres';

export interface TestServerOptions {
  sessionTtlSeconds?: number;
  loginRateLimit?: number;
  heartbeatMs?: number;
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
  const options = { loginRateLimit: 1000, ...opts };
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

export function fakeKeyset() {
  return {
    public: { boxPublicKey: rand(32), signPublicKey: rand(32) },
    kdf: { alg: 'argon2id13', opslimit: 3, memlimit: 64 * 1024 * 1024, salt: rand(16) },
    sealedPrivate: envelope(),
  };
}

export function grant(recipient: string, granter: string, generation = 1, role = 'manage') {
  return { recipient, granter, generation, role, sealedKey: rand(80), signature: rand(64) };
}

// ---- accounts through real OPAQUE --------------------------------------------------------

export async function signup(url: string, email: string, password: string, keyset = fakeKeyset()) {
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
  api: Api;
}

export async function newUser(url: string, label: string): Promise<TestUser> {
  const email = `${label}-${rand(4)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, 'x')}@example.com`;
  const password = `pw-${label}`;
  const s = await signup(url, email, password);
  if (s.finish.status !== 200) throw new Error(`signup ${email}: ${JSON.stringify(s.finish.body)}`);
  const l = await login(url, email, password);
  if (l.finish.status !== 200) throw new Error(`login ${email}: ${JSON.stringify(l.finish.body)}`);
  const token = l.finish.body.token as string;
  return { id: l.finish.body.user.id, email, password, token, keys: s.keyset.public, api: api(url, token) };
}

/** Creates a team owned by `owner` and brings each person in at the given role, confirmed. */
export async function formTeam(owner: TestUser, people: [TestUser, 'owner' | 'admin' | 'member'][] = []) {
  const id = uuid();
  const made = await owner.api.post('/api/v1/teams', {
    id,
    name: `team ${id.slice(0, 4)}`,
    rootSignature: rand(64),
  });
  if (made.status !== 200) throw new Error(`create team: ${JSON.stringify(made.body)}`);
  for (const [p, role] of people) await join(owner, id, p, role);
  return id;
}

export async function join(admin: TestUser, team: string, p: TestUser, role: 'owner' | 'admin' | 'member') {
  const steps = [
    await admin.api.post(`/api/v1/teams/${team}/invitations`, { email: p.email, role }),
    await p.api.post(`/api/v1/teams/${team}/accept`),
    await admin.api.post(`/api/v1/teams/${team}/members/${p.id}/confirm`, {
      role,
      keys: p.keys,
      signature: rand(64),
    }),
  ];
  const bad = steps.find((r) => r.status !== 200);
  if (bad) throw new Error(`join ${p.email}: ${bad.status} ${JSON.stringify(bad.body)}`);
}

/** Creates a vault owned by `creator`, sealed to the creator only. */
export async function makeVault(creator: TestUser, team: string) {
  const id = uuid();
  const r = await creator.api.post(`/api/v1/teams/${team}/vaults`, {
    id,
    name: envelope(),
    keyGrants: [grant(creator.id, creator.id)],
  });
  if (r.status !== 200) throw new Error(`create vault: ${JSON.stringify(r.body)}`);
  return id;
}
