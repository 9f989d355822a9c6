// Process: test. The whole role table (shared/roles.ts) walked against the real server: every
// team role x every team operation and every vault role x every vault operation. The
// expectation comes from the table itself, so the server can never drift from what the UI
// offers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  mayInTeam,
  mayInVault,
  TEAM_PERMISSIONS,
  TEAM_ROLES,
  type TeamOperation,
  type TeamRole,
  VAULT_PERMISSIONS,
  VAULT_ROLES,
  type VaultOperation,
  type VaultRole,
} from '../../shared/roles.ts';
import {
  envelope,
  formTeam,
  grant,
  makeVault,
  newUser,
  type Reply,
  startTestServer,
  type TestServer,
  type TestUser,
  uuid,
} from '../helpers/server.ts';

let srv: TestServer;
let team: string;
let vault: string;
const byTeamRole = new Map<TeamRole, TestUser>();
const byVaultRole = new Map<VaultRole | 'none', TestUser>();
const T = () => `/api/v1/teams/${team}`;

beforeAll(async () => {
  srv = await startTestServer();
  const owner = await newUser(srv.url, 'owner');
  const admin = await newUser(srv.url, 'admin');
  const member = await newUser(srv.url, 'member');
  const vaultUsers = await Promise.all(
    ['view', 'edit', 'manage', 'none'].map((r) => newUser(srv.url, `v-${r}`)),
  );
  team = await formTeam(owner, [
    [admin, 'admin'],
    [member, 'member'],
    ...vaultUsers.map((u) => [u, 'member'] as [TestUser, 'member']),
  ]);
  byTeamRole.set('owner', owner).set('admin', admin).set('member', member);
  vault = await makeVault(owner, team);
  ['view', 'edit', 'manage', 'none'].forEach((r, i) => {
    byVaultRole.set(r as VaultRole, vaultUsers[i]!);
  });
  for (const role of VAULT_ROLES) {
    const u = byVaultRole.get(role)!;
    const r = await owner.api.post(`${T()}/vaults/${vault}/access`, {
      principal: { type: 'user', id: u.id },
      role,
      keyGrants: [grant(u.id, owner.id, 1, role)],
    });
    expect(r.status).toBe(200);
  }
});
afterAll(async () => {
  await srv?.close();
});

/** Role changes and removals exist only as team chain links so far: the server has no route
 *  for them yet, and the chain verifier's matrix (test/unit/chain-roles.test.ts) walks them. */
const CHAIN_ONLY: TeamOperation[] = ['team.manage.member', 'team.manage.admin', 'team.manage.owner'];

const teamOps: Partial<Record<TeamOperation, (u: TestUser) => Promise<Reply>>> = {
  'team.read': (u) => u.api.get(`${T()}/members`),
  'team.invite.member': (u) =>
    u.api.post(`${T()}/invitations`, { email: `${uuid()}@example.com`, role: 'member' }),
  'team.invite.admin': (u) =>
    u.api.post(`${T()}/invitations`, { email: `${uuid()}@example.com`, role: 'admin' }),
  'team.invite.owner': (u) =>
    u.api.post(`${T()}/invitations`, { email: `${uuid()}@example.com`, role: 'owner' }),
  // Nobody is waiting for confirmation: allowed callers get past the check to a 404.
  'team.confirm': (u) =>
    u.api.post(`${T()}/members/${uuid()}/confirm`, { role: 'member', keys: u.keys, signature: 'c2ln' }),
  'group.read': (u) => u.api.get(`${T()}/groups`),
  'group.manage': (u) => u.api.post(`${T()}/groups`, { name: `g-${uuid()}` }),
  'vault.create': (u) =>
    u.api.post(`${T()}/vaults`, { id: uuid(), name: envelope(), keyGrants: [grant(u.id, u.id)] }),
};

const vaultOps: Record<VaultOperation, (u: TestUser) => Promise<Reply>> = {
  'item.read': (u) => u.api.get(`${T()}/vaults/${vault}/access`),
  'item.write': (u) =>
    u.api.put(`${T()}/vaults/${vault}/items/${uuid()}`, {
      baseVersion: 0,
      version: 1,
      generation: 1,
      envelope: envelope(),
    }),
  'vault.share': (u) => u.api.post(`${T()}/vaults/${vault}/keys`, { keyGrants: [grant(u.id, u.id)] }),
  // A deliberately stale generation: allowed callers get past the check to a 409.
  'vault.rekey': (u) =>
    u.api.post(`${T()}/vaults/${vault}/rekey`, {
      generation: 9,
      name: envelope(),
      items: [],
      keyGrants: [grant(u.id, u.id, 9)],
    }),
};

describe('team roles x team operations', () => {
  it('every team operation has a server route here, or is a chain-only operation', () => {
    const uncovered = (Object.keys(TEAM_PERMISSIONS) as TeamOperation[]).filter((op) => !teamOps[op]);
    expect(uncovered.sort()).toEqual([...CHAIN_ONLY].sort());
  });
  for (const role of TEAM_ROLES) {
    for (const op of Object.keys(teamOps) as TeamOperation[]) {
      const allowed = mayInTeam(role, op);
      it(`${role} ${allowed ? 'may' : 'may not'} ${op}`, async () => {
        const r = await teamOps[op]!(byTeamRole.get(role)!);
        if (allowed) {
          expect(r.status, JSON.stringify(r.body)).not.toBe(403);
          expect(r.status).toBeLessThan(500);
        } else {
          expect(r.status).toBe(403);
          expect(r.body.error).toEqual({ code: 'forbidden', message: `your role ${role} may not ${op}` });
        }
      });
    }
  }
});

describe('vault roles x vault operations', () => {
  for (const role of [...VAULT_ROLES, 'none'] as const) {
    for (const op of Object.keys(VAULT_PERMISSIONS) as VaultOperation[]) {
      const allowed = mayInVault(role === 'none' ? null : role, op);
      it(`${role} ${allowed ? 'may' : 'may not'} ${op}`, async () => {
        const r = await vaultOps[op](byVaultRole.get(role)!);
        if (allowed) {
          expect(r.status, JSON.stringify(r.body)).not.toBe(403);
          expect(r.status).toBeLessThan(500);
        } else {
          expect(r.status).toBe(403);
          expect(r.body.error.message).toBe(`your vault role ${role} may not ${op}`);
        }
      });
    }
  }
});
