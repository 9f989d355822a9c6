// Process: test. The profile folder is private to its user at rest: 0700, its files 0600,
// both for a new folder and for one that already existed with looser modes (made by hand,
// by an older version, or under a shared umask), whatever the process's umask.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initSodium, randomBytes } from '../../electron/core/crypto/index.ts';
import { appendLog, rewriteLog } from '../../electron/core/profile/item-log.ts';
import { DEFAULT_SETTINGS, Profile } from '../../electron/core/profile/profile.ts';

const posix = process.platform !== 'win32';
const mode = (path: string) => statSync(path).mode & 0o777;

let base: string;
let umask: number;
beforeAll(async () => {
  await initSodium();
  // The usual desktop umask: anything created without an explicit mode is 0644 / 0755.
  umask = process.umask(0o022);
  base = mkdtempSync(join(tmpdir(), 'tessera-profile-mode-'));
});
afterAll(() => {
  process.umask(umask);
  rmSync(base, { recursive: true, force: true });
});

describe.runIf(posix)('profile folder modes', () => {
  it('a folder that already existed 0755, with 0644 files, is 0700 and 0600 once the profile opens', () => {
    const dir = join(base, 'existing');
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    const stored = { email: 'alice@example.com', settings: DEFAULT_SETTINGS };
    const files: [string, string][] = [
      ['profile.json', JSON.stringify(stored)],
      ['cache.bin', 'sealed'],
      ['items.log', 'frames'],
    ];
    for (const [name, body] of files) {
      writeFileSync(join(dir, name), body);
      chmodSync(join(dir, name), 0o644);
    }
    mkdirSync(join(dir, 'window'));
    chmodSync(join(dir, 'window'), 0o755);
    // A link to a file elsewhere: its target is not the profile's to change.
    const outside = join(base, 'outside.txt');
    writeFileSync(outside, 'not ours');
    chmodSync(outside, 0o644);
    symlinkSync(outside, join(dir, 'link.txt'));

    const profile = new Profile(dir);
    expect(profile.data.email).toBe('alice@example.com');
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'profile.json'))).toBe(0o600);
    expect(mode(join(dir, 'cache.bin'))).toBe(0o600);
    expect(mode(join(dir, 'items.log'))).toBe(0o600);
    expect(mode(join(dir, 'window'))).toBe(0o700);
    expect(mode(outside)).toBe(0o644);
  });

  it('a new folder is 0700 and every file the profile writes is 0600', () => {
    const dir = join(base, 'new', 'profile');
    const profile = new Profile(dir);
    expect(mode(dir)).toBe(0o700);

    profile.update({ email: 'bob@example.com' });
    expect(mode(join(dir, 'profile.json'))).toBe(0o600);
    profile.writeCache(Uint8Array.of(1, 2, 3));
    expect(mode(profile.cachePath)).toBe(0o600);

    const key = randomBytes(32);
    const log = join(dir, 'items.log');
    appendLog(log, key, 'tessera/v1/profile-cache|u1|items', [{ team: 't', put: [], drop: ['x'] }]);
    expect(mode(log)).toBe(0o600);
    rewriteLog(log, key, 'tessera/v1/profile-cache|u1|items', []);
    expect(mode(log)).toBe(0o600);
  });
});
