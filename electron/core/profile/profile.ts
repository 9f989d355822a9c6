// Process: core (trusted Node side; never imports electron).
// The profile folder: one account on one team server. Three files:
//  - profile.json (conf, the library electron-store extends): only what must be readable
//    before unlock — server URL, email, user id, the *encrypted* keyset and its KDF salt,
//    settings. Nothing in it lets anyone read a secret without the password.
//  - cache.bin: one envelope under a key derived from the password. It holds the session
//    token, the pinned team root, vaults, sealed key grants, the directory, the sync cursors
//    and the offline queue (vault/state.ts); small, and rewritten atomically on every save.
//  - items.log: the cached item ciphertexts, as an append-only log of frames encrypted under
//    the same key (item-log.ts; binary format 2, format 1 is read and rewritten).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Conf from 'conf';
import type { EncryptedKeyset } from '../../../shared/formats.ts';
import { TesseraError } from '../../../shared/errors.ts';
import { readFileIfExists, writeFileAtomic } from './atomic-file.ts';

export interface ProfileSettings {
  autoLockMinutes: number;
  clipboardClearSeconds: number;
  theme?: 'system' | 'light' | 'dark';
}

export interface ProfileData {
  server?: string;
  email?: string;
  userId?: string;
  name?: string;
  keyset?: EncryptedKeyset;
  currentTeam?: string;
  settings: ProfileSettings;
}

export const DEFAULT_SETTINGS: ProfileSettings = { autoLockMinutes: 5, clipboardClearSeconds: 30 };

export class Profile {
  readonly dir: string;
  private readonly conf: Conf<ProfileData>;

  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.conf = new Conf<ProfileData>({
      cwd: dir,
      configName: 'profile',
      projectName: 'tessera',
      defaults: { settings: DEFAULT_SETTINGS },
      clearInvalidConfig: false,
    });
  }

  get data(): ProfileData {
    return this.conf.store;
  }

  update(patch: Partial<ProfileData>): void {
    this.conf.store = { ...this.conf.store, ...patch };
  }

  /** The account this profile belongs to, or a clear error telling the user what to run. */
  account(): Required<Pick<ProfileData, 'server' | 'email' | 'userId' | 'keyset'>> {
    const { server, email, userId, keyset } = this.conf.store;
    if (!server || !email || !userId || !keyset) {
      throw new TesseraError(
        'unauthenticated',
        'no account in this profile: run `tessera signup` or `tessera login`',
      );
    }
    return { server, email, userId, keyset };
  }

  get cachePath(): string {
    return join(this.dir, 'cache.bin');
  }

  readCache(): Buffer | null {
    return readFileIfExists(this.cachePath);
  }

  writeCache(bytes: Uint8Array): void {
    writeFileAtomic(this.cachePath, bytes);
  }
}
