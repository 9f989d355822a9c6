// Process: server (team server; plain Node).
// Items and their history. A write succeeds only if the stored version is the one the writer
// started from, decided by a single conditional statement (never read-then-write), so two
// concurrent writers cannot both win. Every accepted write also lands in item_versions,
// which is what "previous versions stay readable for rollback" reads from.
import type { ItemRecord } from '../../shared/api.ts';
import type { Envelope } from '../../shared/formats.ts';
import { TesseraError } from '../../shared/errors.ts';
import type { Queryable } from '../db.ts';

export interface ItemRow {
  id: string;
  vault_id: string;
  version: number;
  generation: number;
  envelope: Envelope;
  deleted: boolean;
  revision: number;
  updated_by: string;
  updated_at: Date | string;
  signature: string | null;
}

export const ITEM_COLUMNS =
  'id, vault_id, version, generation, envelope, deleted, revision, updated_by, updated_at, signature';

export function toItemRecord(r: ItemRow): ItemRecord {
  return {
    id: r.id,
    vault: r.vault_id,
    version: Number(r.version),
    generation: Number(r.generation),
    envelope: r.envelope,
    deleted: r.deleted,
    revision: Number(r.revision),
    updatedBy: r.updated_by,
    updatedAt: new Date(r.updated_at).toISOString(),
    ...(r.signature ? { signature: r.signature } : {}),
  };
}

export interface ItemWrite {
  id: string;
  vault: string;
  team: string;
  baseVersion: number;
  version: number;
  generation: number;
  envelope: Envelope;
  deleted: boolean;
  signature: string;
  by: string;
  revision: number;
}

export async function putItem(tx: Queryable, w: ItemWrite): Promise<void> {
  const env = JSON.stringify(w.envelope);
  const r =
    w.baseVersion === 0
      ? await tx.query(
          `INSERT INTO items (id, vault_id, team_id, version, generation, envelope, deleted, revision, updated_by, signature)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING RETURNING id`,
          [w.id, w.vault, w.team, w.version, w.generation, env, w.deleted, w.revision, w.by, w.signature],
        )
      : await tx.query(
          `UPDATE items SET version = $4, generation = $5, envelope = $6::jsonb, deleted = $7, revision = $8,
                  updated_by = $9, updated_at = now(), signature = $10
            WHERE id = $1 AND vault_id = $2 AND version = $3 RETURNING id`,
          [
            w.id,
            w.vault,
            w.baseVersion,
            w.version,
            w.generation,
            env,
            w.deleted,
            w.revision,
            w.by,
            w.signature,
          ],
        );
  if (r.rows.length === 0) {
    // Why the write was refused is looked up in the writer's own vault only. Item ids are
    // global (one primary key for all teams), so an id taken by an item in another vault, of
    // this team or any other, must be refused; it is refused with the very answer a write at
    // an id that exists nowhere gets (404 "item not found"), never the other item's version,
    // vault or team, nor any hint that it lives elsewhere. What cannot be hidden while ids are
    // global: a create (baseVersion 0) at a free id succeeds where one at a taken id does not,
    // so someone who already holds an item id can learn that it is in use somewhere. Ids are
    // random UUIDs made by clients, so that needs the id itself; it tells nothing more, and an
    // honest client never meets it (a collision of random UUIDs).
    const cur = await tx.query<ItemRow>(`SELECT ${ITEM_COLUMNS} FROM items WHERE id = $1 AND vault_id = $2`, [
      w.id,
      w.vault,
    ]);
    const row = cur.rows[0];
    if (!row) throw new TesseraError('not_found', 'item not found');
    throw new TesseraError(
      'conflict',
      `item changed meanwhile: it is at version ${row.version}, not ${w.baseVersion}`,
      toItemRecord(row),
    );
  }
  await recordVersions(tx, w.vault, w.revision, w.id);
}

/** Copies the current state of items written at `revision` into their history. */
export async function recordVersions(
  tx: Queryable,
  vault: string,
  revision: number,
  item?: string,
): Promise<void> {
  await tx.query(
    `INSERT INTO item_versions (item_id, version, generation, envelope, deleted, revision, created_by, created_at, signature)
     SELECT id, version, generation, envelope, deleted, revision, updated_by, updated_at, signature FROM items
      WHERE vault_id = $1 AND revision = $2 AND ($3::uuid IS NULL OR id = $3::uuid)`,
    [vault, revision, item ?? null],
  );
}

export async function itemVersions(q: Queryable, vault: string, item: string): Promise<ItemRecord[] | null> {
  const r = await q.query<ItemRow>(
    `SELECT v.item_id AS id, i.vault_id, v.version, v.generation, v.envelope, v.deleted, v.revision,
            v.created_by AS updated_by, v.created_at AS updated_at, v.signature
       FROM item_versions v JOIN items i ON i.id = v.item_id
      WHERE v.item_id = $1 AND i.vault_id = $2 ORDER BY v.version`,
    [item, vault],
  );
  return r.rows.length ? r.rows.map(toItemRecord) : null;
}
