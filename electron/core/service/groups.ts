// Process: core (trusted Node side; never imports electron).
// Groups. A group is an authorization shortcut on the server, but cryptographically every
// member still needs their own sealed copy of each vault key: adding someone to a group
// seals the keys of the group's vaults that this client manages, and `sync` seals the rest
// whenever a manager's client sees a reader without a key.
import { groupsReply, paths, vaultAccessReply, type VaultKeyGrant } from '../../../shared/api.ts';
import { TesseraError } from '../../../shared/errors.ts';
import { mayInVault } from '../../../shared/roles.ts';
import { z } from 'zod';
import type { Unlocked } from '../profile/unlocked.ts';
import { directoryOf, listVaults, makeGrant, readersOf, rekey, type VaultSummary } from './vaults.ts';

const ok = z.unknown();

export async function createGroup(u: Unlocked, teamId: string, name: string): Promise<void> {
  u.requireSession();
  await u.http.request('POST', paths.groups(teamId), { name }, ok);
}

export async function listGroups(u: Unlocked, teamId: string) {
  u.requireSession();
  const { groups } = await u.http.request('GET', paths.groups(teamId), undefined, groupsReply);
  const dir = directoryOf(u, teamId);
  return groups.map((g) => ({ ...g, emails: g.members.map((m) => dir.get(m)?.email ?? m) }));
}

async function findGroup(u: Unlocked, teamId: string, name: string) {
  const { groups } = await u.http.request('GET', paths.groups(teamId), undefined, groupsReply);
  const g = groups.find((x) => x.name === name || x.id === name);
  if (!g) throw new TesseraError('not_found', `no group ${JSON.stringify(name)}`);
  return g;
}

export async function addToGroup(u: Unlocked, teamId: string, groupName: string, email: string) {
  u.requireSession();
  const group = await findGroup(u, teamId, groupName);
  const entry = [...directoryOf(u, teamId).values()].find((d) => d.email === email.toLowerCase());
  if (!entry)
    throw new TesseraError(
      'not_found',
      `${email} is not a confirmed member of this team (confirm them first)`,
    );
  const keyGrants: VaultKeyGrant[] = [];
  for (const v of listVaults(u, teamId)) {
    if (!v.readable || !mayInVault(v.role, 'vault.share')) continue;
    const { access } = await u.http.request(
      'GET',
      paths.vaultAccess(teamId, v.id),
      undefined,
      vaultAccessReply,
    );
    const viaGroup = access.find((a) => a.principal.type === 'group' && a.principal.id === group.id);
    if (!viaGroup) continue;
    const key = u.keyring.vaultKey(v.id, v.generation)!;
    keyGrants.push({ ...makeGrant(u, teamId, v.id, v.generation, key, entry, viaGroup.role), vault: v.id });
  }
  await u.http.request('POST', paths.groupMembers(teamId, group.id), { userId: entry.userId, keyGrants }, ok);
  return { group: group.name, email: entry.email, sealed: keyGrants.length };
}

export async function removeFromGroup(u: Unlocked, teamId: string, groupName: string, email: string) {
  u.requireSession();
  const group = await findGroup(u, teamId, groupName);
  const entry = [...directoryOf(u, teamId).values()].find((d) => d.email === email.toLowerCase());
  if (!entry) throw new TesseraError('not_found', `${email} is not a confirmed member of this team`);
  // Vaults the group can read lose this reader: find them before the membership goes.
  const affected: VaultSummary[] = [];
  for (const v of listVaults(u, teamId)) {
    if (!v.readable) continue;
    const { access } = await u.http.request('GET', paths.vaultAccess(teamId, v.id), undefined, vaultAccessReply);
    if (access.some((a) => a.principal.type === 'group' && a.principal.id === group.id)) affected.push(v);
  }
  await u.http.request('DELETE', paths.groupMember(teamId, group.id, entry.userId), undefined, ok);
  // Taking access away is a re-key (DESIGN §3): every vault this client may re-key gets a new
  // generation sealed to who still reads it. A vault it may not re-key is reported, not skipped silently.
  const rekeyed: string[] = [];
  const pending: string[] = [];
  for (const v of affected) {
    if (!mayInVault(v.role, 'vault.rekey')) {
      pending.push(v.name);
      continue;
    }
    const readers = await readersOf(u, teamId, v.id);
    if (readers.some((r) => r.entry.userId === entry.userId)) continue; // still reads it another way
    await rekey(u, teamId, v, readers);
    rekeyed.push(v.name);
  }
  return { group: group.name, email: entry.email, rekeyed, pending };
}
