// Process: core (trusted Node side; never imports electron).
// The application service: every operation the window, the CLI and the test bridge can ask
// for. This file holds secrets, rotation, the audit log and one-time links; it extends
// TeamService (team-service.ts: teams, groups, vaults), which extends ServiceCore
// (service-core.ts: state, unlock, sync). Shells pass their platform pieces (fetch, profile
// folder) in.
import { TesseraError } from '../../../shared/errors.ts';
import type { ItemView } from '../../../shared/ipc-results.ts';
import * as links from './links.ts';
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
import { flagSecret, settleSecret } from './flag-requests.ts';
import { checkFlags } from './rotation-flags.ts';
import { wipe } from '../crypto/index.ts';
import { type AuditFilter, reportAudit, reportUse } from './audit.ts';
import { type AuditAsk, auditEntries, readAuditView } from './audit-view.ts';
import * as vaults from './vaults.ts';
import { parseRef, type SyncResult } from './service-core.ts';
import { TeamService } from './team-service.ts';

export {
  type LoginSync,
  parseRef,
  type ServiceOptions,
  type SyncOptions,
  type SyncResult,
} from './service-core.ts';

export class TesseraService extends TeamService {
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
    reportUse(this.u, teamId, 'reveal', opened, this.now(), version);
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
