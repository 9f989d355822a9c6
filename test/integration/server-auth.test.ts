// Process: test. Signup and login against the real team server with a real OPAQUE client:
// right and wrong passwords, an unknown email that must look exactly like a wrong password,
// session tokens, and the security headers every answer carries.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initSodium } from '../../electron/core/crypto/sodium.ts';
import { api, login, newUser, signup, startTestServer, type TestServer } from '../helpers/server.ts';

let srv: TestServer;

beforeAll(async () => {
  // signup's default keyset holds real keys, made with libsodium.
  await initSodium();
  srv = await startTestServer();
});
afterAll(async () => {
  await srv?.close();
});

describe('signup and login (OPAQUE)', () => {
  it('signs up and logs in; the session token opens /me', async () => {
    const s = await signup(srv.url, 'Alice@Example.com', 'correct horse battery');
    expect(s.start.status).toBe(200);
    expect(s.finish.status).toBe(200);
    expect(s.finish.body.userId).toMatch(/^[0-9a-f-]{36}$/);

    const l = await login(srv.url, 'alice@example.com', 'correct horse battery');
    expect(l.clientOk).toBe(true);
    expect(l.finish.status).toBe(200);
    const { token, expiresAt, user, keyset } = l.finish.body;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(11 * 3600 * 1000);
    expect(user).toEqual({ id: s.finish.body.userId, email: 'alice@example.com', name: 'Alice' });
    expect(keyset).toEqual(s.keyset);

    const me = await api(srv.url, token).get('/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe('alice@example.com');
    expect(me.body.teams).toEqual([]);
    expect(me.body.invitations).toEqual([]);
  });

  it('makes no second account for the same email, and does not say so', async () => {
    const first = await signup(srv.url, 'dup@example.com', 'one');
    const again = await signup(srv.url, 'DUP@example.com', 'two');
    // Answered like any signup (see server-enumeration.test.ts), but nothing was stored.
    expect(again.finish.status).toBe(200);
    expect(again.finish.body.userId).not.toBe(first.finish.body.userId);
    const rows = await srv.db.query('SELECT id FROM users WHERE email = $1', ['dup@example.com']);
    expect(rows.rows).toEqual([{ id: first.finish.body.userId }]);
    expect((await login(srv.url, 'dup@example.com', 'two')).finish.status).toBe(401);
    const l = await login(srv.url, 'dup@example.com', 'one');
    expect(l.finish.status).toBe(200);
    expect(l.finish.body.user.id).toBe(first.finish.body.userId);
    expect(l.finish.body.keyset).toEqual(first.keyset);
  });

  it('a wrong password gets 401 wrong_password', async () => {
    await signup(srv.url, 'bob@example.com', 'right password');
    const l = await login(srv.url, 'bob@example.com', 'wrong password');
    expect(l.start.status).toBe(200);
    expect(l.clientOk).toBe(false);
    expect(l.finish.status).toBe(401);
    expect(l.finish.body).toEqual({ error: { code: 'wrong_password', message: 'wrong email or password' } });
  });

  it('an unknown email is indistinguishable from a wrong password', async () => {
    const known = await login(srv.url, 'bob@example.com', 'guess');
    const unknown = await login(srv.url, 'nobody-here@example.com', 'guess');
    expect(unknown.start.status).toBe(known.start.status);
    expect(Object.keys(unknown.start.body).sort()).toEqual(Object.keys(known.start.body).sort());
    expect(unknown.start.body.loginResponse.length).toBe(known.start.body.loginResponse.length);
    expect(unknown.finish.status).toBe(401);
    expect(unknown.finish.body).toEqual(known.finish.body);
  });

  it('a login attempt is single use', async () => {
    const u = await newUser(srv.url, 'once');
    const l = await login(srv.url, u.email, u.password);
    expect(l.finish.status).toBe(200);
    const replay = await api(srv.url).post('/api/v1/login/finish', {
      loginId: l.start.body.loginId,
      finishLoginRequest: 'AAAA',
    });
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('wrong_password');
  });

  it('garbage OPAQUE messages are 400, not 500', async () => {
    const a = api(srv.url);
    const r1 = await a.post('/api/v1/signup/start', { email: 'g@example.com', registrationRequest: 'AAAA' });
    expect(r1.status).toBe(400);
    expect(r1.body.error.message).toMatch(/^registrationRequest: /);
    const r2 = await a.post('/api/v1/login/start', { email: 'g@example.com', startLoginRequest: 'AAAA' });
    expect(r2.status).toBe(400);
    const s = await signup(srv.url, 'rec@example.com', 'x');
    expect(s.finish.status).toBe(200);
    const r3 = await a.post('/api/v1/signup/finish', {
      email: 'rec2@example.com',
      name: 'x',
      registrationRecord: 'AAAA',
      keyset: s.keyset,
    });
    expect(r3.status).toBe(400);
    expect(r3.body.error.message).toMatch(/^registrationRecord: /);
  });
});

describe('sessions', () => {
  it('needs a bearer token on every other route', async () => {
    const none = await api(srv.url).get('/api/v1/me');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthenticated');
    const bogus = await api(srv.url, 'x'.repeat(43)).get('/api/v1/me');
    expect(bogus.status).toBe(401);
    expect(bogus.body.error.code).toBe('unauthenticated');
  });

  it('stores only a hash of the token', async () => {
    const u = await newUser(srv.url, 'hash');
    const rows = await srv.db.query<{ h: string }>("SELECT encode(token_hash, 'hex') AS h FROM sessions");
    expect(rows.rows.length).toBeGreaterThan(0);
    const hashes = rows.rows.map((r) => r.h);
    expect(hashes).toContain(createHash('sha256').update(u.token).digest('hex'));
    expect(hashes).not.toContain(Buffer.from(u.token, 'base64url').toString('hex'));
    const me = await u.api.get('/api/v1/me');
    expect(me.status).toBe(200);
  });
});

describe('hardening', () => {
  it('sends security headers', async () => {
    const r = await api(srv.url).get('/api/v1/me');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(r.headers.get('strict-transport-security')).toContain('max-age=');
    expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(r.headers.get('x-powered-by')).toBeNull();
  });

  it('an unknown route is a 404 with an error body', async () => {
    const u = await newUser(srv.url, 'nf');
    const r = await u.api.get('/api/v1/nothing-here');
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('not_found');
  });
});
