// Process: server (team server; plain Node).
// "Changes since N" for one member. Items changed after N in every vault the member may read,
// plus every item of a vault they gained access to after N (a fresh share, a group add, a
// confirmation), so a delta sync never leaves a hole (docs/design.md, "Flows"). Run it inside
// db.snapshot() (one READ ONLY, REPEATABLE READ transaction): the team revision and the rows
// then come from one snapshot. A pull is the most frequent request a server answers, so it
// reads in four statements after the membership check: the team with its vaults and the
// caller's grants on them, the items, the keys sealed to the caller, the new chain links. Who may read a vault is
// decided here, by shared/roles.ts, never in SQL (docs/design.md, "Roles").
import type { ChangesReply, VaultRecord } from '../../shared/api.ts';
import { mayInVault, standingVaultRole, type VaultRole } from '../../shared/roles.ts';
import type { Member } from '../access.ts';
import type { Queryable } from '../db.ts';
import { linksAfter } from './chain.ts';
import { keysFor } from './grants.ts';
import { ITEM_COLUMNS, type ItemRow, toItemRecord } from './items.ts';

/** The team, repeated on every row; a team without vaults gives one row with no vault. */
interface TeamVaultRow {
  team_revision: number;
  chain_seq: number;
  id: string | null;
  name: VaultRecord['name'];
  generation: number;
  break_glass: boolean;
  revision: number;
  name_revision: number;
  /** One of the caller's grants on this vault, direct or through a group; null: none. */
  role: VaultRole | null;
  /** When the caller gained that grant: the grant's revision, or the group add's if later. */
  gained: number | null;
}

// Every vault of the team a `vault.delete` has not ended, once per grant the caller holds on it (a direct grant to $2, or a
// grant to a group $2 belongs to), or once with no grant. Plain joins on primary keys: on
// PGlite this plans and runs faster than three separate lookups or a lateral join.
const TEAM_VAULTS = `
  SELECT t.revision AS team_revision, t.chain_seq,
         v.id, v.name, v.generation, v.break_glass, v.revision, v.name_revision,
         va.role, greatest(va.revision, gm.revision) AS gained
    FROM teams t
    LEFT JOIN vaults v ON v.team_id = t.id AND v.deleted_at IS NULL
    LEFT JOIN (vault_access va
               LEFT JOIN group_members gm
                 ON va.principal_type = 'group' AND gm.group_id = va.principal_id AND gm.user_id = $2)
      ON va.vault_id = v.id
     AND ((va.principal_type = 'user' AND va.principal_id = $2) OR gm.user_id IS NOT NULL)
   WHERE t.id = $1
   ORDER BY v.created_at, v.id`;

const CHANGED = `SELECT ${ITEM_COLUMNS} FROM items
   WHERE team_id = $1 AND revision > $3
     AND vault_id IN (SELECT value::uuid FROM jsonb_array_elements_text($2::jsonb))`;
// The caller's own re-key, which it just sent and holds: its rows at that one revision are
// left out, so the pull after a re-key does not carry every item of the vault back.
const NOT_OWN = ' AND NOT (revision = $4 AND updated_by = $5)';
/** Items of the vaults in parameter $n (the vaults the caller just gained). */
const gainedIn = (n: number) => `SELECT ${ITEM_COLUMNS} FROM items
   WHERE team_id = $1 AND revision <= $3
     AND vault_id IN (SELECT value::uuid FROM jsonb_array_elements_text($${n}::jsonb))`;

export async function changesSince(
  tx: Queryable,
  m: Member,
  since: number,
  seq: number,
  own = 0,
): Promise<ChangesReply> {
  const rows = (await tx.query<TeamVaultRow>(TEAM_VAULTS, [m.teamId, m.userId])).rows;
  const team = rows[0];
  if (!team) throw new Error('team vanished');

  const byVault = new Map<string, { vault: TeamVaultRow; roles: VaultRole[]; gained: number }>();
  for (const r of rows) {
    if (r.id === null) continue;
    const g = byVault.get(r.id) ?? { vault: r, roles: [], gained: 0 };
    if (r.role) g.roles.push(r.role);
    g.gained = Math.max(g.gained, Number(r.gained ?? 0));
    byVault.set(r.id, g);
  }

  const readable: VaultRecord[] = [];
  const full: string[] = [];
  for (const [id, { vault: v, roles, gained }] of byVault) {
    const role = standingVaultRole(m.role, roles, v.break_glass);
    if (!mayInVault(role, 'item.read')) continue;
    readable.push({
      id,
      name: v.name,
      generation: Number(v.generation),
      breakGlass: v.break_glass,
      revision: Number(v.revision),
      nameRevision: Number(v.name_revision),
    });
    if (Math.max(m.revision, gained) > since) full.push(id);
  }
  const ids = readable.map((v) => v.id);
  // Two index-friendly halves instead of one OR (which forced a scan of every team row):
  // what changed after `since`, plus everything older in vaults the caller just gained. The
  // second half is left out when there is no such vault, as in most delta pulls.
  // The caller's own rows are left out only after `since`: one at or before it was pulled already.
  const skip = own > since;
  const changed = skip ? CHANGED + NOT_OWN : CHANGED;
  const params: unknown[] = [m.teamId, JSON.stringify(ids), since];
  if (skip) params.push(own, m.userId);
  const gained = gainedIn(params.length + 1);
  const items = ids.length
    ? await tx.query<ItemRow>(
        full.length
          ? `${changed} UNION ALL ${gained} ORDER BY revision, id`
          : `${changed} ORDER BY revision, id`,
        full.length ? [...params, JSON.stringify(full)] : params,
      )
    : { rows: [] };

  return {
    revision: Number(team.team_revision),
    items: items.rows.map(toItemRecord),
    vaults: readable,
    keys: await keysFor(tx, m.userId, ids),
    chain: { seq: Number(team.chain_seq), links: await linksAfter(tx, m.teamId, seq) },
  };
}
