// Process: core (trusted Node side; never imports electron).
// Vaults and sharing, decided by the verified team chain (docs/design.md "The team chain"). A
// vault's generation, its readers and each member's role on it come from the chain; the
// server's record only carries the name envelope. Sharing is a `vault.grant` link plus the key
// delivered to the new readers; taking access away is a `vault.revoke` and a re-key, in one
// batch, so the server never holds a state in which the leaver could read new secrets.
// Renaming seals a new name envelope; deleting is a `vault.delete` link, after which the
// chain hides the vault everywhere.
import type { Principal } from '../../../shared/chain/links.ts';
import { rekeyPending, vaultRoleOf } from '../../../shared/chain/state.ts';
import { TesseraError } from '../../../shared/errors.ts';
import { didYouMean } from '../../../shared/suggest.ts';
import { ad } from '../../../shared/formats.ts';
import type { VaultView } from '../../../shared/ipc-results.ts';
import { mayInVault, type VaultRole } from '../../../shared/roles.ts';
import { decodeVaultLabel, encodeVaultLabel, type VaultLabel } from '../../../shared/vault-label.ts';
import { newVaultKey, openEnvelope, sealEnvelope, wipe } from '../crypto/index.ts';
import type { Unlocked } from '../profile/unlocked.ts';
import type { ChainBatch } from '../sync/chain-batch.ts';
import { deliverMissing, rekeyVault, sealTo } from './keys.ts';

export type VaultSummary = VaultView;

export function createVault(u: Unlocked, b: ChainBatch, label: VaultLabel): string {
  requireFreeName(u, b.teamId, label.name);
  const id = crypto.randomUUID();
  const key = newVaultKey();
  try {
    const readers = new Set([u.userId]);
    for (const m of b.state.members.values())
      if (m.status === 'confirmed' && m.role === 'owner') readers.add(m.user);
    const keys = sealTo(b, id, 1, key, [...readers].sort());
    b.add('vault.create', { vault: id, generation: 1, keys });
    const nameBytes = encodeVaultLabel(label);
    b.vaults.push({
      vault: id,
      generation: 1,
      name: sealEnvelope(key, nameBytes, ad.vaultName(b.teamId, id, 1)),
      items: [],
      // The server's record keeps a break-glass flag that nothing enforces yet; none is set.
      breakGlass: false,
    });
    wipe(nameBytes);
    return id;
  } finally {
    wipe(key);
  }
}

/** The vault's name and settings, if this client holds the key its stored record was sealed
 *  under. */
export function vaultLabel(u: Unlocked, teamId: string, vaultId: string): VaultLabel | null {
  const v = u.team(teamId).vaults[vaultId];
  const key = v && u.keyring.vaultKey(v.id, v.generation);
  if (!v || !key) return null;
  const bytes = openEnvelope(key, v.name, ad.vaultName(teamId, v.id, v.generation));
  const label = decodeVaultLabel(bytes);
  wipe(bytes);
  return label;
}

export function listVaults(u: Unlocked, teamId: string): VaultSummary[] {
  const st = u.team(teamId);
  const out: VaultSummary[] = [];
  for (const v of st.chain.vaults.values()) {
    const role = vaultRoleOf(st.chain, v, u.userId);
    if (!role || v.deleted) continue;
    const label = vaultLabel(u, teamId, v.id);
    const name = label?.name ?? null;
    // Readable only with the key of the chain's generation: writing under an older key would
    // hand new secrets to whoever a re-key shut out.
    const readable = name !== null && !!u.keyring.vaultKey(v.id, v.generation);
    out.push({
      id: v.id,
      name: name ?? `(no key yet) ${v.id}`,
      role,
      generation: v.generation,
      readable,
      ...(label?.rotateEveryDays ? { rotateEveryDays: label.rotateEveryDays } : {}),
      ...(v.breakglass ? { breakGlass: true as const } : {}),
    });
  }
  return out;
}

export function resolveVault(u: Unlocked, teamId: string, nameOrId: string): VaultSummary {
  const all = listVaults(u, teamId);
  const hits = all.filter((v) => v.id === nameOrId || (v.readable && v.name === nameOrId));
  if (hits.length === 0)
    throw new TesseraError(
      'not_found',
      `no vault ${JSON.stringify(nameOrId)} you can read${didYouMean(
        nameOrId,
        all.filter((v) => v.readable).map((v) => v.name),
      )}`,
    );
  if (hits.length > 1)
    throw new TesseraError(
      'usage',
      `${hits.length} vaults are named ${JSON.stringify(nameOrId)}; use one of their ids instead: ${hits.map((v) => v.id).join(', ')}`,
    );
  return hits[0]!;
}

const OP_WORDS = {
  'vault.share': 'share or unshare',
  'vault.rekey': 'unshare',
  'vault.manage': 'rename or delete',
} as const;

function requireVaultOp(v: VaultSummary, op: keyof typeof OP_WORDS) {
  if (!mayInVault(v.role, op))
    throw new TesseraError(
      'forbidden',
      `you may only ${v.role} vault ${v.name}; only someone who manages it may ${OP_WORDS[op]} it`,
    );
}

/**
 * Vault names are unique in a team, ignoring case. The server cannot see names, so this is
 * decided here, among the vaults this user can read: two members who cannot read each
 * other's vaults may still pick the same name (docs/design.md "Renaming and deleting a vault").
 */
function requireFreeName(u: Unlocked, teamId: string, name: string, except?: string): void {
  const wanted = name.toLowerCase();
  const taken = listVaults(u, teamId).find(
    (v) => v.readable && v.id !== except && v.name.toLowerCase() === wanted,
  );
  if (taken)
    throw new TesseraError(
      'conflict',
      `a vault named ${JSON.stringify(taken.name)} already exists in this team; pick another name`,
    );
}

export interface LabelChange {
  name?: string;
  /** null clears the vault's default interval. */
  rotateEveryDays?: number | null;
}

/** A new name envelope to send (a rename, a new default interval, or both), sealed under the
 *  vault's key at the chain's generation; what the change leaves out stays as it was. */
export function sealLabel(u: Unlocked, teamId: string, vaultRef: string, change: LabelChange) {
  const v = resolveVault(u, teamId, vaultRef);
  requireVaultOp(v, 'vault.manage');
  if (!v.readable)
    throw new TesseraError('forbidden', `vault ${v.id} cannot be changed until its key reaches you`);
  if (change.name !== undefined) requireFreeName(u, teamId, change.name, v.id);
  const was = vaultLabel(u, teamId, v.id)!;
  const label: VaultLabel = { name: change.name ?? was.name };
  const days = change.rotateEveryDays === undefined ? was.rotateEveryDays : change.rotateEveryDays;
  if (days) label.rotateEveryDays = days;
  const key = u.keyring.vaultKey(v.id, v.generation)!;
  const nameBytes = encodeVaultLabel(label);
  const name = sealEnvelope(key, nameBytes, ad.vaultName(teamId, v.id, v.generation));
  wipe(nameBytes);
  return { id: v.id, from: v.name, generation: v.generation, name, label };
}

/** `vault.delete`, refused while the vault still holds secrets unless `force` (the window
 *  asks first and then forces). `secrets` counts what this user sees in it. */
export function deleteVault(
  u: Unlocked,
  b: ChainBatch,
  vaultRef: string,
  secrets: (v: VaultSummary) => number,
  force: boolean,
) {
  const v = resolveVault(u, b.teamId, vaultRef);
  requireVaultOp(v, 'vault.manage');
  const count = secrets(v);
  if (count > 0 && !force)
    throw new TesseraError(
      'conflict',
      `vault ${v.name} still holds ${count} secret${count === 1 ? '' : 's'}; delete ${count === 1 ? 'it' : 'them'} first, or add --force to delete the vault with ${count === 1 ? 'it' : 'them'}`,
    );
  b.add('vault.delete', { vault: v.id });
  return { id: v.id, name: v.name, secrets: count };
}

/**
 * A member's email, a group's id or a group's name to a principal, from the verified chain
 * only. A group id is exact and always wins (the window passes ids, since two groups may share
 * a name); an email names a confirmed member, and a name with an "@" that is no member's email
 * may still be a group's. A name several groups carry is refused rather than guessed.
 */
export function resolvePrincipal(b: ChainBatch, target: string): Principal {
  if (b.state.groups.has(target)) return { kind: 'group', id: target };
  const named = [...b.state.groups].filter(([, g]) => g.name === target).map(([id]) => id);
  if (target.includes('@')) {
    const email = target.toLowerCase();
    const m = [...b.state.members.values()].find((x) => x.email === email && x.status === 'confirmed');
    if (m) return { kind: 'user', id: m.user };
    if (named.length === 0)
      throw new TesseraError(
        'not_found',
        `${target} is not a confirmed member of this team (confirm them first)`,
      );
  }
  if (named.length === 1) return { kind: 'group', id: named[0]! };
  if (named.length > 1)
    throw new TesseraError(
      'usage',
      `${named.length} groups are named ${JSON.stringify(target)}; use the group id`,
    );
  throw new TesseraError(
    'not_found',
    `no group ${JSON.stringify(target)} (to share with a person, give their email)`,
  );
}

export function shareVault(u: Unlocked, b: ChainBatch, vaultRef: string, target: string, role: VaultRole) {
  const v = resolveVault(u, b.teamId, vaultRef);
  requireVaultOp(v, 'vault.share');
  const principal = resolvePrincipal(b, target);
  b.add('vault.grant', { vault: v.id, principal, role });
  const sealedTo = deliverMissing(u, b, v.id);
  return { vault: v.name, principal, sealedTo };
}

/** The vault's grants as the chain records them, with the member's email or the group's name. */
export function vaultAccess(u: Unlocked, teamId: string, vaultId: string) {
  const chain = u.team(teamId).chain;
  const v = chain.vaults.get(vaultId);
  if (!v) throw new TesseraError('not_found', `vault ${vaultId} is not in this team`);
  return [...v.grants].map(([key, role]) => {
    const [kind, id] = key.split(':') as ['user' | 'group', string];
    const name = kind === 'user' ? (chain.members.get(id)?.email ?? id) : (chain.groups.get(id)?.name ?? id);
    return { principal: { type: kind, id }, role, name };
  });
}

/** Removes a principal's grant and, if anyone loses the key by it, re-keys in the same batch. */
export function unshareVault(u: Unlocked, b: ChainBatch, vaultRef: string, target: string) {
  const v = resolveVault(u, b.teamId, vaultRef);
  requireVaultOp(v, 'vault.rekey');
  const principal = resolvePrincipal(b, target);
  b.add('vault.revoke', { vault: v.id, principal });
  const chainVault = b.state.vaults.get(v.id)!;
  if (!rekeyPending(b.state, chainVault))
    return { vault: v.name, generation: v.generation, reencrypted: 0, readers: [] };
  const r = rekeyVault(u, b, v.id, vaultLabel(u, b.teamId, v.id) ?? { name: v.name });
  const emails = r.readers.map((id) => b.state.members.get(id)?.email ?? id);
  return { vault: v.name, generation: r.generation, reencrypted: r.reencrypted, readers: emails };
}
