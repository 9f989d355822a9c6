// Process: server (team server; plain Node).
// Teams, memberships and the key directory. A membership is keyed by email from the moment of
// the invitation; the user id and a snapshot of the user's public keys attach when they
// accept, and the signed directory entry when an admin confirms them. The server stores the
// signatures; clients verify them against the team root key.
import type { DirectoryEntry, Member, TeamInfo } from '../../shared/api.ts';
import type { PublicKeyset } from '../../shared/formats.ts';
import type { TeamRole } from '../../shared/roles.ts';
import type { MemberStatus } from '../access.ts';
import type { Queryable } from '../db.ts';

interface StoredEntry {
  signer: string;
  signature: string;
  role: TeamRole;
  keys: PublicKeyset;
}

interface TeamRow {
  id: string;
  name: string;
  created_by: string;
  root_sign_public_key: string;
  revision: number;
}

export async function insertTeam(
  q: Queryable,
  t: { id: string; name: string; createdBy: string; rootSignPublicKey: string },
): Promise<number | null> {
  const r = await q.query<{ revision: number }>(
    `INSERT INTO teams (id, name, created_by, root_sign_public_key, revision)
     VALUES ($1, $2, $3, $4, nextval('revision_seq')) ON CONFLICT (id) DO NOTHING RETURNING revision`,
    [t.id, t.name, t.createdBy, t.rootSignPublicKey],
  );
  return r.rows[0] ? Number(r.rows[0].revision) : null;
}

export async function teamRow(q: Queryable, team: string): Promise<TeamRow | null> {
  const r = await q.query<TeamRow>(
    'SELECT id, name, created_by, root_sign_public_key, revision FROM teams WHERE id = $1',
    [team],
  );
  const row = r.rows[0];
  return row ? { ...row, revision: Number(row.revision) } : null;
}

export function teamInfo(t: TeamRow): TeamInfo {
  return { id: t.id, name: t.name, rootUserId: t.created_by, rootSignPublicKey: t.root_sign_public_key };
}

export async function insertMembership(
  q: Queryable,
  m: {
    team: string;
    email: string;
    userId: string | null;
    role: TeamRole;
    status: MemberStatus;
    keys: PublicKeyset | null;
    entry: StoredEntry | null;
    invitedBy: string;
    revision: number;
  },
): Promise<boolean> {
  const r = await q.query(
    `INSERT INTO memberships (team_id, email, user_id, role, status, keys, entry, invited_by, revision)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9) ON CONFLICT DO NOTHING RETURNING email`,
    [
      m.team,
      m.email,
      m.userId,
      m.role,
      m.status,
      m.keys ? JSON.stringify(m.keys) : null,
      m.entry ? JSON.stringify(m.entry) : null,
      m.invitedBy,
      m.revision,
    ],
  );
  return r.rows.length === 1;
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
  entry: StoredEntry | null;
}

const MEMBER_SELECT = `SELECT m.user_id, m.email, u.name, m.role, m.status, m.keys, m.entry
  FROM memberships m LEFT JOIN users u ON u.id = m.user_id`;

export async function memberRow(q: Queryable, team: string, userId: string): Promise<MemberRow | null> {
  const r = await q.query<MemberRow>(`${MEMBER_SELECT} WHERE m.team_id = $1 AND m.user_id = $2`, [
    team,
    userId,
  ]);
  return r.rows[0] ?? null;
}

function toEntry(m: MemberRow): DirectoryEntry | null {
  if (m.status !== 'confirmed' || !m.entry || !m.user_id) return null;
  const e = m.entry;
  return {
    userId: m.user_id,
    email: m.email,
    role: e.role,
    keys: e.keys,
    signer: e.signer,
    signature: e.signature,
  };
}

export async function listMembers(q: Queryable, team: string): Promise<Member[]> {
  const r = await q.query<MemberRow>(`${MEMBER_SELECT} WHERE m.team_id = $1 ORDER BY m.created_at, m.email`, [
    team,
  ]);
  return r.rows.map((m) => ({
    userId: m.user_id,
    email: m.email,
    name: m.name,
    role: m.role,
    status: m.status,
    keys: m.keys,
    entry: toEntry(m),
  }));
}

export async function directory(q: Queryable, team: string): Promise<DirectoryEntry[]> {
  const r = await q.query<MemberRow>(
    `${MEMBER_SELECT} WHERE m.team_id = $1 AND m.status = 'confirmed' ORDER BY m.email`,
    [team],
  );
  return r.rows.map(toEntry).filter((e): e is DirectoryEntry => e !== null);
}

export async function confirmMembership(
  q: Queryable,
  team: string,
  userId: string,
  entry: StoredEntry,
  revision: number,
) {
  const r = await q.query(
    `UPDATE memberships SET status = 'confirmed', entry = $3::jsonb, revision = $4
      WHERE team_id = $1 AND user_id = $2 AND status = 'accepted' RETURNING email`,
    [team, userId, JSON.stringify(entry), revision],
  );
  return r.rows.length === 1;
}

export async function listMyTeams(q: Queryable, userId: string, email: string) {
  const teams = await q.query<{ id: string; name: string; role: TeamRole; status: MemberStatus }>(
    `SELECT t.id, t.name, m.role, m.status FROM memberships m JOIN teams t ON t.id = m.team_id
      WHERE m.user_id = $1 ORDER BY t.created_at, t.id`,
    [userId],
  );
  const invites = await q.query<{ teamId: string; teamName: string; role: TeamRole }>(
    `SELECT t.id AS "teamId", t.name AS "teamName", m.role FROM memberships m JOIN teams t ON t.id = m.team_id
      WHERE m.user_id IS NULL AND m.email = $1 AND m.status = 'invited' ORDER BY t.created_at, t.id`,
    [email],
  );
  return { teams: teams.rows, invitations: invites.rows };
}
