// Process: server (team server; plain Node).
// Vaults and who may open them, as projected from the team chain. A vault's name is an
// envelope the server cannot read; access rows name a user or a group and a vault role. Each
// row carries the revision it was granted at, so a sync can tell a member who just gained a
// vault to fetch all of it. A deleted vault keeps its rows, marked with deleted_at.
import type { Envelope } from '../../shared/formats.ts';
import type { VaultRole } from '../../shared/roles.ts';
import type { Queryable } from '../db.ts';

export interface Principal {
  type: 'user' | 'group';
  id: string;
}

export async function insertVault(
  q: Queryable,
  v: { id: string; team: string; name: unknown; breakGlass: boolean; createdBy: string; revision: number },
): Promise<boolean> {
  const r = await q.query(
    `INSERT INTO vaults (id, team_id, name, generation, break_glass, revision, created_by)
     VALUES ($1, $2, $3::jsonb, 1, $4, $5, $6) ON CONFLICT (id) DO NOTHING RETURNING id`,
    [v.id, v.team, JSON.stringify(v.name), v.breakGlass, v.revision, v.createdBy],
  );
  return r.rows.length === 1;
}

export async function upsertAccess(
  q: Queryable,
  vault: string,
  p: Principal,
  role: VaultRole,
  revision: number,
) {
  await q.query(
    `INSERT INTO vault_access (vault_id, principal_type, principal_id, role, revision) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (vault_id, principal_type, principal_id) DO UPDATE SET role = EXCLUDED.role, revision = EXCLUDED.revision`,
    [vault, p.type, p.id, role, revision],
  );
}

export async function deleteAccess(q: Queryable, vault: string, p: Principal): Promise<boolean> {
  const r = await q.query(
    'DELETE FROM vault_access WHERE vault_id = $1 AND principal_type = $2 AND principal_id = $3 RETURNING role',
    [vault, p.type, p.id],
  );
  return r.rows.length === 1;
}

export async function stampVault(
  q: Queryable,
  vault: string,
  revision: number,
  change?: { name: Envelope; generation: number },
) {
  if (change) {
    await q.query('UPDATE vaults SET revision = $2, name = $3::jsonb, generation = $4 WHERE id = $1', [
      vault,
      revision,
      JSON.stringify(change.name),
      change.generation,
    ]);
  } else {
    await q.query('UPDATE vaults SET revision = $2 WHERE id = $1', [vault, revision]);
  }
}

/** A rename: the new name envelope at the vault's current generation, in one conditional
 *  statement, so a re-key committed first makes it a conflict rather than a name under a
 *  retired key. The server cannot read either name; the client checks it authenticates. */
export async function renameVault(
  q: Queryable,
  vault: string,
  generation: number,
  name: Envelope,
  revision: number,
): Promise<boolean> {
  const r = await q.query(
    `UPDATE vaults SET name = $3::jsonb, revision = $4, name_revision = $4
      WHERE id = $1 AND generation = $2 AND deleted_at IS NULL RETURNING id`,
    [vault, generation, JSON.stringify(name), revision],
  );
  return r.rows.length === 1;
}

/** `vault.delete`: the row stays (nothing is destroyed), but it is no longer served or written. */
export async function markVaultDeleted(q: Queryable, vault: string, revision: number): Promise<void> {
  await q.query('UPDATE vaults SET deleted_at = now(), revision = $2 WHERE id = $1', [vault, revision]);
}

/** The revision the name was last renamed at, to compare with a re-key's `nameRevision`. */
export async function nameRevisionOf(q: Queryable, vault: string): Promise<number> {
  const r = await q.query<{ name_revision: number }>('SELECT name_revision FROM vaults WHERE id = $1', [
    vault,
  ]);
  return Number(r.rows[0]?.name_revision ?? 0);
}
