// Process: test. A canary secret and its name go through the whole product (the real CLI
// against a real `tessera server` process with request logging on) and must never appear
// in plaintext in the server's database files, either user's local profile, or any log.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { cliUser } from '../helpers/cli.ts';
import { ADMIN_URL, testEngine } from '../helpers/server.ts';

// Each test runs several CLI processes (tsx start-up, Argon2id): minutes on a busy 2-core machine.
vi.setConfig({ testTimeout: 300_000 });

const ROOT = resolve(import.meta.dirname, '..', '..');
const CANARY_NAME = 'canary-name-7f3a9c';
const CANARY_VALUE = 'canary-value-Qx81-zz';
const VAULT = 'canary-vault-b21e';

let server: ChildProcess;
let url = '';
let log = '';
let dataDir = '';
let dbName = '';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

function findIn(files: string[], needle: string): string[] {
  const n = Buffer.from(needle, 'utf8');
  const n16 = Buffer.from(needle, 'utf16le');
  return files.filter((f) => {
    const b = readFileSync(f);
    return b.includes(n) || b.includes(n16);
  });
}

async function admin(sql: string, database = 'postgres') {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${database}`;
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  const args = ['--import', 'tsx', join(ROOT, 'electron', 'cli.ts'), 'server', '--port', '0'];
  if (testEngine() === 'postgres') {
    dbName = `tessera_c_${crypto.randomUUID().replace(/-/g, '').slice(0, 12)}`;
    await admin(`CREATE DATABASE ${dbName}`);
    const u = new URL(ADMIN_URL);
    u.pathname = `/${dbName}`;
    args.push('--database-url', u.toString());
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'tessera-canary-db-'));
    args.push('--data', dataDir);
  }
  server = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout?.on('data', (d) => {
    log += d;
  });
  server.stderr?.on('data', (d) => {
    log += d;
  });
  // A loaded 2-core machine can take most of a minute to start tsx and PGlite.
  const deadline = Date.now() + 110_000;
  while (!url && Date.now() < deadline) {
    url = /listening on (http:\/\/\S+)/.exec(log)?.[1] ?? '';
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!url) throw new Error(`server did not start:\n${log}`);
}, 180_000);

afterAll(async () => {
  if (server && server.exitCode === null) server.kill('SIGTERM');
  if (dbName) await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
});

describe('canary', () => {
  it('never reaches the server database, a profile, or a log in plaintext', async () => {
    const alice = cliUser('alice@example.test');
    const bob = cliUser('bob@example.test');
    let clientLog = '';
    const run = async (u: typeof alice, args: string[], stdin?: string) => {
      const r = await u.run(args, { stdin });
      clientLog += r.stdout + r.stderr;
      expect(r.code, r.stderr).toBe(0);
      return r;
    };
    await run(alice, ['signup', '--server', url, '--email', alice.email, '--name', 'Alice']);
    await run(bob, ['signup', '--server', url, '--email', bob.email, '--name', 'Bob']);
    await run(alice, ['team', 'create', 'acme']);
    const invited = await run(alice, ['team', 'invite', bob.email, '--json']);
    await run(bob, ['team', 'accept', JSON.parse(invited.stdout).inviteCode]);
    const fp = JSON.parse((await run(bob, ['whoami', '--json'])).stdout).fingerprint;
    await run(alice, ['team', 'confirm', bob.email, '--fingerprint', fp]);
    await run(alice, ['vault', 'create', VAULT]);
    await run(alice, ['secret', 'set', `${VAULT}/${CANARY_NAME}`, '--value-stdin'], CANARY_VALUE);
    await run(alice, ['vault', 'share', VAULT, '--with', bob.email, '--role', 'view']);
    const got = await bob.run(['secret', 'get', `${VAULT}/${CANARY_NAME}`]);
    expect(got.stdout).toBe(`${CANARY_VALUE}\n`); // the canary really went through
    const listed = await run(bob, ['secret', 'list']);
    expect(listed.stdout).toContain(CANARY_NAME);

    // Stop the server so PGlite flushes everything to its files.
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    expect(log).toMatch(/"url":"\/api\/v1\/teams\//); // request logging really was on

    for (const needle of [CANARY_VALUE, CANARY_NAME, VAULT]) {
      expect(log.includes(needle), `server log contains ${needle}`).toBe(false);
      expect(findIn([...filesUnder(alice.profile), ...filesUnder(bob.profile)], needle)).toEqual([]);
      if (dataDir) {
        expect(findIn(filesUnder(dataDir), needle)).toEqual([]);
      } else {
        const tables = await admin("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", dbName);
        expect(tables.rows.length).toBeGreaterThan(5);
        for (const { tablename } of tables.rows) {
          const dump = await admin(
            `SELECT coalesce(string_agg(t::text, E'\\n'), '') AS d FROM "${tablename}" t`,
            dbName,
          );
          expect(String(dump.rows[0].d).includes(needle), `${tablename} contains ${needle}`).toBe(false);
        }
      }
    }
    // The client printed the name (it is the user's own output), so the check above is
    // meaningful only because that output was not written to any of the files searched.
    expect(clientLog).toContain(CANARY_NAME);
  });
});
