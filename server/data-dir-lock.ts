// Process: server (team server; plain Node).
// One server per PGlite data directory. PGlite itself takes no lock: a second process opening
// the same folder would run its own single-user PostgreSQL over the same files and corrupt
// them. So the folder holds a lock file naming the owning process; a lock left by a process
// that no longer exists (a crash, a kill -9) is taken over, a live one is refused with a clear
// error.
// Only the owner makes the folder private (data-dir-mode.ts), so a refused server leaves
// another's folder as it found it.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { TesseraError } from '../shared/errors.ts';
import { makeDataDirPrivate } from './data-dir-mode.ts';

export const LOCK_FILE = 'tessera-server.lock';

// Folders this process holds. A lock file naming our own pid that is not in here was left by
// an earlier process that had the same pid (a container's server is often pid 1 every time).
const held = new Set<string>();

interface Owner {
  pid: number;
  host: string;
  since: string;
}

function readOwner(path: string): Owner | null {
  try {
    const o = JSON.parse(readFileSync(path, 'utf8')) as Partial<Owner>;
    return typeof o.pid === 'number' && typeof o.host === 'string'
      ? { pid: o.pid, host: o.host, since: String(o.since) }
      : null;
  } catch {
    return null; // vanished, or torn by a crash while being written: not a live owner
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the folder for this process; the returned function gives it back. */
export function lockDataDir(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  if (held.has(path)) {
    throw new TesseraError('conflict', `the data folder ${dir} is already open in this server process`);
  }
  const me: Owner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = readOwner(path);
      // Another host's process cannot be checked from here (a shared network folder): refuse.
      if (owner && (owner.host !== me.host || (owner.pid !== me.pid && alive(owner.pid)))) {
        throw new TesseraError(
          'conflict',
          `the data folder ${dir} is in use by another Tessera server (process ${owner.pid} on ${owner.host}, since ${owner.since}); ` +
            `stop it first, or delete ${path} if you are sure it is not running`,
        );
      }
      rmSync(path, { force: true });
      continue;
    }
    try {
      writeSync(fd, `${JSON.stringify(me)}\n`);
    } finally {
      closeSync(fd);
    }
    held.add(path);
    const release = () => {
      if (!held.delete(path)) return;
      if (readOwner(path)?.pid === me.pid) rmSync(path, { force: true });
    };
    try {
      makeDataDirPrivate(dir);
    } catch (e) {
      release();
      throw e;
    }
    return release;
  }
  throw new TesseraError(
    'conflict',
    `could not take the data folder ${dir}: another server keeps starting on it`,
  );
}
