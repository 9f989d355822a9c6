// Process: test. One server per PGlite data folder (server/data-dir-lock.ts): PGlite takes no
// lock of its own, so without this a second server on the same folder would corrupt it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../server/data-dir-lock.ts';
import { openDatabase } from '../../server/db.ts';
import { TesseraError } from '../../shared/errors.ts';
import { runCli } from '../helpers/cli.ts';

const dirs: string[] = [];
const newDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'tessera-data-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The pid of a process that has exited: a child that printed its own pid, then ended. */
function deadPid(): number {
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  const pid = Number(gone.stdout.toString());
  expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  return pid;
}

describe('the data folder lock', () => {
  it('refuses opening a folder twice in one process, and frees the folder on close', async () => {
    const dir = newDir();
    const first = await openDatabase({ dataDir: dir });
    await first.exec('CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)');
    const owner = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
    expect(owner).toMatchObject({ pid: process.pid, host: hostname() });

    const second = openDatabase({ dataDir: dir });
    await expect(second).rejects.toThrow(TesseraError);
    await expect(openDatabase({ dataDir: dir })).rejects.toThrow(/already open in this server process/);

    await first.close();
    const again = await openDatabase({ dataDir: dir });
    expect((await again.query<{ x: number }>('SELECT x FROM kept')).rows).toEqual([{ x: 42 }]);
    await again.close();
  });

  it('`tessera server` on a folder another server holds exits with code 4 and says who holds it', async () => {
    const dir = newDir();
    const held = await openDatabase({ dataDir: dir });
    try {
      const r = await runCli(['server', '--data', dir, '--port', '0']);
      expect(r.code).toBe(4);
      expect(r.stderr).toContain(
        `is in use by another Tessera server (process ${process.pid} on ${hostname()}`,
      );
      expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    } finally {
      await held.close();
    }
  });

  it('refuses a folder another live process holds, naming that process', async () => {
    const dir = newDir();
    // A live process that is not this one: our parent (the test runner).
    const other = { pid: process.ppid, host: hostname(), since: '2026-01-01T00:00:00.000Z' };
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify(other));
    await expect(openDatabase({ dataDir: dir })).rejects.toThrow(
      new RegExp(`in use by another Tessera server \\(process ${process.ppid} on `),
    );
    // The refusal left the other server's lock alone.
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.ppid);
  });

  it('takes over a lock left by a process that no longer exists', async () => {
    const dir = newDir();
    const pid = deadPid();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid, host: hostname(), since: 'then' }));
    const db = await openDatabase({ dataDir: dir });
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    await db.close();
  });

  it('refuses a lock from another host even when its pid is dead here, which proves nothing', async () => {
    // The same dead pid on both locks: only the host differs, so only the host check refuses.
    const pid = deadPid();
    const elsewhere = newDir();
    const lock = { pid, host: `not-${hostname()}.example`, since: 'then' };
    writeFileSync(join(elsewhere, LOCK_FILE), JSON.stringify(lock));
    await expect(openDatabase({ dataDir: elsewhere })).rejects.toThrow(
      `in use by another Tessera server (process ${pid} on ${lock.host}`,
    );
    expect(JSON.parse(readFileSync(join(elsewhere, LOCK_FILE), 'utf8'))).toEqual(lock);

    const here = newDir();
    writeFileSync(join(here, LOCK_FILE), JSON.stringify({ ...lock, host: hostname() }));
    const db = await openDatabase({ dataDir: here });
    expect(JSON.parse(readFileSync(join(here, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    await db.close();
  });
});
