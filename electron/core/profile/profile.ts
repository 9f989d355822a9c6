// Process: core (trusted Node side; never imports electron).
// The profile folder: one account on one team server. Three files:
//  - profile.json (conf, the library electron-store extends): only what must be readable
//    before unlock — server URL, email, user id, the *encrypted* keyset and its KDF salt,
//    settings. Nothing in it lets anyone read a secret without the password.
//  - cache.bin: one envelope under a key derived from the password. It holds the session
//    token, each team's verified chain state and head, vaults, sealed keys, the sync cursors
//    and the offline queue (vault/state.ts); small, and rewritten atomically on every save.
//  - items.log: the cached item ciphertexts, as an append-only log of frames encrypted under
//    the same key (item-log.ts; binary format 2, format 1 is read and rewritten).
// The folder is private to the user, 0700 with its files 0600 (docs/design.md, "At rest").
// Every file the profile writes is created 0600, and a folder left looser (made by hand, by
// an older version, or under a shared umask) is tightened when the profile opens, files
// already in it included.
import { chmodSync, lstatSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Conf from 'conf';
import type { EncryptedKeyset } from '../../../shared/formats.ts';
import { TesseraError } from '../../../shared/errors.ts';
import { readFileIfExists, writeFileAtomic } from './atomic-file.ts';

export interface ProfileSettings {
  autoLockMinutes: number;
  clipboardClearSeconds: number;
  theme?: 'system' | 'light' | 'dark';
  /** The daily notification of secrets to rotate; on unless turned off. */
  dueNotifications?: boolean;
}

export interface ProfileData {
  server?: string;
  email?: string;
  userId?: string;
  name?: string;
  keyset?: EncryptedKeyset;
  currentTeam?: string;
  /** Set by logout, cleared by the next login: the window asks for a login instead of the
   *  password alone, and another account may then take this profile over. `unsent` counts
   *  the queued edits still in the profile, which such a takeover would lose. */
  loggedOut?: { unsent: number };
  /** The local day (YYYY-MM-DD) the due notification last fired: at most one a day. */
  dueNoticeDay?: string;
  settings: ProfileSettings;
}

export const DEFAULT_SETTINGS: ProfileSettings = { autoLockMinutes: 5, clipboardClearSeconds: 30 };

/** Not on Windows: access there is kept in ACLs, which chmod does not change. */
function makePrivate(dir: string, platform: NodeJS.Platform = process.platform): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (platform === 'win32') return;
  // The folder first: once it is 0700 nobody else can reach, or swap, what is inside.
  chmodSync(dir, 0o700);
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = lstatSync(path);
    // A link's own mode means nothing, and chmod would follow it out of the folder.
    if (st.isFile() && (st.mode & 0o777) !== 0o600) chmodSync(path, 0o600);
    // The window's session data and the embedded server's data live in subfolders; the
    // folder's 0700 already shuts others out of them, and the server tightens its own.
    else if (st.isDirectory() && st.mode & 0o077) chmodSync(path, st.mode & 0o700);
  }
}

export class Profile {
  readonly dir: string;
  private readonly conf: Conf<ProfileData>;

  constructor(dir: string) {
    this.dir = dir;
    makePrivate(dir);
    this.conf = new Conf<ProfileData>({
      cwd: dir,
      configName: 'profile',
      projectName: 'tessera',
      // conf's own default is 0666, less the umask: 0644 on most systems.
      configFileMode: 0o600,
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

  get itemLogPath(): string {
    return join(this.dir, 'items.log');
  }

  /** Drops the account and its encrypted local copy (state and item log), keeping only the
   *  device's settings, so another account can log in here as on a new device. */
  forgetAccount(): void {
    rmSync(this.cachePath, { force: true });
    rmSync(this.itemLogPath, { force: true });
    this.conf.store = { settings: this.conf.store.settings ?? DEFAULT_SETTINGS };
  }

  readCache(): Buffer | null {
    return readFileIfExists(this.cachePath);
  }

  writeCache(bytes: Uint8Array): void {
    writeFileAtomic(this.cachePath, bytes);
  }
}
