// Process: server (team server; plain Node).
// Teams and memberships, the server's projection of the team chain. A membership is keyed by
// email from the invitation on; the user id and the keys the user published attach when they
// accept, and `confirmed` when a `member.confirm` link vouches for exactly those keys.
import type { Member, TeamInfo } from '../../shared/api.ts';
import type { PublicKeyset } from '../../shared/formats.ts';
import type { TeamRole } from '../../shared/roles.ts';
import type { MemberStatus } from '../access.ts';
import type { Queryable } from '../db.ts';

export async function insertTeam(
  q: Queryable,
  t: { id: string; name: string; createdBy: string; chainState: unknown },
): Promise<number | null> {
  const r = await q.query<{ revision: number }>(
    `INSERT INTO teams (id, name, created_by, revision, chain_state, chain_seq)
     VALUES ($1, $2, $3, nextval('revision_seq'), $4::jsonb, 1) ON CONFLICT (id) DO NOTHING RETURNING revision`,
    [t.id, t.name, t.createdBy, JSON.stringify(t.chainState)],
  );
  return r.rows[0] ? Number(r.rows[0].revision) : null;
}

export async function teamInfo(q: Queryable, team: string): Promise<TeamInfo | null> {
  const r = await q.query<{ id: string; name: string }>('SELECT id, name FROM teams WHERE id = $1', [team]);
  return r.rows[0] ?? null;
}

/** An invitation, also for an email whose earlier membership ended (removed, or re-invited). */
export async function upsertInvitation(
  q: Queryable,
  m: { team: string; email: string; role: TeamRole; invitedBy: string; revision: number },
): Promise<void> {
  await q.query(
    `INSERT INTO memberships (team_id, email, user_id, role, status, keys, invited_by, revision)
     VALUES ($1, $2, NULL, $3, 'invited', NULL, $4, $5)
     ON CONFLICT (team_id, email) DO UPDATE SET user_id = NULL, role = EXCLUDED.role, status = 'invited',
       keys = NULL, invited_by = EXCLUDED.invited_by, revision = EXCLUDED.revision`,
    [m.team, m.email, m.role, m.invitedBy, m.revision],
  );
}

/** A withdrawn invitation (`member.uninvite`): the email's open membership ends, so an
 *  accepted-but-unconfirmed person loses even read access to the chain and cannot accept. */
export async function withdrawInvitation(q: Queryable, team: string, email: string, revision: number) {
  await q.query(
    `UPDATE memberships SET status = 'removed', revision = $3
      WHERE team_id = $1 AND email = $2 AND status IN ('invited', 'accepted')`,
    [team, email, revision],
  );
}

export async function insertOwner(
  q: Queryable,
  m: { team: string; email: string; userId: string; keys: PublicKeyset; revision: number },
): Promise<void> {
  await q.query(
    `INSERT INTO memberships (team_id, email, user_id, role, status, keys, invited_by, revision)
     VALUES ($1, $2, $3, 'owner', 'confirmed', $4::jsonb, $3, $5)`,
    [m.team, m.email, m.userId, JSON.stringify(m.keys), m.revision],
  );
}

export async function acceptMembership(
  q: Queryable,
  team: string,
  email: string,
  userId: string,
  keys: PublicKeyset,
  revision: number,
) {
  const r = await q.query(
    `UPDATE memberships SET status = 'accepted', user_id = $3, keys = $4::jsonb, revision = $5
      WHERE team_id = $1 AND email = $2 AND status = 'invited' RETURNING email`,
    [team, email, userId, JSON.stringify(keys), revision],
  );
  return r.rows.length === 1;
}

interface MemberRow {
  user_id: string | null;
  email: string;
  name: string | null;
  role: TeamRole;
  status: MemberStatus;
  keys: PublicKeyset | null;
}

const MEMBER_SELECT = `SELECT m.user_id, m.email, u.name, m.role, m.status, m.keys
  FROM memberships m LEFT JOIN users u ON u.id = m.user_id`;

export async function memberRow(q: Queryable, team: string, userId: string): Promise<MemberRow | null> {
  const r = await q.query<MemberRow>(`${MEMBER_SELECT} WHERE m.team_id = $1 AND m.user_id = $2`, [
    team,
    userId,
  ]);
  return r.rows[0] ?? null;
}

export async function listMembers(q: Queryable, team: string): Promise<Member[]> {
  const r = await q.query<MemberRow>(
    `${MEMBER_SELECT} WHERE m.team_id = $1 AND m.status <> 'removed' ORDER BY m.created_at, m.email`,
    [team],
  );
  return r.rows.map((m) => ({
    userId: m.user_id,
    email: m.email,
    name: m.name,
    role: m.role,
    status: m.status,
    keys: m.keys,
  }));
}

export async function setMembership(
  q: Queryable,
  team: string,
  userId: string,
  change: { role?: TeamRole; status?: MemberStatus },
  revision: number,
): Promise<void> {
  await q.query(
    `UPDATE memberships SET role = coalesce($3, role), status = coalesce($4, status), revision = $5
      WHERE team_id = $1 AND user_id = $2`,
    [team, userId, change.role ?? null, change.status ?? null, revision],
  );
}

export async function listMyTeams(q: Queryable, userId: string, email: string) {
  const teams = await q.query<{ id: string; name: string; role: TeamRole; status: MemberStatus }>(
    `SELECT t.id, t.name, m.role, m.status FROM memberships m JOIN teams t ON t.id = m.team_id
      WHERE m.user_id = $1 AND m.status <> 'removed' ORDER BY t.created_at, t.id`,
    [userId],
  );
  const invites = await q.query<{ teamId: string; teamName: string; role: TeamRole }>(
    `SELECT t.id AS "teamId", t.name AS "teamName", m.role FROM memberships m JOIN teams t ON t.id = m.team_id
      WHERE m.user_id IS NULL AND m.email = $1 AND m.status = 'invited' ORDER BY t.created_at, t.id`,
    [email],
  );
  return { teams: teams.rows, invitations: invites.rows };
}
