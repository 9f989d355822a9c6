// Process: server (team server; plain Node).
// Authorization, in one place. Facts (membership, grants) come from the database; every
// decision is made by shared/roles.ts (mayInTeam, mayInVault, effectiveVaultRole), the same
// table the client uses to decide what to offer. Non-members learn nothing: they get 404.
import type { z } from 'zod';
import type { memberStatus } from '../shared/api.ts';
import { TesseraError } from '../shared/errors.ts';
import {
  standingVaultRole,
  mayInTeam,
  mayInVault,
  refusalWords,
  type TeamOperation,
  type TeamRole,
  type VaultOperation,
  type VaultRole,
} from '../shared/roles.ts';
import type { Caller } from './auth.ts';
import type { Queryable } from './db.ts';

export type MemberStatus = z.infer<typeof memberStatus>;

export interface Member {
  teamId: string;
  userId: string;
  email: string;
  role: TeamRole;
  status: MemberStatus;
  revision: number;
}

export async function memberOf(
  q: Queryable,
  team: string,
  caller: Caller,
  allowed: readonly MemberStatus[] = ['confirmed'],
): Promise<Member> {
  const r = await q.query<{ role: TeamRole; status: MemberStatus; revision: number }>(
    `SELECT role, status, revision FROM memberships
      WHERE team_id = $1 AND (user_id = $2 OR (user_id IS NULL AND email = $3))`,
    [team, caller.userId, caller.email],
  );
  const row = r.rows[0];
  if (!row) throw new TesseraError('not_found', 'team not found');
  if (row.status === 'suspended')
    throw new TesseraError('forbidden', 'your membership in this team is suspended');
  if (row.status === 'removed')
    throw new TesseraError(
      'forbidden',
      'you were removed from this team, or your invitation to it was withdrawn',
    );
  if (!allowed.includes(row.status)) {
    const why =
      row.status === 'invited' ? 'accept the invitation first' : 'an admin has not confirmed you yet';
    throw new TesseraError('forbidden', `your membership is ${row.status}: ${why}`);
  }
  return { teamId: team, userId: caller.userId, email: caller.email, ...row, revision: Number(row.revision) };
}

export function requireTeamOp(m: Member, op: TeamOperation): void {
  if (!mayInTeam(m.role, op))
    throw new TesseraError('forbidden', refusalWords(op, m.role), { operation: op, role: m.role });
}

export async function authorizeTeam(
  q: Queryable,
  team: string,
  caller: Caller,
  op: TeamOperation,
  allowed?: readonly MemberStatus[],
): Promise<Member> {
  const m = await memberOf(q, team, caller, allowed);
  requireTeamOp(m, op);
  return m;
}

export interface VaultRow {
  id: string;
  team_id: string;
  name: unknown;
  generation: number;
  break_glass: boolean;
  revision: number;
  deleted: boolean;
}

export async function vaultRoleOf(q: Queryable, vault: string, m: Member): Promise<VaultRole | null> {
  const r = await q.query<{ role: VaultRole }>(
    `SELECT role FROM vault_access WHERE vault_id = $1 AND (
        (principal_type = 'user' AND principal_id = $2) OR
        (principal_type = 'group' AND principal_id IN (SELECT group_id FROM group_members WHERE user_id = $2)))`,
    [vault, m.userId],
  );
  const bg = await q.query<{ break_glass: boolean }>('SELECT break_glass FROM vaults WHERE id = $1', [vault]);
  return standingVaultRole(
    m.role,
    r.rows.map((x) => x.role),
    bg.rows[0]?.break_glass === true,
  );
}

export async function authorizeVault(q: Queryable, m: Member, vault: string, op: VaultOperation) {
  const r = await q.query<VaultRow>(
    `SELECT id, team_id, name, generation, break_glass, revision, deleted_at IS NOT NULL AS deleted
       FROM vaults WHERE id = $1 AND team_id = $2`,
    [vault, m.teamId],
  );
  const row = r.rows[0];
  if (!row) throw new TesseraError('not_found', 'vault not found');
  // A `vault.delete` link ended it: no reads, writes or renames, whatever the caller's role.
  if (row.deleted) throw new TesseraError('not_found', 'this vault was deleted');
  const role = await vaultRoleOf(q, vault, m);
  if (!mayInVault(role, op))
    throw new TesseraError('forbidden', refusalWords(op, role), { operation: op, role: role ?? 'none' });
  return {
    vault: { ...row, generation: Number(row.generation), revision: Number(row.revision) },
    role: role!,
  };
}
