// Process: core (trusted Node side; never imports electron).
// The service's lifecycle and sync (docs/design.md "Flows"): it owns the unlocked state and the
// name index, and is the only place that decides when to pull and push. The operations built
// on it are in team-service.ts (teams, groups, vaults) and service.ts (secrets, audit, links);
// they form one class in three files, so each stays small enough to read.
import { z } from 'zod';
import { paths } from '../../../shared/api.ts';
import { type ErrorCode, TesseraError } from '../../../shared/errors.ts';
import type { SyncChanges } from '../../../shared/ipc-results.ts';
import { fingerprint, publicKeyset } from '../crypto/index.ts';
import { Profile } from '../profile/profile.ts';
import { coalescePulls, watchTeam } from '../sync/live.ts';
import { ChainBatch } from '../sync/chain-batch.ts';
import { type OwnBatch, pullTeam, restoreVaultKeys } from '../sync/pull.ts';
import { type PushResult, pushTeam } from '../sync/push.ts';
import { buildIndex, type IndexedItem, indexOne } from '../vault/index.ts';
import { assertStrongMasterPassword } from '../account/master-password.ts';
import * as account from './account.ts';
import * as keys from './keys.ts';
import { refreshFlags } from './flag-requests.ts';
import * as teams from './teams.ts';
import { flushAudit } from './audit.ts';
import type { Unlocked } from '../profile/unlocked.ts';
import * as vaults from './vaults.ts';
import { BreakGlassDesk } from './breakglass-desk.ts';
import { deliverGranted } from './breakglass.ts';

export interface ServiceOptions {
  profileDir: string;
  fetch?: typeof fetch;
  /** The time writes are stamped with and reminders count to (tests pass their own). */
  now?: () => Date;
  /** Told of every sync that completes, whoever asked for it (live sync, a write, a chain
   *  change): a window learns what changed even when the call that synced was not its own. */
  onSynced?: (teamId: string, r: SyncResult) => void;
}

export interface SyncOptions {
  /** false: skip the manager's duties at the end (used inside a chain change). */
  fulfilKeys?: boolean;
  /** The chain batch just accepted, whose re-encrypted items the first pull need not fetch. */
  own?: OwnBatch;
  /** Only the pull: no push, flags, audit or profile save. For a run of chain changes whose
   *  caller syncs fully once at the end (offboarding's one batch per vault): each save writes
   *  the whole profile, and a run cut short loses nothing by it, since the next pull brings
   *  back every link, key and item the server accepted. */
  pullOnly?: boolean;
}

export interface SyncResult extends Omit<PushResult, 'offline'> {
  offline: boolean;
  revision: number;
  keysSealed: number;
  /** What this sync changed for this client, so a window refreshes only that. */
  changes: SyncChanges;
}

/** What the sync after a login did for one team. */
export interface LoginSync {
  team: string;
  offline: boolean;
  revision: number;
  /** Set when the sync was refused; the login still stands. */
  error?: { code: ErrorCode; message: string };
}

const internalError = { code: 'internal' as const, message: 'the sync failed; the next sync tries again' };

export abstract class ServiceCore {
  readonly profile: Profile;
  protected unlocked: Unlocked | null = null;
  protected indexes = new Map<string, Map<string, IndexedItem>>();
  /** The sync running now: syncs run one at a time, as two pulls from the same cursor would
   *  both try to extend the chain from the same head. */
  protected syncing: Promise<unknown> = Promise.resolve();

  protected readonly now: () => Date;
  /** Break-glass requests, answers and the sessions held open (docs/design.md "Break-glass"). */
  readonly breakGlass: BreakGlassDesk;

  constructor(protected readonly options: ServiceOptions) {
    this.now = options.now ?? (() => new Date());
    this.breakGlass = new BreakGlassDesk({
      u: () => this.u,
      teamId: (t) => this.u.teamId(t),
      chainChange: (t, build) => this.chainChange(t, build),
      now: this.now,
    });
    this.profile = new Profile(options.profileDir);
  }

  // ---- lifecycle -----------------------------------------------------------------------

  get isUnlocked(): boolean {
    return this.unlocked !== null;
  }

  async signup(c: account.Credentials & { name: string }): Promise<void> {
    // Before the server hears of it: an account this profile would then refuse helps nobody,
    // and a master password anyone could guess protects nothing.
    account.assertCanTakeOver(this.profile, c.email);
    await assertStrongMasterPassword(c.password, [c.email, c.name]);
    await account.signup(c, this.options.fetch);
    try {
      await this.login(c);
    } catch (e) {
      // The server answers a signup for a taken email like any other (it does not reveal
      // which emails have accounts), so the difference shows only here.
      if (e instanceof TesseraError && e.code === 'wrong_password')
        throw new TesseraError(
          'wrong_password',
          `could not log in to the new account for ${c.email.trim().toLowerCase()}: if this email already has an account, log in with its password instead`,
        );
      throw e;
    }
  }

  /** Logs in, then syncs every team of the profile, so a new device shows its vaults and
   *  secrets at once. The login stands whatever the sync meets: offline, a team that has not
   *  confirmed this account yet, or a refusal, each reported per team for the next sync. */
  async login(c: account.Credentials): Promise<LoginSync[]> {
    this.lock();
    this.opened(await account.login(this.profile, c, this.options.fetch));
    return this.syncTeams();
  }

  /** Syncs every team of the profile (or the ones named), the current one first so the window
   *  has it soonest. A failure is reported for its team and the others still sync. */
  async syncTeams(ids?: string[]): Promise<LoginSync[]> {
    const all = this.teams().sort((a, b) => Number(b.current) - Number(a.current));
    const out: LoginSync[] = [];
    for (const { id, name } of ids ? all.filter((t) => ids.includes(t.id)) : all) {
      try {
        const r = await this.sync(id);
        out.push({ team: name, offline: r.offline, revision: r.revision });
      } catch (e) {
        const error = e instanceof TesseraError ? { code: e.code, message: e.message } : undefined;
        out.push({ team: name, offline: false, revision: 0, error: error ?? internalError });
      }
    }
    return out;
  }

  async unlock(password: Uint8Array): Promise<void> {
    this.lock();
    this.opened(await account.unlock(this.profile, password, this.options.fetch));
  }

  /** The keyring starts empty: re-open every cached vault key whose grant still verifies. */
  protected opened(u: Unlocked): void {
    try {
      for (const teamId of Object.keys(u.cache.teams)) restoreVaultKeys(u, teamId);
    } catch (e) {
      u.keyring.wipe();
      throw e;
    }
    this.unlocked = u;
  }

  /** Whether the unlocked profile holds a session token (the server may still refuse it). */
  get hasSession(): boolean {
    return !!this.unlocked?.cache.session;
  }

  /**
   * Sends what is still queued (nothing syncs again until the next login), ends the session
   * on the server and forgets the token. The local vault stays for offline use, and the
   * profile is marked logged out, so the window asks for a login next and another account
   * may then log in here. Returns the edits that could not be sent.
   */
  async logout(): Promise<{ unsent: number }> {
    const u = this.u;
    for (const teamId of Object.keys(u.cache.teams)) {
      if (!u.cache.session || u.team(teamId).queue.length === 0) continue;
      // Best effort: what cannot go out now stays queued and is counted below.
      await this.sync(teamId).catch(() => undefined);
    }
    if (u.cache.session) {
      await u.http.request('POST', paths.logout, {}, z.unknown()).catch((e) => {
        if (
          !(
            e instanceof TesseraError &&
            ['unreachable', 'session_expired', 'session_revoked', 'unauthenticated'].includes(e.code)
          )
        )
          throw e;
      });
      u.cache.session = null;
      u.save();
    }
    const unsent = Object.values(u.cache.teams).reduce((n, t) => n + t.queue.length, 0);
    this.profile.update({ loggedOut: { unsent } });
    return { unsent };
  }

  /** Zeroes every key and drops the decrypted cache and the name index. */
  lock(): void {
    this.breakGlass.wipe();
    this.unlocked?.keyring.wipe();
    this.unlocked = null;
    this.indexes.clear();
  }

  protected get u(): Unlocked {
    if (!this.unlocked) throw new TesseraError('locked', 'the vault is locked: unlock first');
    return this.unlocked;
  }

  /** Test hook for memory-hygiene checks: the buffers lock() must zero. */
  heldKeyBuffers(): Uint8Array[] {
    return [...(this.unlocked?.keyring.buffers() ?? []), ...this.breakGlass.heldKeyBuffers()];
  }

  protected index(teamId: string): Map<string, IndexedItem> {
    let idx = this.indexes.get(teamId);
    if (!idx) {
      idx = buildIndex(this.u.keyring, teamId, this.u.team(teamId));
      this.indexes.set(teamId, idx);
    }
    return idx;
  }

  whoami() {
    const u = this.u;
    const teamId = this.profile.data.currentTeam;
    const st = teamId ? u.cache.teams[teamId] : undefined;
    return {
      email: u.email,
      userId: u.userId,
      server: u.http.baseUrl,
      team: st?.chain.name ?? null,
      role: teamId ? teams.myRole(u, teamId) : null,
      status: teamId ? teams.myStatus(u, teamId) : null,
      fingerprint: fingerprint(publicKeyset(u.keyring.account)),
    };
  }

  /** Teams this profile belongs to, and which one is current. */
  teams() {
    const current = this.profile.data.currentTeam;
    return Object.entries(this.u.cache.teams).map(([id, t]) => ({
      id,
      name: t.chain.name,
      current: id === current,
    }));
  }

  // ---- sync ------------------------------------------------------------------------------

  /** Pull, push queued edits, pull again if anything went out, then finish what the chain
   *  asks of this user as a manager (pending re-keys, keys for new readers). Offline is not an
   *  error. `fulfilKeys: false` skips the last step (used inside a chain change). */
  sync(team?: string, opts: SyncOptions = {}): Promise<SyncResult> {
    const run = this.syncing.then(async () => {
      const r = await this.syncOnce(team, opts);
      this.options.onSynced?.(this.u.teamId(team), r);
      return r;
    });
    this.syncing = run.catch(() => undefined);
    return run;
  }

  protected async syncOnce(team: string | undefined, opts: SyncOptions): Promise<SyncResult> {
    const u = this.u;
    const teamId = u.teamId(team);
    const changes: SyncChanges = { team: false, vaults: false, secrets: [] };
    const result: SyncResult = {
      pushed: 0,
      conflicts: [],
      remaining: 0,
      offline: false,
      revision: 0,
      keysSealed: 0,
      changes,
    };
    try {
      result.revision = await this.pull(teamId, changes, opts.own);
      if (opts.pullOnly) return result;
      const pushed = await pushTeam(u, teamId);
      Object.assign(result, pushed);
      for (const c of pushed.conflicts) {
        indexOne(this.index(teamId), u.keyring, teamId, u.team(teamId), c.item);
        const vault = this.index(teamId).get(c.item)?.vault;
        if (vault) addOnce(changes.secrets, vault);
      }
      if (pushed.pushed > 0 && !pushed.offline) result.revision = await this.pull(teamId, changes);
      if (opts.fulfilKeys !== false && !pushed.offline)
        result.keysSealed = await this.completeDistribution(teamId, changes);
      // A flag changes what the Due screen shows for its vault, so it counts as a change there.
      if (!pushed.offline)
        for (const v of await refreshFlags(u, teamId, this.index(teamId), this.now()))
          addOnce(changes.secrets, v);
      if (!pushed.offline) await flushAudit(u, teamId).catch(() => 0);
    } catch (e) {
      if (!(e instanceof TesseraError && e.code === 'unreachable')) throw e;
      result.offline = true;
    }
    result.remaining = u.team(teamId).queue.length;
    u.save();
    return result;
  }

  /** Pulls and updates the name index; notes in `changes` what this client shows differently. */
  protected async pull(teamId: string, changes: SyncChanges, own?: OwnBatch): Promise<number> {
    const u = this.u;
    const st = u.team(teamId);
    const seq = st.chain.seq;
    const vaultsBefore = vaultRecords(st.vaults);
    const res = await pullTeam(u, teamId, own);
    if (st.chain.seq !== seq) changes.team = true;
    if (vaultRecords(st.vaults) !== vaultsBefore) changes.vaults = true;
    // The pull already decrypted every changed item's header: reuse them, and decrypt only
    // what it did not bring if the index is being built for the first time.
    let idx = this.indexes.get(teamId);
    const fresh = !idx;
    idx ??= new Map();
    this.indexes.set(teamId, idx);
    for (const [id, header] of res.changed) {
      const rec = st.items[id]!;
      addOnce(changes.secrets, rec.vault);
      if (st.queue.some((q) => q.item === id)) indexOne(idx, u.keyring, teamId, st, id);
      else idx.set(id, { id, vault: rec.vault, version: rec.version, header, pending: false });
    }
    // Our own re-key: same plaintext, so the same header, at the new version.
    for (const id of res.rekeyed) {
      const rec = st.items[id]!;
      addOnce(changes.secrets, rec.vault);
      const had = idx.get(id);
      if (had && !had.pending) idx.set(id, { ...had, vault: rec.vault, version: rec.version });
      else if (!fresh) indexOne(idx, u.keyring, teamId, st, id);
    }
    if (fresh) {
      for (const id of Object.keys(st.items))
        if (!res.changed.has(id)) indexOne(idx, u.keyring, teamId, st, id);
      for (const q of st.queue) if (!res.changed.has(q.item)) indexOne(idx, u.keyring, teamId, st, q.item);
    }
    for (const [id, it] of idx)
      if (!st.vaults[it.vault] || !(id in st.items || st.queue.some((q) => q.item === id))) {
        idx.delete(id);
        addOnce(changes.secrets, it.vault);
      }
    return res.revision;
  }

  /** Syncs when the server says the team changed, and once on every (re)connect of the push
   *  channel: a burst of announcements becomes a few syncs (sync/live.ts coalescePulls), each
   *  reported with what it changed. Returns a stop function. */
  watch(
    team: string | undefined,
    onSynced: (r: SyncResult) => void,
    onError?: (e: unknown) => void,
    onOnline?: (online: boolean) => void,
  ): () => void {
    const u = this.u;
    const teamId = u.teamId(team);
    const pacer = coalescePulls({
      needed: (revision) => revision > u.team(teamId).cursor,
      pull: async () => onSynced(await this.sync(teamId)),
      onError,
    });
    const stopStream = watchTeam(u.http, teamId, {
      onRevision: (revision) => pacer.announce(revision),
      // Each (re)connect pulls once: what was written while the stream was down was announced
      // to no one, and no later write may come to announce it.
      onOnline: (online) => {
        onOnline?.(online);
        if (online) pacer.catchUp();
      },
    });
    return () => {
      pacer.stop();
      stopStream();
    };
  }

  // ---- changes to the team chain --------------------------------------------------------

  /**
   * Builds a batch of links on the newest verified chain and sends it as one request. When
   * another member's links landed first the server answers "conflict": pull, rebuild, retry.
   * The links the server accepted come back through the pull that follows, verified like any.
   */
  protected async chainChange<T>(
    teamId: string,
    build: (b: ChainBatch) => T | Promise<T>,
    after: SyncOptions = {},
    /** The caller's previous chain change just synced: build on that (a conflict still syncs). */
    synced = false,
  ): Promise<T> {
    const first = synced ? null : await this.sync(teamId, { fulfilKeys: false });
    if (first?.offline) throw new TesseraError('unreachable', 'cannot change the team while offline');
    for (let attempt = 1; ; attempt++) {
      const b = new ChainBatch(this.u, teamId);
      const result = await build(b);
      if (b.empty) return result;
      let revision: number;
      try {
        revision = await b.send();
      } catch (e) {
        if (!(e instanceof TesseraError && e.code === 'conflict' && attempt < 3)) throw e;
        await this.sync(teamId, { fulfilKeys: false });
        continue;
      }
      await this.sync(teamId, { ...after, own: { revision, links: b.links, vaults: b.vaults } });
      return result;
    }
  }

  /** A manager's routine sync: finish pending re-keys, seal keys to readers who lack them. */
  protected async completeDistribution(teamId: string, changes: SyncChanges): Promise<number> {
    const u = this.u;
    const b = new ChainBatch(u, teamId);
    const now = this.now().getTime();
    const r = keys.completeDistribution(u, b, (v) => vaults.vaultLabel(u, teamId, v), now);
    r.delivered += deliverGranted(u, b, now);
    if (b.empty) return 0;
    let revision: number;
    try {
      revision = await b.send();
    } catch (e) {
      // Another manager's client got there first: the next sync sees their links.
      if (e instanceof TesseraError && e.code === 'conflict') return 0;
      throw e;
    }
    await this.pull(teamId, changes, { revision, links: b.links, vaults: b.vaults });
    return r.delivered + r.rekeyed.length;
  }
}

function addOnce(list: string[], x: string): void {
  if (!list.includes(x)) list.push(x);
}

/** The vault records a client shows (which vaults, their names and generations), comparable. */
function vaultRecords(vs: Record<string, { id: string; generation: number; revision: number }>): string {
  return Object.values(vs)
    .map((v) => `${v.id}:${v.generation}:${v.revision}`)
    .sort()
    .join(',');
}

export function parseRef(ref: string): { vault: string; name: string } {
  const slash = ref.indexOf('/');
  if (slash <= 0 || slash === ref.length - 1)
    throw new TesseraError('usage', `expected VAULT/NAME, got ${JSON.stringify(ref)}`);
  return { vault: ref.slice(0, slash), name: ref.slice(slash + 1) };
}
