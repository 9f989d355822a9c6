// Process: core (trusted Node side; never imports electron).
// Teams, groups and vaults: the service's operations on the team chain (docs/design.md "The
// team chain"). Each is a thin call into its module; ServiceCore (service-core.ts) holds the
// state and the sync they run through.
import { paths, renameVaultReply } from '../../../shared/api.ts';
import { isRotateDays, MAX_ROTATE_DAYS } from '../../../shared/vault-label.ts';
import { TesseraError } from '../../../shared/errors.ts';
import type { TeamRole, VaultRole } from '../../../shared/roles.ts';
import type { ChainBatch } from '../sync/chain-batch.ts';
import * as groups from './groups.ts';
import * as membership from './membership.ts';
import * as offboard from './offboard.ts';
import * as secrets from './secrets.ts';
import * as teams from './teams.ts';
import { auditEntries } from './audit-view.ts';
import * as vaults from './vaults.ts';
import { ServiceCore } from './service-core.ts';

export abstract class TeamService extends ServiceCore {
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
    const chainChange = <T>(build: (b: ChainBatch) => T | Promise<T>, vaultBatch?: boolean) =>
      this.chainChange(teamId, build, { fulfilKeys: false, pullOnly: vaultBatch }, vaultBatch);
    const settle = () => this.sync(teamId, { fulfilKeys: false }).then(() => undefined);
    const index = () => this.index(teamId);
    const usage = (user: string) =>
      auditEntries(this.u, teamId, {
        actor: user,
        kinds: ['secret.reveal', 'secret.copy', 'breakglass.reveal'],
      });
    return offboard.offboard({ u: this.u, teamId, chainChange, settle, index, now: this.now, usage }, email);
  }
  /** Withdraws an invitation not confirmed yet: the person can no longer accept or be confirmed. */
  revokeInvitation(email: string, team?: string) {
    return this.chainChange(this.u.teamId(team), (b) => membership.revokeInvitation(this.u, b, email));
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
  protected async changeVaultLabel(vault: string, change: vaults.LabelChange, team?: string) {
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
}

function checkVaultName(name: string): void {
  if (name.includes('/') || name.trim() === '')
    throw new TesseraError('usage', 'a vault name must be non-empty and contain no "/"');
}
