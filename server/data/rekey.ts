// Process: server (team server; plain Node).
// The items half of a re-key (docs/design.md "The team chain"): every current item of the
// vault re-encrypted at version + 1 under the new generation, in the transaction that appends
// the `vault.rekey` link. Any mismatch throws and the whole batch rolls back, so a vault is
// never left half on the old key.
import type { VaultPayload } from '../../shared/api.ts';
import { TesseraError } from '../../shared/errors.ts';
import type { Queryable } from '../db.ts';
import { recordVersions } from './items.ts';
import { stampVault } from './vaults.ts';

function checkItems(current: Map<string, number>, items: VaultPayload['items']): void {
  const seen = new Set<string>();
  for (const it of items) {
    const id = it.id.toLowerCase();
    const cur = current.get(id);
    if (cur === undefined) throw new TesseraError('conflict', `item ${id} is not in this vault`);
    if (seen.has(id)) throw new TesseraError('conflict', `item ${id} appears twice`);
    seen.add(id);
    if (it.version !== cur + 1) {
      throw new TesseraError(
        'conflict',
        `item ${id} is at version ${cur}; the re-key must write version ${cur + 1}`,
      );
    }
  }
  for (const id of current.keys()) {
    if (!seen.has(id))
      throw new TesseraError('conflict', `item ${id} is missing from the re-key; sync and retry`);
  }
}

export async function rekeyItems(
  tx: Queryable,
  p: VaultPayload,
  caller: string,
  revision: number,
): Promise<void> {
  const rows = await tx.query<{ id: string; version: number }>(
    'SELECT id, version FROM items WHERE vault_id = $1 FOR UPDATE',
    [p.vault],
  );
  checkItems(new Map(rows.rows.map((r) => [r.id, Number(r.version)])), p.items);
  await stampVault(tx, p.vault, revision, { name: p.name, generation: p.generation });
  if (p.items.length) {
    await tx.query(
      `UPDATE items AS i SET version = x.version, generation = $3, envelope = x.envelope, revision = $4,
              updated_by = $5, updated_at = now(), signature = x.signature
         FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, version bigint, envelope jsonb, signature text)
        WHERE i.id = x.id AND i.vault_id = $2`,
      [JSON.stringify(p.items), p.vault, p.generation, revision, caller],
    );
    await recordVersions(tx, p.vault, revision);
  }
}
