// Process: test. Every team-scoped route of shared/api.ts against every kind of caller: each
// team role, each vault grant (direct or through a group), and an outsider. What is allowed
// comes from the role table in shared/roles.ts, so the server cannot drift from it; a new
// route that is not listed here fails the coverage check at the bottom.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paths } from '../../shared/api.ts';
import {
  effectiveVaultRole,
  mayInTeam,
  mayInVault,
  type TeamOperation,
  type TeamRole,
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

interface Actor {
  label: string;
  user: TestUser;
  teamRole: TeamRole | null;
  vaultGrants: VaultRole[];
}

let srv: TestServer;
let team: string;
let vault: string;
let item: string;
let group: string;
let spare: TestUser;
const actors: Actor[] = [];

beforeAll(async () => {
  srv = await startTestServer();
  const mk = (label: string) => newUser(srv.url, label);
  const [owner, admin, none, view, edit, manage, viaGroup, outsider] = await Promise.all(
    ['owner', 'admin', 'm-none', 'm-view', 'm-edit', 'm-manage', 'm-group-edit', 'outsider'].map(mk),
  );
  spare = await mk('spare');
  team = await formTeam(owner!, [
    [admin!, 'admin'],
    ...[none!, view!, edit!, manage!, viaGroup!, spare].map((u) => [u, 'member'] as [TestUser, 'member']),
  ]);
  vault = await makeVault(owner!, team);
  const T = `/api/v1/teams/${team}`;
  for (const [u, role] of [[view!, 'view'], [edit!, 'edit'], [manage!, 'manage']] as const) {
    const r = await owner!.api.post(`${T}/vaults/${vault}/access`, {
      principal: { type: 'user', id: u.id },
      role,
      keyGrants: [grant(u.id, owner!.id, 1, role)],
    });
    expect(r.status).toBe(200);
  }
  const g = await owner!.api.post(`${T}/groups`, { name: 'editors' });
  group = g.body.group.id;
  expect((await owner!.api.post(`${T}/groups/${group}/members`, { userId: viaGroup!.id, keyGrants: [] })).status).toBe(200);
  const share = await owner!.api.post(`${T}/vaults/${vault}/access`, {
    principal: { type: 'group', id: group },
    role: 'edit',
    keyGrants: [grant(viaGroup!.id, owner!.id, 1, 'edit')],
  });
  expect(share.status).toBe(200);
  item = uuid();
  const put = await owner!.api.put(`${T}/vaults/${vault}/items/${item}`, {
    baseVersion: 0,
    version: 1,
    generation: 1,
    envelope: envelope(),
  });
  expect(put.status).toBe(200);
  actors.push(
    { label: 'owner', user: owner!, teamRole: 'owner', vaultGrants: [] },
    { label: 'admin (no grant)', user: admin!, teamRole: 'admin', vaultGrants: [] },
    { label: 'member (no grant)', user: none!, teamRole: 'member', vaultGrants: [] },
    { label: 'member (view)', user: view!, teamRole: 'member', vaultGrants: ['view'] },
    { label: 'member (edit)', user: edit!, teamRole: 'member', vaultGrants: ['edit'] },
    { label: 'member (manage)', user: manage!, teamRole: 'member', vaultGrants: ['manage'] },
    { label: 'member (edit via group)', user: viaGroup!, teamRole: 'member', vaultGrants: ['edit'] },
    { label: 'outsider', user: outsider!, teamRole: null, vaultGrants: [] },
  );
});

afterAll(async () => {
  await srv?.close();
});

type Needs = { team: TeamOperation } | { vault: VaultOperation } | { member: true };

interface Route {
  name: keyof typeof paths;
  needs: Needs;
  call(u: TestUser): Promise<Reply>;
}

const T = () => `/api/v1/teams/${team}`;
const V = () => `${T()}/vaults/${vault}`;

const ROUTES: Route[] = [
  { name: 'team', needs: { member: true }, call: (u) => u.api.get(T()) },
  { name: 'members', needs: { team: 'team.read' }, call: (u) => u.api.get(`${T()}/members`) },
  {
    name: 'invitations',
    needs: { team: 'team.invite.member' },
    call: (u) => u.api.post(`${T()}/invitations`, { email: `${uuid()}@example.com`, role: 'member' }),
  },
  {
    name: 'confirm',
    needs: { team: 'team.confirm' },
    // spare is already confirmed: allowed callers get past the check to a 409.
    call: (u) => u.api.post(`${T()}/members/${spare.id}/confirm`, { role: 'member', keys: spare.keys, signature: 'c2ln' }),
  },
  { name: 'groups', needs: { team: 'group.read' }, call: (u) => u.api.get(`${T()}/groups`) },
  {
    name: 'groupMembers',
    needs: { team: 'group.manage' },
    call: (u) => u.api.post(`${T()}/groups/${group}/members`, { userId: spare.id, keyGrants: [] }),
  },
  {
    name: 'groupMember',
    needs: { team: 'group.manage' },
    call: async (u) => {
      // Put spare back first (as the owner), so every allowed caller has someone to remove.
      await actors[0]!.user.api.post(`${T()}/groups/${group}/members`, { userId: spare.id, keyGrants: [] });
      return u.api.del(`${T()}/groups/${group}/members/${spare.id}`);
    },
  },
  {
    name: 'vaults',
    needs: { team: 'vault.create' },
    call: (u) => u.api.post(`${T()}/vaults`, { id: uuid(), name: envelope(), keyGrants: [grant(u.id, u.id)] }),
  },
  {
    name: 'vaultAccess',
    needs: { vault: 'vault.share' },
    call: (u) =>
      u.api.post(`${V()}/access`, { principal: { type: 'user', id: spare.id }, role: 'view', keyGrants: [grant(spare.id, u.id, 1, 'view')] }),
  },
  { name: 'vaultKeys', needs: { vault: 'vault.share' }, call: (u) => u.api.post(`${V()}/keys`, { keyGrants: [grant(u.id, u.id)] }) },
  {
    name: 'vaultRekey',
    needs: { vault: 'vault.rekey' },
    call: (u) => u.api.post(`${V()}/rekey`, { generation: 99, name: envelope(), items: [], keyGrants: [grant(u.id, u.id, 99)] }),
  },
  {
    name: 'item',
    needs: { vault: 'item.write' },
    call: (u) => u.api.put(`${V()}/items/${uuid()}`, { baseVersion: 0, version: 1, generation: 1, envelope: envelope() }),
  },
  { name: 'itemVersions', needs: { vault: 'item.read' }, call: (u) => u.api.get(`${V()}/items/${item}/versions`) },
  { name: 'changes', needs: { team: 'team.read' }, call: (u) => u.api.get(`${T()}/changes?since=0`) },
  {
    name: 'events',
    needs: { team: 'team.read' },
    call: async (u) => {
      const stop = new AbortController();
      const res = await fetch(`${srv.url}${T()}/events`, { headers: { authorization: `Bearer ${u.token}` }, signal: stop.signal });
      const body = (res.headers.get('content-type')?.includes('json') ? await res.json() : {}) as Reply['body'];
      stop.abort();
      return { status: res.status, body, headers: res.headers };
    },
  },
];

function allowed(a: Actor, needs: Needs): boolean {
  if (a.teamRole === null) return false;
  if ('member' in needs) return true;
  if ('team' in needs) return mayInTeam(a.teamRole, needs.team);
  return mayInVault(effectiveVaultRole(a.teamRole, a.vaultGrants), needs.vault);
}

describe('every route x every caller', () => {
  for (const route of ROUTES) {
    describe(route.name, () => {
      for (const label of ['owner', 'admin (no grant)', 'member (no grant)', 'member (view)', 'member (edit)', 'member (manage)', 'member (edit via group)', 'outsider']) {
        it(label, async () => {
          const a = actors.find((x) => x.label === label)!;
          const r = await route.call(a.user);
          if (a.teamRole === null) {
            expect(r.status, 'a non-member learns nothing about the team').toBe(404);
          } else if (allowed(a, route.needs)) {
            expect([401, 403, 404], JSON.stringify(r.body)).not.toContain(r.status);
            expect(r.status).toBeLessThan(500);
          } else {
            expect(r.status, JSON.stringify(r.body)).toBe(403);
            expect(r.body.error.code).toBe('forbidden');
            expect(r.body.error.message).toMatch(/may not/);
          }
        });
      }
    });
  }

  it('changes shows a vault and its items exactly to those who may read it', async () => {
    for (const a of actors.filter((x) => x.teamRole !== null)) {
      const r = await a.user.api.get(`${T()}/changes?since=0`);
      const sees = (r.body.vaults as { id: string }[]).some((v) => v.id === vault);
      const canRead = mayInVault(effectiveVaultRole(a.teamRole, a.vaultGrants), 'item.read');
      expect(sees, a.label).toBe(canRead);
      expect((r.body.items as { id: string }[]).some((i) => i.id === item), a.label).toBe(canRead);
    }
  });

  it('covers every team-scoped route in shared/api.ts', () => {
    const unscoped = ['signupStart', 'signupFinish', 'loginStart', 'loginFinish', 'logout', 'me', 'teams', 'accept'];
    const listed = new Set(ROUTES.map((r) => r.name));
    const missing = Object.keys(paths).filter((k) => !unscoped.includes(k) && !listed.has(k as keyof typeof paths));
    expect(missing).toEqual([]);
  });
});
