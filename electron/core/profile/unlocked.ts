// Process: core (trusted Node side; never imports electron).
// The state of an unlocked profile: the keyring, the decrypted cache (ciphertexts and
// bookkeeping, no plaintext secret) and an HTTP client carrying the session token.
// Persistence is split in two so a one-item sync stays cheap at 10,000 items: the small
// state (cursor, chain, vaults, keys, queue, session) is one envelope rewritten
// atomically; items go to an append-only log of encrypted frames (profile/item-log.ts).
import type { ItemRecord } from '../../../shared/api.ts';
import { stateFromJson, stateToJson } from '../../../shared/chain/state.ts';
import { ad } from '../../../shared/formats.ts';
import { TesseraError } from '../../../shared/errors.ts';
import { openJson, sealJson } from '../crypto/index.ts';
import { HttpClient } from '../net/http.ts';
import { appendLog, type LogEntry, readLog, rewriteLog } from './item-log.ts';
import type { Profile } from './profile.ts';
import type { Keyring } from '../vault/keyring.ts';
import type { CacheState, TeamState } from '../vault/state.ts';

/** Compact the item log once superseded records reach this share of the live ones: every
 *  record on disk is decrypted and parsed at unlock, so dead weight costs every unlock. */
const COMPACT_SLACK = 0.25;

export class Unlocked {
  readonly http: HttpClient;
  private dirty = new Map<string, { put: Set<string>; drop: Set<string> }>();
  private logRecords = 0;
  private logDamaged = false;

  constructor(
    readonly profile: Profile,
    readonly keyring: Keyring,
    public cache: CacheState,
    readonly userId: string,
    readonly email: string,
    server: string,
    fetchImpl?: typeof fetch,
  ) {
    this.http = new HttpClient({
      baseUrl: server,
      token: () => this.cache.session?.token ?? null,
      fetch: fetchImpl,
    });
  }

  private get logPath(): string {
    return this.profile.itemLogPath;
  }

  private get logAd(): string {
    return `${ad.profileCache(this.userId)}|items`;
  }

  /** Reads the state file and replays the item log into it. */
  load(): void {
    const bytes = this.profile.readCache();
    if (!bytes) return;
    let envelope: unknown;
    try {
      envelope = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new TesseraError('tampered', `the profile cache ${this.profile.cachePath} is not readable`);
    }
    const state = openJson<CacheState>(this.keyring.cacheKey, envelope, ad.profileCache(this.userId));
    if (state.v !== 3)
      throw new TesseraError(
        'usage',
        'this profile was written by a Tessera from before the signed team chain; its teams cannot be ' +
          'carried over: log in again with a new --profile, then create or join the team again',
      );
    for (const t of Object.values(state.teams)) t.chain = stateFromJson(t.chain);
    const log = readLog(this.logPath, this.keyring.cacheKey, this.logAd);
    for (const t of Object.values(state.teams)) t.items = {};
    for (const e of log.entries) {
      const st = state.teams[e.team];
      if (!st) continue;
      const items = st.items;
      for (const rec of e.put) {
        // Newest version wins even if frames were reordered on disk.
        const known = items[rec.id];
        if (!known || known.version <= rec.version) items[rec.id] = rec;
      }
      for (const id of e.drop) delete items[id];
    }
    this.cache = state;
    this.logRecords = log.records;
    this.logDamaged = log.damagedTail || log.legacy;
    if (log.legacy) this.migrateLog();
  }

  /** A log written by an earlier Tessera is rewritten in the current format on first unlock,
   *  so later unlocks take the fast path. Every record read from it is carried over (queued
   *  edits live in the state file and are untouched). If the rewrite fails, the old file
   *  stays valid and the next save retries it, so unlock does not fail over it. */
  private migrateLog(): void {
    try {
      this.rewriteAll();
    } catch {
      this.logDamaged = true;
    }
  }

  private rewriteAll(): void {
    const all = Object.entries(this.cache.teams).map(([team, t]) => ({
      team,
      put: Object.values(t.items),
      drop: [],
    }));
    rewriteLog(this.logPath, this.keyring.cacheKey, this.logAd, all);
    this.logRecords = all.reduce((n, e) => n + e.put.length, 0);
    this.logDamaged = false;
  }

  putItem(teamId: string, rec: ItemRecord): void {
    this.team(teamId).items[rec.id] = rec;
    const d = this.dirtyFor(teamId);
    d.put.add(rec.id);
    d.drop.delete(rec.id);
  }

  dropItem(teamId: string, id: string): void {
    delete this.team(teamId).items[id];
    const d = this.dirtyFor(teamId);
    d.drop.add(id);
    d.put.delete(id);
  }

  private dirtyFor(teamId: string) {
    let d = this.dirty.get(teamId);
    if (!d) {
      d = { put: new Set(), drop: new Set() };
      this.dirty.set(teamId, d);
    }
    return d;
  }

  /** Items first (append or compact), then the state: the state never points past the log. */
  save(): void {
    // A zeroed key would write a cache nobody can open again.
    if (this.keyring.wiped)
      throw new TesseraError('locked', 'the profile was locked before this change was saved');
    const key = this.keyring.cacheKey;
    const live = Object.values(this.cache.teams).reduce((n, t) => n + Object.keys(t.items).length, 0);
    const changes: LogEntry[] = [];
    for (const [team, d] of this.dirty) {
      const st = this.cache.teams[team];
      if (!st || (d.put.size === 0 && d.drop.size === 0)) continue;
      changes.push({
        team,
        put: [...d.put].flatMap((id) => (st.items[id] ? [st.items[id]] : [])),
        drop: [...d.drop],
      });
    }
    const added = changes.reduce((n, e) => n + e.put.length + e.drop.length, 0);
    if (this.logDamaged || this.logRecords + added > live + COMPACT_SLACK * Math.max(live, 1000)) {
      this.rewriteAll();
    } else if (changes.length > 0) {
      appendLog(this.logPath, key, this.logAd, changes);
      this.logRecords += added;
    }
    this.dirty.clear();
    const teams: Record<string, TeamState> = {};
    for (const [id, t] of Object.entries(this.cache.teams))
      teams[id] = { ...t, chain: stateToJson(t.chain) as TeamState['chain'], items: {} };
    const envelope = sealJson(key, { ...this.cache, teams }, ad.profileCache(this.userId));
    this.profile.writeCache(Buffer.from(JSON.stringify(envelope), 'utf8'));
  }

  requireSession(): void {
    if (!this.cache.session) throw new TesseraError('unauthenticated', 'not logged in: run `tessera login`');
  }

  /** The team named (by id or name) or the profile's current team. */
  teamId(nameOrId?: string): string {
    const wanted = nameOrId ?? this.profile.data.currentTeam;
    if (!wanted)
      throw new TesseraError('usage', 'no team selected: create one (`tessera team create`) or pass --team');
    for (const [id, t] of Object.entries(this.cache.teams)) {
      if (id === wanted || t.chain.name === wanted) return id;
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
