// Process: test. A server restarted on the same storage (a PGlite data directory, or the same
// PostgreSQL database) keeps its accounts and its OPAQUE setup, so people can still log in;
// migrations run once. With logging on, no token, header or body reaches the log.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../../server/main.ts';
import { migrationFiles } from '../../server/migrate.ts';
import {
  createTestDatabase,
  envelope,
  formTeam,
  login,
  makeVault,
  newUser,
  testEngine,
  uuid,
  rand,
} from '../helpers/server.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function storage(): Promise<{ dataDir?: string; databaseUrl?: string }> {
  if (testEngine() === 'postgres') {
    const { databaseUrl, drop } = await createTestDatabase();
    cleanups.push(drop);
    return { databaseUrl };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-server-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  return { dataDir };
}

describe('restart on the same storage', () => {
  it('keeps accounts, the OPAQUE setup and data; logs stay clean', async () => {
    const where = await storage();
    const lines: string[] = [];
    const logStream = { write: (line: string) => lines.push(line) };
    const first = await startServer({ ...where, port: 0, logger: true, logStream, loginRateLimit: 100 });
    const u = await newUser(first.url, 'keeper');
    const team = await formTeam(u);
    const vault = await makeVault(u, team);
    const canary = 'CANARYCIPHERTEXT0123456789';
    const put = await u.api.put(`/api/v1/teams/${team}/vaults/${vault}/items/${uuid()}`, {
      baseVersion: 0,
      version: 1,
      generation: 1,
      envelope: { ...envelope(), ct: canary },
      signature: rand(64),
    });
    expect(put.status).toBe(200);
    const bad = await u.api.put(`/api/v1/teams/${team}/vaults/${vault}/items/${uuid()}`, { canary });
    expect(bad.status).toBe(400);
    await first.close();

    const log = lines.join('');
    expect(lines.length).toBeGreaterThan(3);
    expect(log).not.toContain(u.token);
    expect(log).not.toContain(canary);
    expect(log).not.toContain(u.password);
    expect(log.toLowerCase()).not.toContain('bearer');

    const second = await startServer({ ...where, port: 0 });
    cleanups.push(() => second.close());
    const again = await login(second.url, u.email, u.password);
    expect(again.finish.status).toBe(200);
    const migrations = await second.db.query<{ version: string }>(
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    expect(migrations.rows.map((r) => r.version)).toEqual(
      migrationFiles().map((f) => f.replace(/\.sql$/, '')),
    );
    const items = await second.db.query<{ n: number }>('SELECT count(*)::int AS n FROM items');
    expect(items.rows[0]!.n).toBe(1);
  });
});
