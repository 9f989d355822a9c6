// Process: server (team server; plain Node).
// Sealed vault keys. The server cannot open a seal, but it stores a key only together with the
// chain link that records its hash (key.deliver, vault.create, vault.rekey), having checked
// the hash itself, so every stored key is one some authorised member vouched for. Keys are
// kept per (vault, generation, recipient) after a re-key so history stays readable.
import type { MyKey, SealedKey } from '../../shared/api.ts';
import type { Queryable } from '../db.ts';

export async function storeKeys(
  q: Queryable,
  keys: readonly (SealedKey & { granter: string; seq: number })[],
  revision: number,
): Promise<void> {
  if (keys.length === 0) return;
  const rows = keys.map((k) => ({
    vault: k.vault,
    generation: k.generation,
    recipient: k.user,
    sealed_key: k.sealedKey,
    granter: k.granter,
    seq: k.seq,
  }));
  await q.query(
    `INSERT INTO key_grants (vault_id, generation, recipient, sealed_key, granter, seq, revision)
     SELECT x.vault, x.generation, x.recipient, x.sealed_key, x.granter, x.seq, $2
       FROM jsonb_to_recordset($1::jsonb)
         AS x(vault uuid, generation bigint, recipient uuid, sealed_key text, granter uuid, seq bigint)`,
    [JSON.stringify(rows), revision],
  );
}

/** Every key sealed to `user` in these vaults, all generations. */
export async function keysFor(q: Queryable, user: string, vaults: readonly string[]): Promise<MyKey[]> {
  if (vaults.length === 0) return [];
  const r = await q.query<{ vault_id: string; generation: number; sealed_key: string }>(
    `SELECT vault_id, generation, sealed_key FROM key_grants
      WHERE recipient = $1 AND vault_id IN (SELECT value::uuid FROM jsonb_array_elements_text($2::jsonb))
      ORDER BY vault_id, generation`,
    [user, JSON.stringify(vaults)],
  );
  return r.rows.map((k) => ({
    vault: k.vault_id,
    generation: Number(k.generation),
    sealedKey: k.sealed_key,
  }));
}
