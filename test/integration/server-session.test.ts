// Process: test. Session lifetime and brute-force limits, on a server whose sessions last one
// second and whose password routes allow three attempts a minute per IP and email.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, newUser, signup, startTestServer, type TestServer } from '../helpers/server.ts';

let srv: TestServer;

beforeAll(async () => {
  srv = await startTestServer({ sessionTtlSeconds: 1, loginRateLimit: 3 });
});
afterAll(async () => {
  await srv?.close();
});

describe('session lifetime', () => {
  it('an expired session gets 401 session_expired', async () => {
    const u = await newUser(srv.url, 'exp');
    await new Promise((r) => setTimeout(r, 1500));
    const r = await u.api.get('/api/v1/me');
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ error: { code: 'session_expired', message: 'session expired; log in again' } });
  });

  it('logout revokes the session: the next request gets session_revoked', async () => {
    const s = await signup(srv.url, 'leaver@example.com', 'pw');
    expect(s.finish.status).toBe(200);
    const l = await login(srv.url, 'leaver@example.com', 'pw');
    const a = api(srv.url, l.finish.body.token);
    const out = await a.post('/api/v1/logout');
    expect(out.status).toBe(200);
    const r = await a.get('/api/v1/me');
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('session_revoked');
  });

  it('a suspended user is cut off at once', async () => {
    const s = await signup(srv.url, 'suspended@example.com', 'pw');
    const l = await login(srv.url, 'suspended@example.com', 'pw');
    await srv.db.query('UPDATE users SET suspended_at = now() WHERE id = $1', [s.finish.body.userId]);
    const r = await api(srv.url, l.finish.body.token).get('/api/v1/me');
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('session_revoked');
  });
});

describe('rate limiting', () => {
  it('the fourth login attempt in a minute for one email is 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await api(srv.url).post('/api/v1/login/start', {
        email: 'target@example.com',
        startLoginRequest: 'AA',
      });
      statuses.push(r.status);
      if (r.status === 429) {
        expect(r.body.error.code).toBe('rate_limited');
        expect(r.body.error.message).toMatch(/too many attempts/);
      }
    }
    expect(statuses.slice(0, 3).every((s) => s !== 429)).toBe(true);
    expect(statuses[3]).toBe(429);
    // Another email from the same IP is counted separately.
    const other = await api(srv.url).post('/api/v1/login/start', {
      email: 'other@example.com',
      startLoginRequest: 'AA',
    });
    expect(other.status).not.toBe(429);
  });

  it('signup is limited too', async () => {
    let last = 0;
    for (let i = 0; i < 4; i++) {
      last = (
        await api(srv.url).post('/api/v1/signup/start', {
          email: 'spam@example.com',
          registrationRequest: 'AA',
        })
      ).status;
    }
    expect(last).toBe(429);
  });
});
