// Process: test. The password routes' rate limit holds across server processes: two servers
// on one database (on PostgreSQL, two separate connection pools, as two processes would have)
// share one count, so adding processes does not multiply an attacker's attempts. The counters
// are stored under hashes, so the table does not list the addresses probed.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import { type Database, openDatabase } from '../../server/db.ts';
import { paths } from '../../shared/api.ts';
import { api, createTestDatabase, testEngine } from '../helpers/server.ts';

const LIMIT = 3;
const apps: FastifyInstance[] = [];
const dbs: Database[] = [];
let urls: string[] = [];
let drop: (() => Promise<void>) | undefined;

beforeAll(async () => {
  if (testEngine() === 'postgres') {
    const t = await createTestDatabase();
    drop = t.drop;
    dbs.push(
      await openDatabase({ databaseUrl: t.databaseUrl }),
      await openDatabase({ databaseUrl: t.databaseUrl }),
    );
  } else {
    const db = await openDatabase({});
    dbs.push(db, db);
  }
  for (const db of dbs) {
    const app = await createApp(db, { loginRateLimit: LIMIT });
    await app.listen({ port: 0, host: '127.0.0.1' });
    apps.push(app);
  }
  urls = apps.map((a) => `http://127.0.0.1:${(a.server.address() as AddressInfo).port}`);
});

afterAll(async () => {
  for (const a of apps) await a.close();
  for (const db of new Set(dbs)) await db.close();
  await drop?.();
});

const attempt = (url: string, email: string) =>
  api(url).post(paths.loginStart, { email, startLoginRequest: 'AA' });

describe('rate limits shared by every server process', () => {
  it('attempts spread over two servers are counted together', async () => {
    const statuses: number[] = [];
    for (let i = 0; i <= LIMIT; i++)
      statuses.push((await attempt(urls[i % 2]!, 'target@example.com')).status);
    expect(statuses.slice(0, LIMIT).every((s) => s !== 429)).toBe(true);
    expect(statuses[LIMIT]).toBe(429);
    // And the other server refuses too: the count is one.
    const other = await attempt(urls[(LIMIT + 1) % 2]!, 'target@example.com');
    expect(other.status).toBe(429);
    expect(other.body.error.code).toBe('rate_limited');
  });

  it('another email from the same address has its own count', async () => {
    expect((await attempt(urls[0]!, 'someone-else@example.com')).status).not.toBe(429);
  });

  it('the counters are kept under hashes, not addresses or emails', async () => {
    const rows = await dbs[0]!.query<{ key: Uint8Array }>('SELECT key FROM rate_limits');
    expect(rows.rows.length).toBeGreaterThan(0);
    for (const r of rows.rows) {
      expect(r.key.length).toBe(32);
      expect(Buffer.from(r.key).toString('latin1')).not.toContain('example.com');
    }
  });
});
