// Process: test. Hostile and clumsy input: every malformed request must get a 4xx that says
// what is wrong (naming the field), never a 500, and must leave nothing half-written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  envelope,
  formTeam,
  grant,
  makeVault,
  newUser,
  startTestServer,
  type TestServer,
  type TestUser,
  uuid,
} from '../helpers/server.ts';

let srv: TestServer;
let owner: TestUser;
let team: string;
let vault: string;

beforeAll(async () => {
  srv = await startTestServer();
  owner = await newUser(srv.url, 'owner');
  team = await formTeam(owner);
  vault = await makeVault(owner, team);
});
afterAll(async () => {
  await srv?.close();
});

const item = (v = vault) => `/api/v1/teams/${team}/vaults/${v}/items/${uuid()}`;

describe('validation names the field', () => {
  it('signup with a bad email', async () => {
    const r = await api(srv.url).post('/api/v1/signup/start', {
      email: 'not-an-email',
      registrationRequest: 'AA',
    });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error: { code: 'bad_request', message: 'email: Invalid email address' } });
  });

  it('login with a wrong type and an unknown field', async () => {
    const a = api(srv.url);
    const r1 = await a.post('/api/v1/login/start', { email: 'a@example.com', startLoginRequest: 42 });
    expect(r1.status).toBe(400);
    expect(r1.body.error.message).toMatch(/^startLoginRequest: /);
    const r2 = await a.post('/api/v1/login/finish', { loginId: uuid(), finishLoginRequest: 'AA', extra: 1 });
    expect(r2.status).toBe(400);
    expect(r2.body.error.message).toMatch(/extra/);
    const r3 = await a.post('/api/v1/login/finish', { loginId: 'nope', finishLoginRequest: 'AA' });
    expect(r3.body.error.message).toMatch(/^loginId: /);
  });

  it('invite with an unknown role', async () => {
    const r = await owner.api.post(`/api/v1/teams/${team}/invitations`, {
      email: 'x@example.com',
      role: 'god',
    });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/^role: /);
  });

  it('vault creation with a malformed grant', async () => {
    const bad = { ...grant(owner.id, owner.id), sealedKey: 'not base64!' };
    const r = await owner.api.post(`/api/v1/teams/${team}/vaults`, {
      id: uuid(),
      name: envelope(),
      keyGrants: [bad],
    });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toBe('keyGrants.0.sealedKey: must be base64url');
  });

  it('item write with wrong types, a wrong version step, a huge string', async () => {
    const base = { baseVersion: 0, version: 1, generation: 1, envelope: envelope() };
    const r1 = await owner.api.put(item(), { ...base, version: '1' });
    expect(r1.status).toBe(400);
    expect(r1.body.error.message).toMatch(/^version: /);
    const r2 = await owner.api.put(item(), { ...base, version: 3 });
    expect(r2.status).toBe(400);
    expect(r2.body.error.message).toBe('version: must be baseVersion + 1');
    const r3 = await owner.api.put(item(), {
      ...base,
      envelope: { ...envelope(), alg: 'x'.repeat(100_000) },
    });
    expect(r3.status).toBe(400);
    expect(r3.body.error.message).toMatch(/^envelope\.alg: /);
    const r4 = await owner.api.put(item(), { ...base, baseVersion: -1 });
    expect(r4.body.error.message).toMatch(/^baseVersion: /);
    const r5 = await owner.api.put(item(), { ...base, version: 2 ** 60, baseVersion: 2 ** 60 - 1 });
    expect(r5.status).toBe(400);
  });

  it('path ids and query parameters', async () => {
    const r1 = await owner.api.get('/api/v1/teams/not-a-uuid/members');
    expect(r1.status).toBe(400);
    expect(r1.body.error.message).toBe('team: Invalid UUID');
    const r2 = await owner.api.get(`/api/v1/teams/${team}/changes?since=-4`);
    expect(r2.status).toBe(400);
    expect(r2.body.error.message).toMatch(/^since: /);
    const r3 = await owner.api.get(`/api/v1/teams/${team}/changes?since=abc`);
    expect(r3.status).toBe(400);
  });
});

describe('malformed requests are 4xx, never 500', () => {
  const routes = (): [string, string][] => [
    ['POST', '/api/v1/signup/start'],
    ['POST', '/api/v1/signup/finish'],
    ['POST', '/api/v1/login/start'],
    ['POST', '/api/v1/login/finish'],
    ['POST', '/api/v1/teams'],
    ['POST', `/api/v1/teams/${team}/invitations`],
    ['POST', `/api/v1/teams/${team}/groups`],
    ['POST', `/api/v1/teams/${team}/vaults`],
    ['POST', `/api/v1/teams/${team}/vaults/${vault}/access`],
    ['POST', `/api/v1/teams/${team}/vaults/${vault}/rekey`],
    ['PUT', item()],
  ];
  const garbage = [
    '{"email": ',
    'null',
    '[]',
    '"str"',
    '42',
    '{"__proto__": {"x": 1}}',
    '{"name": "a\\u0000b"}',
    '',
  ];

  it('garbage JSON bodies', async () => {
    for (const [method, path] of routes()) {
      for (const raw of garbage) {
        const r = await owner.api.call(method, path, undefined, { raw });
        expect(r.status, `${method} ${path} ${raw}`).toBeGreaterThanOrEqual(400);
        expect(r.status, `${method} ${path} ${raw}`).toBeLessThan(500);
        expect(r.body.error?.code).toBeTypeOf('string');
        expect(r.body.error?.message).toBeTypeOf('string');
      }
    }
  });

  it('wrong content type is 415', async () => {
    const r = await owner.api.call('POST', '/api/v1/teams', undefined, {
      raw: 'id=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(r.status).toBe(415);
    expect(r.body.error.code).toBe('bad_request');
  });

  it('a body over 32 MiB is 413', async () => {
    const raw = JSON.stringify({ name: 'x'.repeat(33 * 1024 * 1024) });
    const r = await owner.api.call('POST', `/api/v1/teams/${team}/groups`, undefined, { raw });
    expect(r.status).toBe(413);
    expect(r.body.error.message).toMatch(/too large/);
  });

  it('NUL characters and odd unicode never reach the database as a 500', async () => {
    const r1 = await owner.api.post(`/api/v1/teams/${team}/groups`, { name: 'a\u0000b' });
    expect(r1.status).toBe(400);
    const r2 = await owner.api.post(`/api/v1/teams/${team}/groups`, { name: 'lone \ud800 surrogate' });
    expect(r2.status).toBeLessThan(500);
    const r3 = await owner.api.put(item(), {
      baseVersion: 0,
      version: 1,
      generation: 1,
      envelope: { ...envelope(), nonce: '\ud83d\ude00' },
    });
    expect(r3.status).toBeLessThan(500);
  });

  it('a failed request leaves no partial write', async () => {
    const v = uuid();
    const before = await srv.db.query<{ n: number }>('SELECT count(*)::int AS n FROM vault_access');
    // The grant addresses someone without access: the vault row and access row must roll back.
    const r = await owner.api.post(`/api/v1/teams/${team}/vaults`, {
      id: v,
      name: envelope(),
      keyGrants: [grant(owner.id, owner.id), grant(uuid(), owner.id)],
    });
    expect(r.status).toBe(400);
    const rows = await srv.db.query('SELECT id FROM vaults WHERE id = $1', [v]);
    expect(rows.rows).toEqual([]);
    const after = await srv.db.query<{ n: number }>('SELECT count(*)::int AS n FROM vault_access');
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });
});
