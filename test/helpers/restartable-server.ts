// Process: test. A team server that can be stopped and started again on the same port and
// the same data, for the offline tests: PGlite in a temp folder, or a fresh PostgreSQL
// database when TESSERA_TEST_DB=postgres.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type RunningServer, startServer } from '../../server/main.ts';
import { ADMIN_URL, testEngine } from './server.ts';

export interface RestartableServer {
  url: string;
  running: RunningServer | null;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

export async function startRestartableServer(): Promise<RestartableServer> {
  let where: { dataDir?: string; databaseUrl?: string };
  let cleanup: () => Promise<void>;
  if (testEngine() === 'postgres') {
    const name = `tessera_r_${crypto.randomUUID().replace(/-/g, '').slice(0, 12)}`;
    await admin(`CREATE DATABASE ${name}`);
    const u = new URL(ADMIN_URL);
    u.pathname = `/${name}`;
    where = { databaseUrl: u.toString() };
    cleanup = () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } else {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-srv-'));
    where = { dataDir };
    cleanup = async () => rmSync(dataDir, { recursive: true, force: true });
  }
  let port = 0;
  const s: RestartableServer = {
    url: '',
    running: null,
    async start() {
      s.running = await startServer({ ...where, port, loginRateLimit: 1000 });
      port = Number(new URL(s.running.url).port);
      s.url = s.running.url;
    },
    async stop() {
      await s.running?.close();
      s.running = null;
    },
    async destroy() {
      await s.stop();
      await cleanup();
    },
  };
  await s.start();
  return s;
}
