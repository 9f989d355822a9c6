// Process: core (trusted Node side; never imports electron).
// Every key the unlocked core holds, in one place, so that lock() can zero all of them and
// nothing keeps a copy elsewhere. Vault keys are opened from signed grants on demand and
// kept per (vault, generation); they never leave this object as strings.
import { type AccountKeys, wipe, wipeAccountKeys } from '../crypto/index.ts';

export class Keyring {
  readonly account: AccountKeys;
  /** Key for the profile cache file, derived from the password. */
  readonly cacheKey: Uint8Array;
  private readonly vaultKeys = new Map<string, Uint8Array>();
  private gone = false;

  constructor(account: AccountKeys, cacheKey: Uint8Array) {
    this.account = account;
    this.cacheKey = cacheKey;
  }

  vaultKey(vault: string, generation: number): Uint8Array | undefined {
    return this.vaultKeys.get(`${vault}:${generation}`);
  }

  setVaultKey(vault: string, generation: number, key: Uint8Array): void {
    const id = `${vault}:${generation}`;
    const old = this.vaultKeys.get(id);
    if (old && old !== key) wipe(old);
    this.vaultKeys.set(id, key);
  }

  forgetVault(vault: string): void {
    for (const [id, key] of this.vaultKeys) {
      if (id.startsWith(`${vault}:`)) {
        wipe(key);
        this.vaultKeys.delete(id);
      }
    }
  }

  /** Zeroes every key. The object is unusable afterwards. */
  wipe(): void {
    this.gone = true;
    for (const key of this.vaultKeys.values()) wipe(key);
    this.vaultKeys.clear();
    wipe(this.cacheKey);
    wipeAccountKeys(this.account);
  }

  /** True once wiped: work finishing after a lock (a background send) must not save. */
  get wiped(): boolean {
    return this.gone;
  }

  /** Every buffer this keyring holds; tests use it to prove lock() zeroed them all. */
  buffers(): Uint8Array[] {
    const a = this.account;
    return [a.boxSecretKey, a.signSecretKey, this.cacheKey, ...this.vaultKeys.values()];
  }
}
