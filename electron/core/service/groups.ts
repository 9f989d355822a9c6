// Process: core (trusted Node side; never imports electron).
// Groups, as links of the team chain. Adding someone to a group shares the group's vaults
// with them, so the same batch delivers each such vault's key this client manages; a vault it
// does not manage is refused by the chain rules, not left to a manager's later sync. Removing
// someone re-keys, in the same batch, every vault they lose and this client may re-key; the
// others stay "re-key pending" in the chain for their managers' next sync.
import { rekeyPending } from '../../../shared/chain/state.ts';
import { TesseraError } from '../../../shared/errors.ts';
import type { Unlocked } from '../profile/unlocked.ts';
import type { ChainBatch } from '../sync/chain-batch.ts';
import { canDistribute, deliverMissing, rekeyVault } from './keys.ts';
import { vaultLabel } from './vaults.ts';

export function createGroup(b: ChainBatch, name: string): string {
  for (const g of b.state.groups.values())
    if (g.name === name) throw new TesseraError('conflict', `a group named ${name} already exists`);
  const group = crypto.randomUUID();
  b.add('group.create', { group, name });
  return group;
}

export function listGroups(u: Unlocked, teamId: string) {
  const chain = u.team(teamId).chain;
  return [...chain.groups].map(([id, g]) => {
    const members = [...g.members].sort();
    return { id, name: g.name, members, emails: members.map((m) => chain.members.get(m)?.email ?? m) };
  });
}

/** A group by id (exact, what the window passes) or by a name only one group carries. */
function findGroup(b: ChainBatch, name: string): string {
  if (b.state.groups.has(name)) return name;
  const named = [...b.state.groups].filter(([, g]) => g.name === name).map(([id]) => id);
  if (named.length > 1)
    throw new TesseraError(
      'usage',
      `${named.length} groups are named ${JSON.stringify(name)}; use the group id`,
    );
  if (named.length === 0) throw new TesseraError('not_found', `no group ${JSON.stringify(name)}`);
  return named[0]!;
}

function findMember(b: ChainBatch, email: string): string {
  const m = [...b.state.members.values()].find(
    (x) => x.email === email.toLowerCase() && x.status === 'confirmed',
  );
  if (!m)
    throw new TesseraError(
      'not_found',
      `${email} is not a confirmed member of this team (confirm them first)`,
    );
  return m.user;
}

export function addToGroup(u: Unlocked, b: ChainBatch, groupName: string, email: string) {
  const group = findGroup(b, groupName);
  const user = findMember(b, email);
  b.add('group.add', { group, user });
  let sealed = 0;
  for (const v of b.state.vaults.values())
    if (v.grants.has(`group:${group}`)) sealed += deliverMissing(u, b, v.id);
  return { group: b.state.groups.get(group)!.name, email: email.toLowerCase(), sealed };
}

export function removeFromGroup(u: Unlocked, b: ChainBatch, groupName: string, email: string) {
  const group = findGroup(b, groupName);
  const user = findMember(b, email);
  b.add('group.remove', { group, user });
  const rekeyed: string[] = [];
  const pending: string[] = [];
  for (const v of [...b.state.vaults.values()]) {
    if (!v.grants.has(`group:${group}`) || !rekeyPending(b.state, v)) continue;
    const label = vaultLabel(u, b.teamId, v.id);
    if (!canDistribute(u, b, v.id) || label === null) {
      pending.push(label?.name ?? v.id);
      continue;
    }
    rekeyVault(u, b, v.id, label);
    rekeyed.push(label.name);
  }
  return { group: b.state.groups.get(group)!.name, email: email.toLowerCase(), rekeyed, pending };
}
