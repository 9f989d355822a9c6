// Process: test. The embedded server's PGlite data folder is private to its user at rest:
// the folder 0700 and nothing under it open to group or others, whether the folder is new
// or was left looser (0755 with 0644 files, or a cluster PGlite unpacked 0666). PGlite's
// first start writes its files 0666 whatever the umask, so without server/data-dir-mode.ts
// every one of these fails. The engine is always PGlite here: a data folder is PGlite's alone.
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedServer } from '../../electron/main/embedded-server.ts';
import { lockDataDir } from '../../server/data-dir-lock.ts';
import { startServer } from '../../server/main.ts';

const posix = process.platform !== 'win32';
const mode = (path: string) => lstatSync(path).mode & 0o777;

/** Every entry under `dir` whose mode lets group or others in, as "path 0NNN". */
function loose(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = lstatSync(path);
    if (st.isSymbolicLink()) continue;
    if (st.mode & 0o077) out.push(`${path} 0${(st.mode & 0o777).toString(8)}`);
    if (st.isDirectory()) out.push(...loose(path));
  }
  return out;
}

/** A folder as an older version or a hand-made setup left it: 0755, with 0644 files. */
function looseFolder(dir: string): void {
  mkdirSync(join(dir, 'notes'), { recursive: true });
  chmodSync(dir, 0o755);
  chmodSync(join(dir, 'notes'), 0o755);
  for (const file of ['README.txt', join('notes', 'backup.txt')]) {
    writeFileSync(join(dir, file), 'left here');
    chmodSync(join(dir, file), 0o644);
  }
}

function embedded(home: string): EmbeddedServer {
  return new EmbeddedServer({
    dataDir: join(home, 'server-data'),
    stateFile: join(home, 'embedded-server.json'),
    start: (options) => startServer({ ...options, logger: false }),
  });
}

let base: string;
let umask: number;
let n = 0;
const home = () => {
  const dir = join(base, String(n++));
  mkdirSync(dir);
  return dir;
};
beforeAll(() => {
  umask = process.umask(0o022);
  base = mkdtempSync(join(tmpdir(), 'tessera-data-mode-'));
});
afterAll(() => {
  process.umask(umask);
  rmSync(base, { recursive: true, force: true });
});

describe.runIf(posix)('the embedded server data folder at rest', () => {
  it('created fresh, it is 0700 with nothing under it open to others once the server has started', async () => {
    const dir = home();
    const server = embedded(dir);
    await server.start();
    try {
      const data = join(dir, 'server-data');
      expect(mode(data)).toBe(0o700);
      expect(readdirSync(data).length).toBeGreaterThan(0);
      expect(loose(data)).toEqual([]);
    } finally {
      await server.stop();
    }
  });

  it('pre-existing 0755 with 0644 files and an older cluster written 0666, it is tightened at start', async () => {
    const dir = home();
    const data = join(dir, 'server-data');
    // A cluster as PGlite leaves it when nothing tightens it, and loose files beside it.
    const old = await PGlite.create(data);
    await old.close();
    looseFolder(data);
    expect(loose(data).length).toBeGreaterThan(100);

    const server = embedded(dir);
    await server.start();
    try {
      expect(mode(data)).toBe(0o700);
      expect(mode(join(data, 'README.txt'))).toBe(0o600);
      expect(mode(join(data, 'notes'))).toBe(0o700);
      expect(loose(data)).toEqual([]);
    } finally {
      await server.stop();
    }
  });

  it('the lock tightens the folder before PGlite writes into it', () => {
    const data = join(home(), 'server-data');
    mkdirSync(data);
    looseFolder(data);
    const unlock = lockDataDir(data);
    try {
      expect(mode(data)).toBe(0o700);
      expect(loose(data)).toEqual([]);
    } finally {
      unlock();
    }
  });
});
