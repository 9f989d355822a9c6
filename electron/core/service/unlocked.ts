// Process: core (trusted Node side; never imports electron).
// The state of an unlocked profile: the keyring, the decrypted cache (ciphertexts and
// bookkeeping, no plaintext secret) and an HTTP client carrying the session token. Saving
// seals the whole cache under the password-derived cache key and writes it atomically.
import { ad } from '../../../shared/formats.ts';
import { TesseraError } from '../../../shared/errors.ts';
import { openJson, sealJson } from '../crypto/index.ts';
import { HttpClient } from '../net/http.ts';
import type { Profile } from '../profile/profile.ts';
import type { Keyring } from '../vault/keyring.ts';
import { type CacheState, emptyCache, type TeamState } from '../vault/state.ts';

export class Unlocked {
  readonly http: HttpClient;
  constructor(
    readonly profile: Profile,
    readonly keyring: Keyring,
    public cache: CacheState,
    readonly userId: string,
    readonly email: string,
    server: string,
    fetchImpl?: typeof fetch,
  ) {
    this.http = new HttpClient({ baseUrl: server, token: () => this.cache.session?.token ?? null, fetch: fetchImpl });
  }

  static loadCache(profile: Profile, cacheKey: Uint8Array, userId: string): CacheState {
    const bytes = profile.readCache();
    if (!bytes) return emptyCache();
    let envelope: unknown;
    try {
      envelope = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new TesseraError('tampered', `the profile cache ${profile.cachePath} is not readable`);
    }
    return openJson<CacheState>(cacheKey, envelope, ad.profileCache(userId));
  }

  save(): void {
    const envelope = sealJson(this.keyring.cacheKey, this.cache, ad.profileCache(this.userId));
    this.profile.writeCache(Buffer.from(JSON.stringify(envelope), 'utf8'));
  }

  requireSession(): void {
    if (!this.cache.session) throw new TesseraError('unauthenticated', 'not logged in: run `tessera login`');
  }

  /** The team named (by id or name) or the profile's current team. */
  teamId(nameOrId?: string): string {
    const wanted = nameOrId ?? this.profile.data.currentTeam;
    if (!wanted) throw new TesseraError('usage', 'no team selected: create one (`tessera team create`) or pass --team');
    for (const [id, t] of Object.entries(this.cache.teams)) {
      if (id === wanted || t.pinned.name === wanted) return id;
    }
    throw new TesseraError('not_found', `no team ${JSON.stringify(wanted)} in this profile`);
  }

  team(nameOrId?: string): TeamState {
    const id = this.teamId(nameOrId);
    const state = this.cache.teams[id];
    if (!state) throw new TesseraError('not_found', `team ${id} is not in this profile`);
    return state;
  }
}
