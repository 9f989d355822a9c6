// Process: test (unit, with a real in-memory PGlite). server/access.ts on its own, so that
// mutation testing (`npm run mutate`) can judge it without a running team server: who counts
// as a member (by user id, or by the email an invitation went to), what each membership status
// is told, and a vault role made of direct and group grants, for this vault of this team only.
// The role table it defers to is judged by the chain-roles and mutation-roles tests; the real
// routes by test/integration/server-authz.test.ts and friends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeTeam, authorizeVault, memberOf, requireTeamOp, vaultRoleOf } from '../../server/access.ts';
import type { Caller } from '../../server/auth.ts';
import { openPglite } from '../../server/db-pglite.ts';
import type { Database } from '../../server/db.ts';
import { migrate } from '../../server/migrate.ts';
import { TesseraError } from '../../shared/errors.ts';
import { TEAM_PERMISSIONS, TEAM_ROLES, type TeamOperation, type TeamRole } from '../../shared/roles.ts';

let db: Database;
const uuid = () => crypto.randomUUID();
const team = uuid();
const otherTeam = uuid();
const people: Record<string, Caller> = {};
const vault = uuid();
const deletedVault = uuid();
const foreignVault = uuid();
const group = uuid();

function caller(name: string): Caller {
  people[name] ??= { userId: uuid(), email: `${name}@example.test`, name, tokenHash: '' };
  return people[name]!;
}

async function refusal(p: Promise<unknown>): Promise<TesseraError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(TesseraError);
  return e as TesseraError;
}

beforeAll(async () => {
  db = await openPglite();
  await migrate(db);
  const names = [
    'owner',
    'admin',
    'member',
    'viewer',
    'grouped',
    'invited',
    'accepted',
    'suspended',
    'removed',
  ];
  for (const n of [...names, 'stranger', 'pending']) {
    const c = caller(n);
    await db.query(
      `INSERT INTO users (id, email, name, registration_record, keyset) VALUES ($1, $2, $3, 'r', '{}')`,
      [c.userId, c.email, n],
    );
  }
  for (const t of [team, otherTeam])
    await db.query(`INSERT INTO teams (id, name, created_by, revision) VALUES ($1, 't', $2, 1)`, [
      t,
      caller('owner').userId,
    ]);
  const member = (t: string, n: string, role: TeamRole, status: string, revision = 7, byEmailOnly = false) =>
    db.query(
      `INSERT INTO memberships (team_id, email, user_id, role, status, revision) VALUES ($1, $2, $3, $4, $5, $6)`,
      [t, caller(n).email, byEmailOnly ? null : caller(n).userId, role, status, revision],
    );
  await member(team, 'owner', 'owner', 'confirmed', 41);
  await member(team, 'admin', 'admin', 'confirmed');
  await member(team, 'member', 'member', 'confirmed');
  await member(team, 'viewer', 'member', 'confirmed');
  await member(team, 'grouped', 'member', 'confirmed');
  // Invited: the account exists, but the invitation names only the email.
  await member(team, 'invited', 'member', 'invited', 7, true);
  await member(team, 'accepted', 'admin', 'accepted');
  await member(team, 'suspended', 'member', 'suspended');
  await member(team, 'removed', 'member', 'removed');
  // A member of the other team only, with a grant there.
  await member(otherTeam, 'pending', 'owner', 'confirmed');
  const vaultRow = (id: string, t: string, deleted: boolean) =>
    db.query(
      `INSERT INTO vaults (id, team_id, name, generation, revision, created_by, deleted_at)
       VALUES ($1, $2, '{}', 3, 12, $3, $4)`,
      [id, t, caller('owner').userId, deleted ? new Date() : null],
    );
  await vaultRow(vault, team, false);
  await vaultRow(deletedVault, team, true);
  await vaultRow(foreignVault, otherTeam, false);
  const grant = (v: string, kind: 'user' | 'group', id: string, role: string) =>
    db.query(
      `INSERT INTO vault_access (vault_id, principal_type, principal_id, role, revision) VALUES ($1, $2, $3, $4, 1)`,
      [v, kind, id, role],
    );
  await grant(vault, 'user', caller('viewer').userId, 'view');
  await grant(vault, 'user', caller('member').userId, 'view');
  await db.query(`INSERT INTO groups (id, team_id, name) VALUES ($1, $2, 'g')`, [group, team]);
  await db.query(`INSERT INTO group_members (group_id, user_id, revision) VALUES ($1, $2, 1)`, [
    group,
    caller('grouped').userId,
  ]);
  await db.query(`INSERT INTO group_members (group_id, user_id, revision) VALUES ($1, $2, 1)`, [
    group,
    caller('member').userId,
  ]);
  await grant(vault, 'group', group, 'edit');
  // A grant on another vault, and one to a user id that happens to equal the group's.
  await grant(deletedVault, 'user', caller('viewer').userId, 'manage');
  await grant(foreignVault, 'user', caller('viewer').userId, 'manage');
}, 60_000);

afterAll(async () => {
  await db?.close();
});

describe('memberOf', () => {
  it('finds a confirmed member with role, status and revision as a number', async () => {
    const m = await memberOf(db, team, caller('owner'));
    expect(m).toEqual({
      teamId: team,
      userId: caller('owner').userId,
      email: caller('owner').email,
      role: 'owner',
      status: 'confirmed',
      revision: 41,
    });
    expect(typeof m.revision).toBe('number');
  });

  it('tells each other status what to do, and a stranger only that there is no such team', async () => {
    expect((await refusal(memberOf(db, team, caller('stranger')))).code).toBe('not_found');
    expect((await refusal(memberOf(db, uuid(), caller('owner')))).message).toBe('team not found');
    const suspended = await refusal(memberOf(db, team, caller('suspended')));
    expect([suspended.code, suspended.message]).toEqual([
      'forbidden',
      'your membership in this team is suspended',
    ]);
    const removed = await refusal(memberOf(db, team, caller('removed')));
    expect(removed.code).toBe('forbidden');
    expect(removed.message).toMatch(/^you were removed from this team/);
    const invited = await refusal(memberOf(db, team, caller('invited')));
    expect([invited.code, invited.message]).toEqual([
      'forbidden',
      'your membership is invited: accept the invitation first',
    ]);
    const accepted = await refusal(memberOf(db, team, caller('accepted')));
    expect(accepted.message).toBe('your membership is accepted: an admin has not confirmed you yet');
  });

  it('matches an invitation by its email while it has no user id, and lets a route allow other statuses', async () => {
    const m = await memberOf(db, team, caller('invited'), ['invited', 'accepted']);
    expect([m.status, m.role, m.userId]).toEqual(['invited', 'member', caller('invited').userId]);
    expect((await memberOf(db, team, caller('accepted'), ['accepted'])).status).toBe('accepted');
    // Allowing more statuses never lets the suspended or the removed in.
    const all = ['invited', 'accepted', 'confirmed', 'suspended', 'removed'] as const;
    expect((await refusal(memberOf(db, team, caller('suspended'), all))).code).toBe('forbidden');
    expect((await refusal(memberOf(db, team, caller('removed'), all))).code).toBe('forbidden');
    // Someone else's email is not a match once the row names a user.
    const impostor = { ...caller('stranger'), email: caller('member').email };
    expect((await refusal(memberOf(db, team, impostor))).code).toBe('not_found');
  });

  it('is scoped to the team asked about', async () => {
    expect((await refusal(memberOf(db, otherTeam, caller('owner')))).code).toBe('not_found');
    expect((await memberOf(db, otherTeam, caller('pending'))).role).toBe('owner');
  });
});

describe('requireTeamOp and authorizeTeam', () => {
  it('follow the role table for every role and team operation, naming both in a refusal', async () => {
    for (const role of TEAM_ROLES) {
      const m = {
        teamId: team,
        userId: uuid(),
        email: 'x@example.test',
        role,
        status: 'confirmed' as const,
        revision: 1,
      };
      for (const op of Object.keys(TEAM_PERMISSIONS) as TeamOperation[]) {
        const allowed = (TEAM_PERMISSIONS[op] as readonly TeamRole[]).includes(role);
        let err: unknown = null;
        try {
          requireTeamOp(m, op);
        } catch (e) {
          err = e;
        }
        if (allowed) expect(err, `${role} ${op}`).toBeNull();
        else {
          expect(err, `${role} ${op}`).toBeInstanceOf(TesseraError);
          expect((err as TesseraError).code).toBe('forbidden');
          expect((err as TesseraError).details).toEqual({ operation: op, role });
        }
      }
    }
  });

  it('authorizeTeam checks membership first, then the operation', async () => {
    expect((await authorizeTeam(db, team, caller('admin'), 'team.confirm')).role).toBe('admin');
    expect((await refusal(authorizeTeam(db, team, caller('member'), 'team.confirm'))).code).toBe('forbidden');
    expect((await refusal(authorizeTeam(db, team, caller('stranger'), 'team.read'))).code).toBe('not_found');
    expect((await authorizeTeam(db, team, caller('accepted'), 'team.read', ['accepted'])).status).toBe(
      'accepted',
    );
  });
});

describe('vaultRoleOf and authorizeVault', () => {
  const m = (n: string) => memberOf(db, team, caller(n));

  it('take the strongest of direct and group grants on this vault; owners manage', async () => {
    expect(await vaultRoleOf(db, vault, await m('viewer'))).toBe('view');
    expect(await vaultRoleOf(db, vault, await m('grouped'))).toBe('edit');
    // Direct view and group edit: edit.
    expect(await vaultRoleOf(db, vault, await m('member'))).toBe('edit');
    expect(await vaultRoleOf(db, vault, await m('owner'))).toBe('manage');
    expect(await vaultRoleOf(db, vault, await m('admin'))).toBeNull();
  });

  it('return the vault with numbers as numbers and the role used', async () => {
    const r = await authorizeVault(db, await m('grouped'), vault, 'item.write');
    expect(r.role).toBe('edit');
    expect(r.vault).toMatchObject({ id: vault, team_id: team, generation: 3, revision: 12, deleted: false });
    expect(typeof r.vault.generation).toBe('number');
    expect(typeof r.vault.revision).toBe('number');
  });

  it('refuse an operation the grant does not carry, with the role in the details', async () => {
    const viewer = await refusal(authorizeVault(db, await m('viewer'), vault, 'item.write'));
    expect([viewer.code, viewer.details]).toEqual(['forbidden', { operation: 'item.write', role: 'view' }]);
    const admin = await refusal(authorizeVault(db, await m('admin'), vault, 'item.read'));
    expect(admin.details).toEqual({ operation: 'item.read', role: 'none' });
    expect(admin.message).toMatch(/\(none\)/);
  });

  it("know nothing of another team's vault or a deleted one, whatever is granted there", async () => {
    const foreign = await refusal(authorizeVault(db, await m('viewer'), foreignVault, 'item.read'));
    expect([foreign.code, foreign.message]).toEqual(['not_found', 'vault not found']);
    const gone = await refusal(authorizeVault(db, await m('viewer'), deletedVault, 'item.read'));
    expect([gone.code, gone.message]).toEqual(['not_found', 'this vault was deleted']);
    expect((await refusal(authorizeVault(db, await m('owner'), uuid(), 'item.read'))).code).toBe('not_found');
  });
});
