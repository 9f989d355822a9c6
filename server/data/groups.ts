// Process: server (team server; plain Node).
// Groups: named sets of members that can hold vault grants. A group member's revision is kept
// so a sync knows when someone gained a vault through a group and sends them all of it.
import type { Queryable } from '../db.ts';

export async function insertGroup(
  q: Queryable,
  g: { id: string; team: string; name: string },
): Promise<boolean> {
  const r = await q.query(
    'INSERT INTO groups (id, team_id, name) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING id',
    [g.id, g.team, g.name],
  );
  return r.rows.length === 1;
}

export async function groupInTeam(q: Queryable, team: string, group: string) {
  const r = await q.query<{ id: string; name: string }>(
    'SELECT id, name FROM groups WHERE id = $1 AND team_id = $2',
    [group, team],
  );
  return r.rows[0] ?? null;
}

export async function addGroupMember(
  q: Queryable,
  group: string,
  user: string,
  revision: number,
): Promise<boolean> {
  const r = await q.query(
    'INSERT INTO group_members (group_id, user_id, revision) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING user_id',
    [group, user, revision],
  );
  return r.rows.length === 1;
}

export async function removeGroupMember(q: Queryable, group: string, user: string): Promise<boolean> {
  const r = await q.query(
    'DELETE FROM group_members WHERE group_id = $1 AND user_id = $2 RETURNING user_id',
    [group, user],
  );
  return r.rows.length === 1;
}
