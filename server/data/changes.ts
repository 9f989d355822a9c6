// Process: server (team server; plain Node).
// "Changes since N" for one member. Items changed after N in every vault the member may read,
// plus every item of a vault they gained access to after N (a fresh share, a group add, a
// confirmation), so a delta sync never leaves a hole. Run it inside a REPEATABLE READ
// transaction: the team revision and the rows then come from one snapshot.
import type { ChangesReply, VaultRecord } from '../../shared/api.ts';
import { effectiveVaultRole, mayInVault, type VaultRole } from '../../shared/roles.ts';
import type { Member } from '../access.ts';
import type { Queryable } from '../db.ts';
import { grantsIn } from './grants.ts';
import { ITEM_COLUMNS, type ItemRow, toItemRecord } from './items.ts';
import { directory, teamInfo, teamRow } from './teams.ts';

interface VaultDbRow {
  id: string;
  name: VaultRecord['name'];
  generation: number;
  break_glass: boolean;
  revision: number;
}

export async function changesSince(tx: Queryable, m: Member, since: number): Promise<ChangesReply> {
  const team = await teamRow(tx, m.teamId);
  if (!team) throw new Error('team vanished');
  const vaults = await tx.query<VaultDbRow>(
    'SELECT id, name, generation, break_glass, revision FROM vaults WHERE team_id = $1 ORDER BY created_at, id',
    [m.teamId],
  );
  const access = await tx.query<{ vault_id: string; role: VaultRole; revision: number; via: number | null }>(
    `SELECT va.vault_id, va.role, va.revision, gm.revision AS via
       FROM vault_access va JOIN vaults v ON v.id = va.vault_id
       LEFT JOIN group_members gm ON va.principal_type = 'group' AND gm.group_id = va.principal_id AND gm.user_id = $2
      WHERE v.team_id = $1 AND ((va.principal_type = 'user' AND va.principal_id = $2) OR gm.user_id IS NOT NULL)`,
    [m.teamId, m.userId],
  );
  const roles = new Map<string, VaultRole[]>();
  const gained = new Map<string, number>();
  for (const a of access.rows) {
    roles.set(a.vault_id, [...(roles.get(a.vault_id) ?? []), a.role]);
    const at = Math.max(Number(a.revision), Number(a.via ?? 0), gained.get(a.vault_id) ?? 0);
    gained.set(a.vault_id, at);
  }

  const readable: VaultRecord[] = [];
  const full: string[] = [];
  for (const v of vaults.rows) {
    const role = effectiveVaultRole(m.role, roles.get(v.id) ?? []);
    if (!mayInVault(role, 'item.read')) continue;
    readable.push({
      id: v.id,
      name: v.name,
      generation: Number(v.generation),
      role: role!,
      breakGlass: v.break_glass,
      revision: Number(v.revision),
    });
    if (Math.max(m.revision, gained.get(v.id) ?? 0) > since) full.push(v.id);
  }
  const ids = readable.map((v) => v.id);
  // Two index-friendly halves instead of one OR (which forced a scan of every team row):
  // what changed after `since`, plus everything older in vaults the caller just gained.
  const items = ids.length
    ? await tx.query<ItemRow>(
        `SELECT ${ITEM_COLUMNS} FROM items
          WHERE team_id = $1 AND revision > $3
            AND vault_id IN (SELECT value::uuid FROM jsonb_array_elements_text($2::jsonb))
         UNION ALL
         SELECT ${ITEM_COLUMNS} FROM items
          WHERE team_id = $1 AND revision <= $3
            AND vault_id IN (SELECT value::uuid FROM jsonb_array_elements_text($4::jsonb))
          ORDER BY revision, id`,
        [m.teamId, JSON.stringify(ids), since, JSON.stringify(full)],
      )
    : { rows: [] };

  return {
    revision: team.revision,
    items: items.rows.map(toItemRecord),
    vaults: readable,
    keyGrants: await grantsIn(tx, ids),
    directory: await directory(tx, m.teamId),
    team: teamInfo(team),
  };
}
