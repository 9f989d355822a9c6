// Process: core (trusted Node side; never imports electron).
// Changing who is in the team (docs/design.md "The team chain"): a role change, a removal and
// a withdrawn invitation are each one link, checked here first against the verified chain so
// a refusal says in plain words who may do it. Whoever loses a vault by the change is re-keyed
// out of it in the same batch, as far as this user may re-key; the rest stays "re-key pending"
// in the chain, and the result says which vaults and which managers' sync will finish them.
import {
  activeMember,
  type ChainMember,
  type ChainVault,
  readersOf,
  rekeyPending,
  type TeamState as ChainState,
  vaultRoleOf,
} from '../../../shared/chain/state.ts';
import { TesseraError } from '../../../shared/errors.ts';
import type { MemberChangeView, PendingRekeyView } from '../../../shared/ipc-results.ts';
import {
  mayChangeRole,
  mayInTeam,
  mayRemoveMember,
  mayRevokeInvitation,
  rolesAllowed,
  type TeamRole,
} from '../../../shared/roles.ts';
import type { Unlocked } from '../profile/unlocked.ts';
import type { ChainBatch } from '../sync/chain-batch.ts';
import { canDistribute, deliverMissing, rekeyVault } from './keys.ts';
import { vaultLabel } from './vaults.ts';

const article = (r: TeamRole) => (r === 'member' ? `a ${r}` : `an ${r}`);
/** "an owner or an admin": who to ask, read from the role table. */
const whoMay = (target: TeamRole) => rolesAllowed(`team.manage.${target}`).map(article).join(' or ');
const norm = (email: string) => email.trim().toLowerCase();

function myChainRole(u: Unlocked, b: ChainBatch): TeamRole {
  const me = activeMember(b.state, u.userId);
  if (!me) throw new TesseraError('forbidden', 'you are not a confirmed member of this team');
  return me.role;
}

function confirmedMember(b: ChainBatch, email: string): ChainMember {
  const e = norm(email);
  const m = [...b.state.members.values()].find((x) => x.email === e && x.status === 'confirmed');
  if (m) return m;
  if (b.state.invites.has(e))
    throw new TesseraError(
      'conflict',
      `${e} is invited but not confirmed yet: confirm them first, or revoke the invitation`,
    );
  throw new TesseraError('not_found', `${e} is not a member of this team`);
}

function ownerCount(s: ChainState): number {
  return [...s.members.values()].filter((m) => m.status === 'confirmed' && m.role === 'owner').length;
}

/** Who could finish a re-key this user cannot: everyone else the chain lets manage the vault. */
export function managersOf(s: ChainState, v: ChainVault, self: string): string[] {
  return [...s.members.values()]
    .filter((m) => m.user !== self && vaultRoleOf(s, v, m.user) === 'manage')
    .map((m) => m.email)
    .sort();
}

/**
 * After a link that changed who may read: re-key each listed vault that someone now holds the
 * key of without the right to, and seal keys to readers who gained one. A vault this user may
 * not re-key (or cannot read) stays "re-key pending" in the chain, reported with who can finish.
 */
function settleVaults(u: Unlocked, b: ChainBatch, ids: readonly string[]) {
  const rekeyed: string[] = [];
  const pending: PendingRekeyView[] = [];
  for (const id of ids) {
    const v = b.state.vaults.get(id)!;
    if (!rekeyPending(b.state, v)) {
      deliverMissing(u, b, id);
      continue;
    }
    const label = vaultLabel(u, b.teamId, id);
    if (canDistribute(u, b, id) && label !== null) {
      rekeyVault(u, b, id, label);
      rekeyed.push(label.name);
    } else
      pending.push({ vaultId: id, name: label?.name ?? null, managers: managersOf(b.state, v, u.userId) });
  }
  return { rekeyed, pending };
}

/** Vaults the member holds a key of or may read: the ones a change to them can affect. */
function vaultsTouching(s: ChainState, user: string): string[] {
  return [...s.vaults.values()]
    .filter((v) => v.keyHolders.has(user) || readersOf(s, v).includes(user))
    .map((v) => v.id);
}

export function changeRole(
  u: Unlocked,
  b: ChainBatch,
  email: string,
  role: TeamRole,
): MemberChangeView & { from: TeamRole; changed: boolean } {
  const m = confirmedMember(b, email);
  const from = m.role;
  const none = { email: m.email, from, role, rekeyed: [], pending: [] };
  if (from === role) return { ...none, changed: false };
  const actor = myChainRole(u, b);
  if (!mayChangeRole(actor, from, role)) {
    const refused = mayInTeam(actor, `team.manage.${from}`)
      ? `only ${whoMay(role)} can make someone ${article(role)}`
      : `only ${whoMay(from)} can change the role of ${article(from)}`;
    throw new TesseraError('forbidden', refused);
  }
  if (from === 'owner' && ownerCount(b.state) === 1)
    throw new TesseraError('conflict', `${m.email} is the only owner: make someone else an owner first`);
  const before = vaultsTouching(b.state, m.user);
  b.add('member.role', { user: m.user, role });
  const ids = [...new Set([...before, ...vaultsTouching(b.state, m.user)])];
  return { ...none, changed: true, ...settleVaults(u, b, ids) };
}

export function removeMember(u: Unlocked, b: ChainBatch, email: string): MemberChangeView {
  const m = confirmedMember(b, email);
  const actor = myChainRole(u, b);
  if (m.user === u.userId)
    throw new TesseraError('usage', `you cannot remove yourself; ask ${whoMay(m.role)} to do it`);
  if (!mayRemoveMember(actor, m.role))
    throw new TesseraError('forbidden', `only ${whoMay(m.role)} can remove ${article(m.role)}`);
  if (m.role === 'owner' && ownerCount(b.state) === 1)
    throw new TesseraError('conflict', `${m.email} is the only owner: make someone else an owner first`);
  const held = [...b.state.vaults.values()].filter((v) => v.keyHolders.has(m.user)).map((v) => v.id);
  b.add('member.remove', { user: m.user, reason: 'removed' });
  return { email: m.email, role: m.role, ...settleVaults(u, b, held) };
}

export function revokeInvitation(u: Unlocked, b: ChainBatch, email: string) {
  const e = norm(email);
  const role = b.state.invites.get(e);
  if (role === undefined) {
    if ([...b.state.members.values()].some((x) => x.email === e && x.status === 'confirmed'))
      throw new TesseraError('conflict', `${e} has already joined the team: remove them instead`);
    throw new TesseraError('not_found', `there is no open invitation for ${e}`);
  }
  if (!mayRevokeInvitation(myChainRole(u, b), role))
    throw new TesseraError(
      'forbidden',
      `only ${whoMay(role)} can withdraw an invitation to join as ${article(role)}`,
    );
  b.add('member.uninvite', { email: e });
  return { email: e, role };
}
