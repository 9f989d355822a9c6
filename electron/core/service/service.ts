// Process: core (trusted Node side; never imports electron).
// The application service: every operation the window, the CLI and the test bridge can ask
// for. It owns the unlocked state and the name index, and is the only place that decides
// when to pull and push. Shells pass their platform pieces (fetch, profile folder) in.
import { z } from 'zod';
import { paths, renameVaultReply } from '../../../shared/api.ts';
import { isRotateDays, MAX_ROTATE_DAYS } from '../../../shared/vault-label.ts';
import { type ErrorCode, TesseraError } from '../../../shared/errors.ts';
import type { ItemView, SyncChanges } from '../../../shared/ipc-results.ts';
import type { TeamRole, VaultRole } from '../../../shared/roles.ts';
import { fingerprint, publicKeyset } from '../crypto/index.ts';
import { Profile } from '../profile/profile.ts';
import { coalescePulls, watchTeam } from '../sync/live.ts';
import { ChainBatch } from '../sync/chain-batch.ts';
import { type OwnBatch, pullTeam, restoreVaultKeys } from '../sync/pull.ts';
import { type PushResult, pushTeam } from '../sync/push.ts';
import { buildIndex, type IndexedItem, indexOne } from '../vault/index.ts';
import { assertStrongMasterPassword } from '../account/master-password.ts';
import * as account from './account.ts';
import * as groups from './groups.ts';
import * as keys from './keys.ts';
import * as links from './links.ts';
import * as membership from './membership.ts';
import * as offboard from './offboard.ts';
import { offboardFlags } from './offboard-report.ts';
import * as secrets from './secrets.ts';
import type { ItemEdit } from './item-edit.ts';
import { itemView } from './item-view.ts';
import { showConflict } from './conflicts.ts';
import { checkSecretName, moveSecret, restoreVersion, settleConflict } from './secret-moves.ts';
import { totpCode } from '../vault/totp.ts';
import { DEFAULT_GENERATOR } from '../../../shared/items.ts';
import { layoutOf } from '../vault/item-payload.ts';
import { generateValue } from '../vault/password.ts';
import { type DueEntry, dueList } from './rotation.ts';
import { flagSecret, refreshFlags, settleSecret } from './flag-requests.ts';
import { checkFlags } from './rotation-flags.ts';
import { wipe } from '../crypto/index.ts';
import * as teams from './teams.ts';
import { type AuditFilter, flushAudit, reportAudit, reportUse } from './audit.ts';
import { type AuditAsk, auditEntries, readAuditView } from './audit-view.ts';
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

export class TesseraService {
  readonly profile: Profile;
  private unlocked: Unlocked | null = null;
  private indexes = new Map<string, Map<string, IndexedItem>>();
  /** The sync running now: syncs run one at a time, as two pulls from the same cursor would
   *  both try to extend the chain from the same head. */
  private syncing: Promise<unknown> = Promise.resolve();

  private readonly now: () => Date;
  /** Break-glass requests, answers and the sessions held open (docs/design.md "Break-glass"). */
  readonly breakGlass: BreakGlassDesk;

  constructor(private readonly options: ServiceOptions) {
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
  private opened(u: Unlocked): void {
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

  private get u(): Unlocked {
    if (!this.unlocked) throw new TesseraError('locked', 'the vault is locked: unlock first');
    return this.unlocked;
  }

  /** Test hook for memory-hygiene checks: the buffers lock() must zero. */
  heldKeyBuffers(): Uint8Array[] {
    return [...(this.unlocked?.keyring.buffers() ?? []), ...this.breakGlass.heldKeyBuffers()];
  }

  private index(teamId: string): Map<string, IndexedItem> {
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

  private async syncOnce(team: string | undefined, opts: SyncOptions): Promise<SyncResult> {
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
  private async pull(teamId: string, changes: SyncChanges, own?: OwnBatch): Promise<number> {
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
  private async chainChange<T>(
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
  private async completeDistribution(teamId: string, changes: SyncChanges): Promise<number> {
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

  // ---- teams -----------------------------------------------------------------------------

  async createTeam(name: string) {
    if (name.trim() === '') throw new TesseraError('usage', 'a team name must not be empty');
    const team = await teams.createTeam(this.u, name);
    await this.sync(team.id);
    return team;
  }
  /** Appends the invitation and returns the invite code to give the person out of band. */
  invite(email: string, role: TeamRole, team?: string) {
    return this.chainChange(this.u.teamId(team), (b) => teams.invite(b, email, role));
  }
  inviteCode(team?: string): string {
    return teams.inviteCode(this.u, this.u.teamId(team));
  }
  async accept(code: string) {
    const info = await teams.accept(this.u, code);
    return info;
  }
  confirm(email: string, expectedFingerprint: string, team?: string) {
    return this.chainChange(this.u.teamId(team), (b) => teams.confirm(this.u, b, email, expectedFingerprint));
  }
  members(team?: string) {
    return teams.listMembers(this.u, this.u.teamId(team));
  }
  /** Changes a confirmed member's role; keys follow in the same batch (an owner reads every vault). */
  changeRole(email: string, role: TeamRole, team?: string) {
    return this.chainChange(this.u.teamId(team), (b) => membership.changeRole(this.u, b, email, role));
  }
  /** Removes a member and re-keys, in the same batch, every vault they held that this user may
   *  re-key; the result names the vaults left "re-key pending" and who can finish them. */
  removeMember(email: string, team?: string) {
    return this.chainChange(this.u.teamId(team), (b) => membership.removeMember(this.u, b, email));
  }
  /** Offboards a member, or continues an offboarding cut short (service/offboard.ts). */
  offboard(email: string, team?: string) {
    const teamId = this.u.teamId(team);
    const chainChange = <T>(build: (b: ChainBatch) => T | Promise<T>, synced?: boolean) =>
      this.chainChange(teamId, build, { fulfilKeys: false }, synced);
    const index = () => this.index(teamId);
    const usage = (user: string) =>
      auditEntries(this.u, teamId, {
        actor: user,
        kinds: ['secret.reveal', 'secret.copy', 'breakglass.reveal'],
      });
    return offboard.offboard({ u: this.u, teamId, chainChange, index, now: this.now, usage }, email);
  }
  /** Withdraws an invitation not confirmed yet: the person can no longer accept or be confirmed. */
  revokeInvitation(email: string, team?: string) {
    return this.chainChange(this.u.teamId(team), (b) => membership.revokeInvitation(this.u, b, email));
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
  invitations() {
    return teams.pendingInvitations(this.u);
  }
  useTeam(team: string): void {
    this.profile.update({ currentTeam: this.u.teamId(team) });
  }

  // ---- groups ----------------------------------------------------------------------------

  async createGroup(name: string, team?: string) {
    await this.chainChange(this.u.teamId(team), (b) => groups.createGroup(b, name));
  }
  listGroups(team?: string) {
    return groups.listGroups(this.u, this.u.teamId(team));
  }
  addToGroup(group: string, email: string, team?: string) {
    return this.chainChange(this.u.teamId(team), (b) => groups.addToGroup(this.u, b, group, email));
  }
  removeFromGroup(group: string, email: string, team?: string) {
    return this.chainChange(this.u.teamId(team), (b) => groups.removeFromGroup(this.u, b, group, email));
  }

  // ---- vaults ----------------------------------------------------------------------------

  async createVault(name: string, opts: { team?: string; rotateEveryDays?: number } = {}) {
    checkVaultName(name);
    const teamId = this.u.teamId(opts.team);
    const label = { name, ...(opts.rotateEveryDays ? { rotateEveryDays: opts.rotateEveryDays } : {}) };
    const id = await this.chainChange(teamId, (b) => vaults.createVault(this.u, b, label));
    return { id, name };
  }
  listVaults(team?: string) {
    return vaults.listVaults(this.u, this.u.teamId(team));
  }
  vaultAccess(vault: string, team?: string) {
    const teamId = this.u.teamId(team);
    return vaults.vaultAccess(this.u, teamId, vaults.resolveVault(this.u, teamId, vault).id);
  }
  shareVault(vault: string, target: string, role: VaultRole, team?: string) {
    return this.chainChange(this.u.teamId(team), (b) => vaults.shareVault(this.u, b, vault, target, role));
  }
  unshareVault(vault: string, target: string, team?: string) {
    return this.chainChange(this.u.teamId(team), (b) => vaults.unshareVault(this.u, b, vault, target));
  }

  async renameVault(vault: string, newName: string, team?: string) {
    checkVaultName(newName);
    const r = await this.changeVaultLabel(vault, { name: newName }, team);
    return { id: r.id, from: r.from, name: newName };
  }

  /** The vault's default rotation interval (null clears it): secrets without one of their own
   *  are due this often. It lives in the name envelope, so only the vault's readers see it. */
  async setVaultRotation(vault: string, rotateEveryDays: number | null, team?: string) {
    if (rotateEveryDays !== null && !isRotateDays(rotateEveryDays))
      throw new TesseraError('usage', `a rotation interval is 1 to ${MAX_ROTATE_DAYS} days`);
    const r = await this.changeVaultLabel(vault, { rotateEveryDays }, team);
    return { id: r.id, name: r.label.name, rotateEveryDays: r.label.rotateEveryDays ?? null };
  }

  /** A new name envelope at the current generation. A re-key that lands first makes the
   *  server answer "conflict": pull the new key and seal the label again. */
  private async changeVaultLabel(vault: string, change: vaults.LabelChange, team?: string) {
    const teamId = this.u.teamId(team);
    for (let attempt = 1; ; attempt++) {
      const first = await this.sync(teamId, { fulfilKeys: false });
      if (first.offline) throw new TesseraError('unreachable', 'cannot change a vault while offline');
      const r = vaults.sealLabel(this.u, teamId, vault, change);
      try {
        await this.u.http.request(
          'PUT',
          paths.vaultName(teamId, r.id),
          { generation: r.generation, name: r.name },
          renameVaultReply,
        );
      } catch (e) {
        if (e instanceof TesseraError && e.code === 'conflict' && attempt < 3) continue;
        throw e;
      }
      await this.sync(teamId);
      return r;
    }
  }

  /** A `vault.delete` link; refused while the vault holds secrets unless `force`. */
  deleteVault(vault: string, opts: { force?: boolean; team?: string } = {}) {
    const teamId = this.u.teamId(opts.team);
    return this.chainChange(teamId, (b) =>
      vaults.deleteVault(
        this.u,
        b,
        vault,
        (v) => secrets.listSecrets(this.index(teamId), [v]).length,
        !!opts.force,
      ),
    );
  }

  // ---- secrets ---------------------------------------------------------------------------

  /** Rotation reminders for every vault this user reads, from the index alone. */
  due(team?: string, now = this.now()): DueEntry[] {
    const teamId = this.u.teamId(team);
    const st = this.u.team(teamId);
    return dueList(
      this.index(teamId),
      vaults.listVaults(this.u, teamId),
      (id) => st.items[id]?.updatedAt,
      now,
      [...this.rotationFlags(teamId, now).open, ...offboardFlags(st.chain, this.index(teamId), now)],
    );
  }

  /** The flags the server relayed, checked against the chain (service/rotation-flags.ts). */
  rotationFlags(team?: string, now = this.now()) {
    const teamId = this.u.teamId(team);
    return checkFlags(this.u.team(teamId).flags ?? [], this.u.team(teamId).chain, this.index(teamId), now);
  }

  /** Signs a "rotation required" flag on a secret and sends it; syncs before (the item must be
   *  on the server) and after (so the due list shows it). */
  async flagSecret(ref: string, reason: string, team?: string) {
    const teamId = this.u.teamId(team);
    if ((await this.sync(teamId)).offline)
      throw new TesseraError('unreachable', 'cannot flag a secret while the server is unreachable');
    const { vault, name } = parseRef(ref);
    const r = await flagSecret(this.u, teamId, this.index(teamId), vault, name, reason, this.now());
    await this.sync(teamId);
    return r;
  }

  /** Saves a new primary value as the next version: `value`, or one generated the way the
   *  item's last generated value was (24 characters of every set if it never was). */
  async rotateSecret(ref: string, value?: Uint8Array, team?: string): Promise<SyncResult> {
    const r = await this.writeRotation(ref, value, team);
    const teamId = this.u.teamId(team);
    const { vault, name } = parseRef(ref);
    if (!r.offline && (await settleSecret(this.u, teamId, this.index(teamId), vault, name)) > 0)
      await this.sync(teamId);
    return r;
  }

  private async writeRotation(ref: string, value?: Uint8Array, team?: string): Promise<SyncResult> {
    const teamId = this.u.teamId(team);
    const { vault, name } = parseRef(ref);
    const header = secrets.itemHeader(this.u, teamId, this.index(teamId), vault, name);
    const { primary, fields } = layoutOf(header);
    if (fields.find((f) => f.key === primary)?.kind === 'totp')
      throw new TesseraError(
        'usage',
        `the primary field of ${name} is a one-time code seed: set a new seed with secret set --field ${primary}=-`,
      );
    if (value) return this.setSecret(ref, value, {}, team);
    const settings = header.generator ?? DEFAULT_GENERATOR;
    const g = generateValue(settings);
    try {
      return await this.setSecret(ref, { primaryValue: g.value, generator: settings }, {}, team);
    } finally {
      wipe(g.value);
    }
  }

  listSecrets(vault?: string, team?: string) {
    const teamId = this.u.teamId(team);
    const all = vaults.listVaults(this.u, teamId);
    const scope = vault ? [vaults.resolveVault(this.u, teamId, vault)] : all;
    return secrets.listSecrets(this.index(teamId), scope);
  }

  /** The primary value. The caller owns the returned bytes and must wipe them. */
  getSecret(ref: string, team?: string): Uint8Array {
    return this.getField(ref, undefined, team).value;
  }

  /** One field (the primary one if `field` is left out) of the newest version, or of an
   *  older one. The caller owns the returned bytes and must wipe them. */
  async getFieldAt(ref: string, field: string | undefined, version: number | undefined, team?: string) {
    if (version === undefined)
      try {
        return this.getField(ref, field, team);
      } catch (e) {
        // A vault read only through an open break-glass session (docs/design.md "Break-glass").
        const { vault, name } = parseRef(ref);
        const r =
          e instanceof TesseraError && e.code === 'not_found'
            ? await this.breakGlass.field(vault, name, field, team)
            : null;
        if (r) {
          reportAudit(this.u, this.u.teamId(team), 'breakglass.reveal', r.from, this.now());
          return r;
        }
        throw e;
      }
    const teamId = this.u.teamId(team);
    const { vault, name } = parseRef(ref);
    const opened = await secrets.readSecretVersion(this.u, teamId, this.index(teamId), vault, name, version);
    const f = secrets.pickField(opened, name, field);
    const at = secrets.resolveItem(this.u, teamId, this.index(teamId), vault, name);
    reportUse(this.u, teamId, 'reveal', at, this.now(), version);
    return f;
  }

  /** Reported to the team's audit log as a reveal, or as a copy when `use` says so. */
  getField(ref: string, field?: string, team?: string, use: 'reveal' | 'copy' = 'reveal') {
    const teamId = this.u.teamId(team);
    const { vault, name } = parseRef(ref);
    const opened = secrets.readItem(this.u, teamId, this.index(teamId), vault, name);
    const f = secrets.pickField(opened, name, field);
    reportUse(this.u, teamId, use, opened, this.now());
    return f;
  }

  /** The team's audit log, verified, with names (service/audit-view.ts). */
  audit(ask: AuditAsk = {}, opts: { verify?: boolean } = {}, team?: string) {
    return readAuditView(this.u, this.u.teamId(team), (id) => this.index(id), ask, opts.verify ?? false);
  }

  /** Verified entries by ids, e.g. one member's reveals and copies (offboarding's report). */
  auditEntries(filter: AuditFilter, team?: string) {
    return auditEntries(this.u, this.u.teamId(team), filter);
  }

  /** The item with its layout: text, URL and notes values as text, concealed values left out
   *  (they come one at a time through getField). */
  showSecret(ref: string, team?: string): ItemView {
    const teamId = this.u.teamId(team);
    const { vault, name } = parseRef(ref);
    const opened = secrets.readItem(this.u, teamId, this.index(teamId), vault, name);
    return itemView(opened);
  }

  /** The current code of a TOTP field (the first one if `field` is left out); the seed stays
   *  here. `now` is in ms since the epoch. */
  totp(ref: string, field?: string, team?: string, now = this.now().getTime()) {
    const teamId = this.u.teamId(team);
    const { vault, name } = parseRef(ref);
    const header = secrets.itemHeader(this.u, teamId, this.index(teamId), vault, name);
    const key = field ?? layoutOf(header).fields.find((x) => x.kind === 'totp')?.key;
    if (!key) throw new TesseraError('not_found', `${name} has no one-time code (TOTP) field`);
    const f = this.getField(ref, key, team);
    try {
      if (f.kind !== 'totp')
        throw new TesseraError(
          'usage',
          `the field ${JSON.stringify(f.key)} is not a one-time code (TOTP) field`,
        );
      return { field: f.key, ...totpCode(f.value, now) };
    } finally {
      wipe(f.value);
    }
  }

  /** The current code for a TOTP seed a caller already holds (a field it read for copying or
   *  printing, of any version), on this service's clock. */
  oneTimeCode(seed: Uint8Array): string {
    return totpCode(seed, this.now().getTime()).code;
  }

  /**
   * Encrypts and queues a new version, then tries to deliver it. Offline, it stays queued.
   * `change` is the new primary value, or an edit of fields and metadata; `meta` adds to a
   * bare value. Everything left out keeps what the secret had.
   */
  async setSecret(
    ref: string,
    change: Uint8Array | ItemEdit,
    meta: ItemEdit = {},
    team?: string,
  ): Promise<SyncResult> {
    const teamId = this.u.teamId(team);
    const { vault, name } = parseRef(ref);
    const edit = change instanceof Uint8Array ? { ...meta, primaryValue: change } : { ...meta, ...change };
    if (!edit.deleted) checkSecretName(name);
    secrets.writeSecret(this.u, teamId, this.index(teamId), vault, name, edit, this.now());
    return this.sync(teamId);
  }

  /** An older version's primary value, for rollback. The caller must wipe the bytes. */
  async getSecretVersion(ref: string, version: number, team?: string): Promise<Uint8Array> {
    return (await this.getFieldAt(ref, undefined, version, team)).value;
  }

  async removeSecret(ref: string, team?: string): Promise<SyncResult> {
    return this.setSecret(ref, { deleted: true }, {}, team);
  }

  /** Writes an old version's values as the newest version. */
  async restoreSecret(ref: string, version: number, team?: string): Promise<SyncResult> {
    const teamId = this.u.teamId(team);
    const { vault, name } = parseRef(ref);
    await restoreVersion(this.u, teamId, this.index(teamId), vault, name, version, this.now);
    return this.sync(teamId);
  }

  /** Renames within the vault, or moves to `to` = VAULT or VAULT/NAME. */
  async moveSecret(ref: string, to: string, team?: string): Promise<SyncResult> {
    const teamId = this.u.teamId(team);
    const from = parseRef(ref);
    const slash = to.indexOf('/');
    const target = slash < 0 ? { vault: to } : parseRef(to);
    moveSecret(this.u, teamId, this.index(teamId), from, target);
    return this.sync(teamId);
  }

  /** Both sides of a conflict copy, with who wrote each; no values. */
  showConflict(copyRef: string, team?: string) {
    const teamId = this.u.teamId(team);
    const { vault, name } = parseRef(copyRef);
    return showConflict(this.u, teamId, this.index(teamId), vault, name);
  }

  /** Keeps this client's conflict copy (`mine`) or the server's version (`theirs`). */
  async resolveConflict(copyRef: string, keep: 'mine' | 'theirs', team?: string): Promise<SyncResult> {
    const teamId = this.u.teamId(team);
    const { vault, name } = parseRef(copyRef);
    settleConflict(this.u, teamId, this.index(teamId), vault, name, keep);
    return this.sync(teamId);
  }

  history(ref: string, team?: string) {
    const teamId = this.u.teamId(team);
    const { vault, name } = parseRef(ref);
    return secrets.secretHistory(this.u, teamId, this.index(teamId), vault, name);
  }

  // ---- one-time links (service/links.ts) -------------------------------------------------

  /** Syncs first, so the item the link names is on the server and the value is the newest. */
  async createLink(ref: string, opts: links.CreateLinkOptions, team?: string) {
    const teamId = this.u.teamId(team);
    if ((await this.sync(teamId)).offline)
      throw new TesseraError('unreachable', 'cannot create a link while the server is unreachable');
    const { vault, name } = parseRef(ref);
    return links.createLink(this.u, teamId, this.index(teamId), vault, name, opts);
  }
  listLinks(team?: string) {
    return links.listLinks(this.u, this.u.teamId(team));
  }
  revokeLink(id: string, team?: string) {
    return links.revokeLink(this.u, this.u.teamId(team), id);
  }
  linkPolicy(vault: string, team?: string) {
    const teamId = this.u.teamId(team);
    return links.getLinkPolicy(this.u, teamId, vaults.resolveVault(this.u, teamId, vault).id);
  }
  setLinkPolicy(
    vault: string,
    policy: { linksAllowed: boolean; maxExpirySeconds: number | null },
    team?: string,
  ) {
    const teamId = this.u.teamId(team);
    return links.setLinkPolicy(this.u, teamId, vaults.resolveVault(this.u, teamId, vault).id, policy);
  }
  /** Needs no account: anyone holding the URL may peek or open. */
  peekLink(url: string) {
    return links.peekLink(url, this.options.fetch);
  }
  openLink(url: string, passphrase?: Uint8Array) {
    return links.openLinkUrl(url, passphrase, this.options.fetch);
  }
}

function checkVaultName(name: string): void {
  if (name.includes('/') || name.trim() === '')
    throw new TesseraError('usage', 'a vault name must be non-empty and contain no "/"');
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
