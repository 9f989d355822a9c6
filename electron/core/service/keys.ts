// Process: core (trusted Node side; never imports electron).
// Key distribution, in one place for vaults and groups alike (docs/design.md "The team
// chain"): who gets a vault key is decided by the chain state the batch has reached, never by
// a server list. Sealing to a reader, delivering to readers who lack the key, and re-keying
// (new generation, every item re-encrypted, one link and one transaction) all live here.
import type { ReaderKey } from '../../../shared/chain/links.ts';
import { missingKeys, readersOf, rekeyPending, vaultRoleOf } from '../../../shared/chain/state.ts';
import { TesseraError } from '../../../shared/errors.ts';
import { ad } from '../../../shared/formats.ts';
import { mayInVault } from '../../../shared/roles.ts';
import { encodeVaultLabel, type VaultLabel } from '../../../shared/vault-label.ts';
import {
  hashSealedKey,
  newVaultKey,
  openEnvelope,
  sealEnvelope,
  sealVaultKey,
  wipe,
} from '../crypto/index.ts';
import type { Unlocked } from '../profile/unlocked.ts';
import type { ChainBatch } from '../sync/chain-batch.ts';
import { signVersion } from '../sync/push.ts';

/** Seals `key` to each user's box key as the chain records it, adding the sealed copies to the batch. */
export function sealTo(
  b: ChainBatch,
  vault: string,
  generation: number,
  key: Uint8Array,
  users: readonly string[],
): ReaderKey[] {
  return users.map((user) => {
    const m = b.state.members.get(user);
    if (!m) throw new TesseraError('internal', `no chain keys for ${user}`);
    const sealedKey = sealVaultKey(key, m.keys.boxPublicKey);
    b.keys.push({ vault, generation, user, sealedKey });
    return { user, keyHash: hashSealedKey(sealedKey) };
  });
}

/** Whether this user may re-key and deliver for the vault and holds its current key. */
export function canDistribute(u: Unlocked, b: ChainBatch, vaultId: string): boolean {
  const v = b.state.vaults.get(vaultId);
  return (
    !!v &&
    !v.deleted &&
    mayInVault(vaultRoleOf(b.state, v, u.userId), 'vault.rekey') &&
    !!u.keyring.vaultKey(v.id, v.generation)
  );
}

/** key.deliver to every entitled reader without the current key. Returns how many. */
export function deliverMissing(u: Unlocked, b: ChainBatch, vaultId: string): number {
  if (!canDistribute(u, b, vaultId)) return 0;
  const v = b.state.vaults.get(vaultId)!;
  const key = u.keyring.vaultKey(v.id, v.generation)!;
  const missing = missingKeys(b.state, v);
  for (const user of missing) {
    const [sealed] = sealTo(b, v.id, v.generation, key, [user]);
    b.add('key.deliver', { vault: v.id, generation: v.generation, user, keyHash: sealed!.keyHash });
  }
  return missing.length;
}

/** A new generation sealed to exactly the readers the batch's state entitles, with every item
 *  of the vault re-encrypted at version + 1 and the name under the new key. */
export function rekeyVault(u: Unlocked, b: ChainBatch, vaultId: string, label: VaultLabel) {
  const v = b.state.vaults.get(vaultId);
  if (!v) throw new TesseraError('not_found', `vault ${vaultId} is not in this team`);
  const st = u.team(b.teamId);
  const teamId = b.teamId;
  const generation = v.generation + 1;
  const key = newVaultKey();
  try {
    const items = Object.values(st.items)
      .filter((rec) => rec.vault === v.id)
      .map((rec) => {
        const oldKey = u.keyring.vaultKey(v.id, rec.generation);
        if (!oldKey)
          throw new TesseraError('forbidden', `cannot re-key: no key for generation ${rec.generation}`);
        const plain = openEnvelope(
          oldKey,
          rec.envelope,
          ad.item(teamId, v.id, rec.id, rec.generation, rec.version),
        );
        const version = rec.version + 1;
        const envelope = sealEnvelope(key, plain, ad.item(teamId, v.id, rec.id, generation, version));
        wipe(plain);
        const w = { vault: v.id, item: rec.id, version, generation, deleted: rec.deleted, envelope };
        return { id: rec.id, version, envelope, signature: signVersion(u, teamId, w) };
      });
    const nameBytes = encodeVaultLabel(label);
    const name = sealEnvelope(key, nameBytes, ad.vaultName(teamId, v.id, generation));
    wipe(nameBytes);
    const readers = readersOf(b.state, v);
    const keys = sealTo(b, v.id, generation, key, readers);
    b.add('vault.rekey', { vault: v.id, generation, keys });
    const rec = st.vaults[v.id];
    b.vaults.push({
      vault: v.id,
      generation,
      name,
      items,
      breakGlass: rec?.breakGlass ?? false,
      // The name above is the one this client last pulled: if a rename landed since, the
      // server refuses the batch as a conflict instead of putting the old name back.
      nameRevision: rec?.nameRevision ?? 0,
    });
    return { generation, reencrypted: items.length, readers };
  } finally {
    wipe(key);
  }
}

/** What a manager's routine sync completes: pending re-keys first, then missing keys. */
export function completeDistribution(
  u: Unlocked,
  b: ChainBatch,
  labelOf: (vault: string) => VaultLabel | null,
  now?: number,
) {
  const rekeyed: string[] = [];
  let delivered = 0;
  for (const v of [...b.state.vaults.values()]) {
    if (!canDistribute(u, b, v.id)) continue;
    const label = labelOf(v.id);
    if (rekeyPending(b.state, v, now) && label !== null) {
      rekeyVault(u, b, v.id, label);
      rekeyed.push(label.name);
    } else delivered += deliverMissing(u, b, v.id);
  }
  return { rekeyed, delivered };
}
