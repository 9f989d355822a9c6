// Process: server (team server; plain Node).
// "Rotation required" flags in the database (docs/design.md "Rotation reminders"): stored as
// their authors signed them, listed per vault, and settled (deleted) when the item is rotated.
// Facts only; who may do what is decided by the routes through shared/roles.ts.
import type { VaultRole } from '../../shared/roles.ts';
import type { Member } from '../access.ts';
import type { Queryable } from '../db.ts';

export interface FlagRow {
  vault: string;
  item: string;
  author: string;
  reason: string;
  at: string;
  signature: string;
  /** When the server stored it: its own clock, unsigned, what a settle compares with. */
  storedAt: Date;
}

export async function itemInVault(q: Queryable, vault: string, item: string): Promise<boolean> {
  const r = await q.query('SELECT 1 FROM items WHERE id = $1 AND vault_id = $2', [item, vault]);
  return r.rows.length === 1;
}

/** The author's flag on the item, replacing one they made before. */
export async function putFlag(q: Queryable, f: Omit<FlagRow, 'storedAt'> & { team: string }): Promise<void> {
  await q.query(
    `INSERT INTO rotation_flags (team_id, vault_id, item_id, author_id, reason, flagged_at, signature)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (item_id, author_id) DO UPDATE
       SET vault_id = EXCLUDED.vault_id, reason = EXCLUDED.reason, flagged_at = EXCLUDED.flagged_at,
           signature = EXCLUDED.signature, stored_at = now()`,
    [f.team, f.vault, f.item, f.author, f.reason, f.at, f.signature],
  );
}

/** Deletes the item's flags stored at or before `before`, the server's time of the version
 *  that rotated it: one clock on both sides, whatever the flaggers' and the rotator's clocks
 *  say. A flag stored after it asks for another rotation and stays. */
export async function settleFlags(
  q: Queryable,
  vault: string,
  item: string,
  before: string,
): Promise<number> {
  const r = await q.query(
    `DELETE FROM rotation_flags
      WHERE vault_id = $1 AND item_id = $2 AND date_trunc('milliseconds', stored_at) <= $3::timestamptz
      RETURNING item_id`,
    [vault, item, before],
  );
  return r.rows.length;
}

/** Every live vault of the team with the caller's grants on it (direct or through a group),
 *  and whether it is break-glass (no standing readers but owners). */
export async function vaultGrantsOf(
  q: Queryable,
  m: Member,
): Promise<Map<string, { roles: VaultRole[]; breakGlass: boolean }>> {
  const r = await q.query<{ id: string; break_glass: boolean; role: VaultRole | null }>(
    `SELECT v.id, v.break_glass, va.role FROM vaults v
       LEFT JOIN vault_access va ON va.vault_id = v.id AND (
         (va.principal_type = 'user' AND va.principal_id = $2) OR
         (va.principal_type = 'group' AND va.principal_id IN (SELECT group_id FROM group_members WHERE user_id = $2)))
      WHERE v.team_id = $1 AND v.deleted_at IS NULL`,
    [m.teamId, m.userId],
  );
  const out = new Map<string, { roles: VaultRole[]; breakGlass: boolean }>();
  for (const row of r.rows) {
    const v = out.get(row.id) ?? { roles: [], breakGlass: row.break_glass };
    if (row.role) v.roles.push(row.role);
    out.set(row.id, v);
  }
  return out;
}

export async function flagsIn(q: Queryable, team: string, vaults: readonly string[]): Promise<FlagRow[]> {
  if (vaults.length === 0) return [];
  const r = await q.query<FlagRow>(
    `SELECT vault_id AS vault, item_id AS item, author_id AS author, reason, flagged_at AS at, signature,
            stored_at AS "storedAt"
       FROM rotation_flags
      WHERE team_id = $1 AND vault_id IN (SELECT value::uuid FROM jsonb_array_elements_text($2::jsonb))
      ORDER BY stored_at, item_id, author_id`,
    [team, JSON.stringify(vaults)],
  );
  return r.rows;
}
