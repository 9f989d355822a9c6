// Process: test. The rate-limit window, with time under the test's control, so a window that is
// too short, too long or off by one at its end fails here however fast or slow the requests
// are. First the store itself on a clock the test steps (through @fastify/rate-limit over
// HTTP, so the refusal is the plugin's real decision), to the millisecond; then the real
// server's login route, where the window's start is moved back in the database as if that
// much time had passed.
import type { AddressInfo } from 'node:net';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../server/db.ts';
import { migrate } from '../../server/migrate.ts';
import { databaseRateLimitStore } from '../../server/rate-limit-store.ts';
import { paths } from '../../shared/api.ts';
import { api, createTestDatabase, startTestServer, type TestServer, testEngine } from '../helpers/server.ts';

const N = 3;
const WINDOW = 60_000;

describe('the store on a stepped clock', () => {
  let db: Database;
  let drop: (() => Promise<void>) | undefined;
  let app: FastifyInstance;
  let url: string;
  // Well away from the database's own clock, so a store that ignored ours would be seen.
  const T0 = Date.UTC(2031, 0, 1, 12, 0, 0);
  let now = T0;

  beforeAll(async () => {
    if (testEngine() === 'postgres') {
      const t = await createTestDatabase();
      drop = t.drop;
      db = await openDatabase({ databaseUrl: t.databaseUrl });
    } else {
      db = await openDatabase({});
    }
    await migrate(db);
    app = Fastify();
    await app.register(rateLimit, {
      global: false,
      store: databaseRateLimitStore(db, () => now),
      hook: 'preHandler',
    });
    app.post(
      '/attempt',
      {
        config: {
          rateLimit: {
            max: N,
            timeWindow: WINDOW,
            keyGenerator: (req) => String((req.body as { who?: unknown } | null)?.who ?? ''),
          },
        },
      },
      async () => ({ ok: true }),
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
    await drop?.();
  });

  const attempt = async (who: string, at: number) => {
    now = at;
    const r = await fetch(`${url}/attempt`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ who }),
    });
    await r.text();
    return {
      status: r.status,
      remaining: r.headers.get('x-ratelimit-remaining'),
      reset: r.headers.get('x-ratelimit-reset'),
    };
  };

  it('N inside the window, the N+1th refused up to its last millisecond, allowed at its end', async () => {
    const who = 'attacker-1';
    expect(await attempt(who, T0)).toEqual({ status: 200, remaining: '2', reset: '60' });
    expect(await attempt(who, T0 + 1)).toEqual({ status: 200, remaining: '1', reset: '60' });
    expect(await attempt(who, T0 + WINDOW - 1)).toEqual({ status: 200, remaining: '0', reset: '1' });
    // The N+1th, at the window's last millisecond: refused.
    const refused = await attempt(who, T0 + WINDOW - 1);
    expect(refused.status).toBe(429);
    expect(refused.reset).toBe('1');
    // Exactly at the window's end a new window starts, at this attempt.
    expect(await attempt(who, T0 + WINDOW)).toEqual({ status: 200, remaining: '2', reset: '60' });
    expect(await attempt(who, T0 + WINDOW + 10)).toEqual({ status: 200, remaining: '1', reset: '60' });
    expect((await attempt(who, T0 + 2 * WINDOW - 1)).status).toBe(200);
    expect((await attempt(who, T0 + 2 * WINDOW - 1)).status).toBe(429);
  });

  it('refused attempts do not stretch the window', async () => {
    const who = 'attacker-2';
    for (let i = 0; i < N; i++) expect((await attempt(who, T0 + i)).status).toBe(200);
    for (let t = T0 + 1000; t < T0 + WINDOW; t += 9_000) expect((await attempt(who, t)).status).toBe(429);
    expect((await attempt(who, T0 + WINDOW)).status).toBe(200);
  });

  it('the time between attempts does not matter, only where they fall in the window', async () => {
    // N attempts spread over the whole window, then the N+1th just before it ends.
    const who = 'attacker-3';
    const t1 = T0 + 5 * WINDOW;
    expect((await attempt(who, t1)).status).toBe(200);
    expect((await attempt(who, t1 + WINDOW / 2)).status).toBe(200);
    expect((await attempt(who, t1 + WINDOW - 2)).status).toBe(200);
    expect((await attempt(who, t1 + WINDOW - 1)).status).toBe(429);
    // Someone else is counted apart.
    expect((await attempt('bystander', t1 + WINDOW - 1)).status).toBe(200);
  });
});

describe('the real server: the login window ends when its time has passed', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({ loginRateLimit: N });
  });
  afterAll(async () => {
    await srv?.close();
  });

  const attempt = (email: string) => api(srv.url).post(paths.loginStart, { email, startLoginRequest: 'AA' });
  /** Moves every window's start back by `ms`, as if that much time had passed. */
  const elapse = (ms: number) =>
    srv.db.query('UPDATE rate_limits SET window_start = window_start - make_interval(secs => $1 / 1000.0)', [
      ms,
    ]);

  it('N attempts, the N+1th refused, still refused just before the minute ends, allowed after', async () => {
    const email = 'target@example.com';
    for (let i = 0; i < N; i++) expect((await attempt(email)).status).not.toBe(429);
    const refused = await attempt(email);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');

    await elapse(WINDOW - 5_000);
    const late = await attempt(email);
    expect(late.status).toBe(429);
    expect(Number(late.headers.get('retry-after'))).toBeLessThanOrEqual(5);

    await elapse(5_000);
    // A new window: N attempts again, then refused.
    for (let i = 0; i < N; i++) expect((await attempt(email)).status).not.toBe(429);
    expect((await attempt(email)).status).toBe(429);
  });
});
