// Process: server (team server; plain Node).
// Re-key (DESIGN §3): generation N+1, every item re-encrypted, the new key sealed to exactly
// the users who keep access, one principal's access optionally removed, all in the caller's
// transaction. Any mismatch throws before or during the writes and the whole change rolls
// back, so a vault is never left half on the old key.
import type { z } from 'zod';
import type { rekeyVaultBody } from '../../shared/api.ts';
import { TesseraError } from '../../shared/errors.ts';
import { type VaultRow, vaultReaders } from '../access.ts';
import type { Queryable } from '../db.ts';
import { checkGrants, storeGrants } from './grants.ts';
import { recordVersions } from './items.ts';
import { deleteAccess, stampVault } from './vaults.ts';

export interface Rekey {
  team: string;
  vault: VaultRow;
  body: z.infer<typeof rekeyVaultBody>;
  caller: string;
  revision: number;
}

function checkItems(current: Map<string, number>, items: Rekey['body']['items']): void {
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

async function emailsOf(tx: Queryable, team: string, users: string[]): Promise<string> {
  const r = await tx.query<{ email: string }>(
    `SELECT email FROM memberships WHERE team_id = $1
        AND user_id IN (SELECT value::uuid FROM jsonb_array_elements_text($2::jsonb)) ORDER BY email`,
    [team, JSON.stringify(users)],
  );
  return r.rows.map((x) => x.email).join(', ');
}

export async function rekeyVault(tx: Queryable, k: Rekey): Promise<void> {
  const { body, vault } = k;
  if (body.generation !== vault.generation + 1) {
    throw new TesseraError('conflict', `generation must be ${vault.generation + 1}; sync and retry`);
  }
  if (body.removeAccess && !(await deleteAccess(tx, vault.id, body.removeAccess))) {
    throw new TesseraError(
      'not_found',
      `${body.removeAccess.type} ${body.removeAccess.id} has no access to remove`,
    );
  }
  const rows = await tx.query<{ id: string; version: number }>(
    'SELECT id, version FROM items WHERE vault_id = $1 FOR UPDATE',
    [vault.id],
  );
  checkItems(new Map(rows.rows.map((r) => [r.id, Number(r.version)])), body.items);

  const readers = await vaultReaders(tx, k.team, vault.id);
  checkGrants(body.keyGrants, { generation: body.generation, granter: k.caller, readers });
  const covered = new Set(body.keyGrants.map((g) => g.recipient.toLowerCase()));
  const missing = [...readers.keys()].filter((u) => !covered.has(u));
  if (missing.length) {
    throw new TesseraError(
      'bad_request',
      `keyGrants: no key for ${await emailsOf(tx, k.team, missing)}, who keep access`,
    );
  }

  await stampVault(tx, vault.id, k.revision, { name: body.name, generation: body.generation });
  if (body.items.length) {
    await tx.query(
      `UPDATE items AS i SET version = x.version, generation = $3, envelope = x.envelope, revision = $4,
              updated_by = $5, updated_at = now()
         FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, version bigint, envelope jsonb)
        WHERE i.id = x.id AND i.vault_id = $2`,
      [JSON.stringify(body.items), vault.id, body.generation, k.revision, k.caller],
    );
    await recordVersions(tx, vault.id, k.revision);
  }
  await storeGrants(tx, vault.id, body.keyGrants, k.revision);
}
