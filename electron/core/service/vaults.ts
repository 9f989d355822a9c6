// Process: core (trusted Node side; never imports electron).
// Vaults, sharing and re-keying. A vault key is sealed to each reader's *verified* X25519
// key and every sealed copy is signed by its granter. Taking access away is a re-key, not a
// server flag: a new generation, every item re-encrypted, the new key sealed only to those
// who keep access, all in one server transaction (DESIGN §3 "Re-key").
import {
  type DirectoryEntry,
  groupsReply,
  type KeyGrant,
  type Principal,
  paths,
  vaultAccessReply,
} from '../../../shared/api.ts';
import { fromUtf8, utf8 } from '../../../shared/encoding.ts';
import type { VaultView } from '../../../shared/ipc-results.ts';
import { TesseraError } from '../../../shared/errors.ts';
import { ad } from '../../../shared/formats.ts';
import { effectiveVaultRole, mayInVault, type VaultRole } from '../../../shared/roles.ts';
import {
  hashSealedKey,
  newVaultKey,
  openEnvelope,
  sealEnvelope,
  sealVaultKey,
  signGrant,
  wipe,
} from '../crypto/index.ts';
import { verifiedDirectory } from '../sync/trust.ts';
import { z } from 'zod';
import type { Unlocked } from '../profile/unlocked.ts';

const ok = z.unknown();

export type VaultSummary = VaultView;

export function makeGrant(
  u: Unlocked,
  teamId: string,
  vault: string,
  generation: number,
  key: Uint8Array,
  recipient: DirectoryEntry,
  role: VaultRole,
): KeyGrant {
  const sealedKey = sealVaultKey(key, recipient.keys.boxPublicKey);
  const signature = signGrant(
    {
      team: teamId,
      vault,
      generation,
      recipient: recipient.userId,
      role,
      sealedKeyHash: hashSealedKey(sealedKey),
    },
    u.keyring.account.signSecretKey,
  );
  return { recipient: recipient.userId, generation, role, sealedKey, granter: u.userId, signature };
}

export function directoryOf(u: Unlocked, teamId: string): Map<string, DirectoryEntry> {
  const st = u.team(teamId);
  return verifiedDirectory(st.pinned, st.directory);
}

export async function createVault(
  u: Unlocked,
  teamId: string,
  name: string,
  breakGlass = false,
): Promise<string> {
  u.requireSession();
  const dir = directoryOf(u, teamId);
  const me = dir.get(u.userId);
  if (!me)
    throw new TesseraError(
      'forbidden',
      'your own keys are not confirmed in this team yet; sync, or ask an admin to confirm you',
    );
  const id = crypto.randomUUID();
  const key = newVaultKey();
  const nameBytes = utf8(name);
  const nameEnv = sealEnvelope(key, nameBytes, ad.vaultName(teamId, id, 1));
  const recipients = [me, ...[...dir.values()].filter((d) => d.role === 'owner' && d.userId !== u.userId)];
  const keyGrants = recipients.map((r) => makeGrant(u, teamId, id, 1, key, r, 'manage'));
  await u.http.request('POST', paths.vaults(teamId), { id, name: nameEnv, keyGrants, breakGlass }, ok);
  u.keyring.setVaultKey(id, 1, key);
  return id;
}

export function vaultName(u: Unlocked, teamId: string, vaultId: string): string | null {
  const v = u.team(teamId).vaults[vaultId];
  const key = v && u.keyring.vaultKey(v.id, v.generation);
  if (!v || !key) return null;
  const bytes = openEnvelope(key, v.name, ad.vaultName(teamId, v.id, v.generation));
  const name = fromUtf8(bytes);
  wipe(bytes);
  return name;
}

export function listVaults(u: Unlocked, teamId: string): VaultSummary[] {
  return Object.values(u.team(teamId).vaults).map((v) => {
    const name = vaultName(u, teamId, v.id);
    return {
      id: v.id,
      name: name ?? `(no key yet) ${v.id}`,
      role: v.role,
      generation: v.generation,
      breakGlass: v.breakGlass,
      readable: name !== null,
    };
  });
}

export function resolveVault(u: Unlocked, teamId: string, nameOrId: string): VaultSummary {
  const all = listVaults(u, teamId);
  const hits = all.filter((v) => v.id === nameOrId || (v.readable && v.name === nameOrId));
  if (hits.length === 0)
    throw new TesseraError('not_found', `no vault ${JSON.stringify(nameOrId)} you can read`);
  if (hits.length > 1)
    throw new TesseraError(
      'usage',
      `${hits.length} vaults are named ${JSON.stringify(nameOrId)}; use the vault id`,
    );
  return hits[0]!;
}

function requireVaultOp(v: VaultSummary, op: 'vault.share' | 'vault.rekey' | 'item.write') {
  if (!mayInVault(v.role, op))
    throw new TesseraError('forbidden', `your role ${v.role} on vault ${v.name} may not ${op}`);
}

/** Resolves "email" or "group name" to a principal, using the verified directory only. */
export async function resolvePrincipal(u: Unlocked, teamId: string, target: string) {
  if (target.includes('@')) {
    const entry = [...directoryOf(u, teamId).values()].find((d) => d.email === target.toLowerCase());
    if (!entry)
      throw new TesseraError(
        'not_found',
        `${target} is not a confirmed member of this team (confirm them first)`,
      );
    return { principal: { type: 'user', id: entry.userId } as Principal, members: [entry.userId] };
  }
  const { groups } = await u.http.request('GET', paths.groups(teamId), undefined, groupsReply);
  const g = groups.find((x) => x.name === target || x.id === target);
  if (!g) throw new TesseraError('not_found', `no group ${JSON.stringify(target)}`);
  return { principal: { type: 'group', id: g.id } as Principal, members: g.members };
}

export async function shareVault(
  u: Unlocked,
  teamId: string,
  vaultRef: string,
  target: string,
  role: VaultRole,
) {
  u.requireSession();
  const v = resolveVault(u, teamId, vaultRef);
  requireVaultOp(v, 'vault.share');
  const { principal, members } = await resolvePrincipal(u, teamId, target);
  const dir = directoryOf(u, teamId);
  const key = u.keyring.vaultKey(v.id, v.generation)!;
  const keyGrants = members.flatMap((m) => {
    const entry = dir.get(m);
    return entry && m !== u.userId ? [makeGrant(u, teamId, v.id, v.generation, key, entry, role)] : [];
  });
  await u.http.request('POST', paths.vaultAccess(teamId, v.id), { principal, role, keyGrants }, ok);
  return { vault: v.name, principal, sealedTo: keyGrants.length, pending: members.length - keyGrants.length };
}

export async function vaultAccess(u: Unlocked, teamId: string, vaultId: string) {
  u.requireSession();
  const { access } = await u.http.request(
    'GET',
    paths.vaultAccess(teamId, vaultId),
    undefined,
    vaultAccessReply,
  );
  return access;
}

/** Everyone who can read the vault, with their effective role, per the server's access list. */
export async function readersOf(u: Unlocked, teamId: string, vaultId: string, without?: Principal) {
  const [{ access }, { groups }] = await Promise.all([
    u.http.request('GET', paths.vaultAccess(teamId, vaultId), undefined, vaultAccessReply),
    u.http.request('GET', paths.groups(teamId), undefined, groupsReply),
  ]);
  const dir = directoryOf(u, teamId);
  const grantsByUser = new Map<string, VaultRole[]>();
  for (const a of access) {
    if (without && a.principal.type === without.type && a.principal.id === without.id) continue;
    const users =
      a.principal.type === 'user'
        ? [a.principal.id]
        : (groups.find((g) => g.id === a.principal.id)?.members ?? []);
    for (const user of users) grantsByUser.set(user, [...(grantsByUser.get(user) ?? []), a.role]);
  }
  for (const d of dir.values())
    if (d.role === 'owner' && !grantsByUser.has(d.userId)) grantsByUser.set(d.userId, []);
  const readers: { entry: DirectoryEntry; role: VaultRole }[] = [];
  for (const [user, roles] of grantsByUser) {
    const entry = dir.get(user);
    const role = effectiveVaultRole(entry?.role, roles);
    if (entry && role) readers.push({ entry, role });
  }
  return readers;
}

/** Removes a principal's access and re-keys the vault in one transaction. */
export async function unshareVault(u: Unlocked, teamId: string, vaultRef: string, target: string) {
  u.requireSession();
  const v = resolveVault(u, teamId, vaultRef);
  requireVaultOp(v, 'vault.rekey');
  const { principal } = await resolvePrincipal(u, teamId, target);
  const readers = await readersOf(u, teamId, v.id, principal);
  return rekey(u, teamId, v, readers, principal);
}

export async function rekey(
  u: Unlocked,
  teamId: string,
  v: VaultSummary,
  readers: { entry: DirectoryEntry; role: VaultRole }[],
  removeAccess?: Principal,
) {
  const st = u.team(teamId);
  const generation = v.generation + 1;
  const key = newVaultKey();
  const items: { id: string; version: number; envelope: ReturnType<typeof sealEnvelope> }[] = [];
  try {
    for (const rec of Object.values(st.items)) {
      if (rec.vault !== v.id) continue;
      const oldKey = u.keyring.vaultKey(v.id, rec.generation);
      if (!oldKey)
        throw new TesseraError('forbidden', `cannot re-key: no key for generation ${rec.generation}`);
      const plain = openEnvelope(
        oldKey,
        rec.envelope,
        ad.item(teamId, v.id, rec.id, rec.generation, rec.version),
      );
      const version = rec.version + 1;
      items.push({
        id: rec.id,
        version,
        envelope: sealEnvelope(key, plain, ad.item(teamId, v.id, rec.id, generation, version)),
      });
      wipe(plain);
    }
    const nameBytes = utf8(v.name);
    const name = sealEnvelope(key, nameBytes, ad.vaultName(teamId, v.id, generation));
    const keyGrants = readers.map((r) => makeGrant(u, teamId, v.id, generation, key, r.entry, r.role));
    await u.http.request(
      'POST',
      paths.vaultRekey(teamId, v.id),
      { generation, name, items, keyGrants, removeAccess },
      ok,
    );
    u.keyring.setVaultKey(v.id, generation, key);
    return {
      vault: v.name,
      generation,
      reencrypted: items.length,
      readers: readers.map((r) => r.entry.email),
    };
  } catch (e) {
    wipe(key);
    throw e;
  }
}

/** Seals the current key to readers who have none (new group members, late confirmations). */
export async function fulfilMissingKeys(u: Unlocked, teamId: string): Promise<number> {
  const dir = directoryOf(u, teamId);
  let sealed = 0;
  for (const v of listVaults(u, teamId)) {
    if (!v.readable || !mayInVault(v.role, 'vault.share')) continue;
    const { missingKeys } = await u.http.request(
      'GET',
      paths.vaultAccess(teamId, v.id),
      undefined,
      vaultAccessReply,
    );
    const key = u.keyring.vaultKey(v.id, v.generation)!;
    const keyGrants = missingKeys.flatMap((m) => {
      const entry = dir.get(m.userId);
      return entry ? [makeGrant(u, teamId, v.id, v.generation, key, entry, m.role)] : [];
    });
    if (keyGrants.length === 0) continue;
    await u.http.request('POST', paths.vaultKeys(teamId, v.id), { keyGrants }, ok);
    sealed += keyGrants.length;
  }
  return sealed;
}
