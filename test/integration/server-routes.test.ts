// Process: test. Every route of shared/api.ts against every kind of caller. Without a session
// every route but signup and login answers 401. With one, every team-scoped route (and, on
// the chain route, every kind of link that replaced the old per-action routes) is tried by
// each team role, each vault grant (direct or through a group) and an outsider: non-members
// get 404 and learn nothing, the rest get what the role table in shared/roles.ts says, so the
// server cannot drift from it. A new route that is not listed here fails the coverage checks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainCrypto } from '../../electron/core/crypto/chain.ts';
import { paths } from '../../shared/api.ts';
import type { ChainLink, LinkType } from '../../shared/chain/links.ts';
import { readersOf } from '../../shared/chain/state.ts';
import { extendChain } from '../../shared/chain/verify.ts';
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
  api,
  appendLinks,
  chainOf,
  envelope,
  fakeSealedKey,
  formTeam,
  invite,
  type J,
  join,
  makeVault,
  newUser,
  newVaultKeys,
  type Reply,
  rand,
  refreshChain,
  shareVault,
  signNext,
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
let owner: TestUser;
let team: string;
let vault: string;
let item: string;
let editors: string; // a group with an edit grant on the vault; viaGroup is in it
let plain: string; // a group with no vault grants
let spare: TestUser; // a member with a view grant, whom the probes add, move and re-grant
let pendingEmail: string; // invited, never accepted
let victim: TestUser | null = null; // the next member a member.remove probe removes
const actors: Actor[] = [];

beforeAll(async () => {
  srv = await startTestServer();
  const mk = (label: string) => newUser(srv.url, label);
  const [o, admin, none, view, edit, manage, viaGroup, outsider, s] = await Promise.all(
    ['owner', 'admin', 'm-none', 'm-view', 'm-edit', 'm-manage', 'm-group-edit', 'outsider', 'spare'].map(mk),
  );
  owner = o!;
  spare = s!;
  team = await formTeam(owner, [
    [admin!, 'admin'],
    ...[none!, view!, edit!, manage!, viaGroup!, spare].map((u) => [u, 'member'] as [TestUser, 'member']),
  ]);
  vault = await makeVault(owner, team);
  for (const [u, role] of [
    [view!, 'view'],
    [edit!, 'edit'],
    [manage!, 'manage'],
  ] as const)
    await shareVault(owner, team, vault, { kind: 'user', id: u.id }, role);
  editors = uuid();
  plain = uuid();
  const groups = await appendLinks(owner, team, [
    ['group.create', { group: editors, name: 'editors' }],
    ['group.create', { group: plain, name: 'plain' }],
    ['group.add', { group: editors, user: viaGroup!.id }],
    ['vault.grant', { vault, principal: { kind: 'user', id: spare.id }, role: 'view' }],
  ]);
  expect(groups.status).toBe(200);
  await shareVault(owner, team, vault, { kind: 'group', id: editors }, 'edit');
  pendingEmail = `pending-${rand(4)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, 'x')}@example.com`;
  expect((await invite(owner, team, pendingEmail, 'member')).status).toBe(200);
  item = uuid();
  const put = await owner.api.put(`/api/v1/teams/${team}/vaults/${vault}/items/${item}`, {
    baseVersion: 0,
    version: 1,
    generation: 1,
    envelope: envelope(),
    signature: rand(64),
  });
  expect(put.status).toBe(200);
  actors.push(
    { label: 'owner', user: owner, teamRole: 'owner', vaultGrants: [] },
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

const T = () => `/api/v1/teams/${team}`;
const V = () => `${T()}/vaults/${vault}`;

/**
 * Signs `steps` as `u` on the head the owner reads (an outsider cannot read it herself) and
 * posts them as `u`, so the server, not the test, decides who may append what.
 */
async function append(
  u: TestUser,
  steps: [LinkType, Record<string, unknown>][],
  extra: { keys?: unknown[]; vaults?: unknown[] } = {},
): Promise<Reply> {
  let state = await refreshChain(owner, team);
  const links: ChainLink[] = [];
  for (const [type, body] of steps) {
    const link = signNext(u, state, type, body);
    links.push(link);
    try {
      state = extendChain(chainCrypto, state, [link]);
    } catch {
      // Refused here too: the server must refuse it as well.
    }
  }
  const r = await u.api.post(`${T()}/chain`, { links, keys: extra.keys ?? [], vaults: extra.vaults ?? [] });
  if (r.status === 200) await refreshChain(owner, team);
  return r;
}

async function currentGeneration(): Promise<number> {
  return (await refreshChain(owner, team)).vaults.get(vault)!.generation;
}

type Need = { team: TeamOperation } | { vault: VaultOperation } | { member: true };

interface Route {
  name: keyof typeof paths;
  /** What the probe does, when one route carries several (the chain takes every link type). */
  what?: string;
  /** All of these must hold. */
  needs: Need[];
  /** The status an allowed caller gets; 200 unless the probe stops just past the check. */
  ok?: number;
  call(u: TestUser): Promise<Reply>;
}

const ROUTES: Route[] = [
  { name: 'team', needs: [{ member: true }], call: (u) => u.api.get(T()) },
  // Already confirmed: every member gets past the membership check to a 409.
  { name: 'accept', needs: [{ member: true }], ok: 409, call: (u) => u.api.post(`${T()}/accept`) },
  { name: 'members', needs: [{ team: 'team.read' }], call: (u) => u.api.get(`${T()}/members`) },
  { name: 'chain', what: 'read', needs: [{ member: true }], call: (u) => u.api.get(`${T()}/chain?after=0`) },
  {
    name: 'chain',
    what: 'member.invite',
    needs: [{ team: 'team.invite.member' }],
    call: (u) => append(u, [['member.invite', { email: `${uuid()}@example.com`, role: 'member' }]]),
  },
  {
    name: 'chain',
    what: 'member.confirm',
    needs: [{ team: 'team.confirm' }],
    // The invitee never accepted: allowed callers pass the chain's check and get a 409.
    ok: 409,
    call: (u) =>
      append(u, [['member.confirm', { user: uuid(), email: pendingEmail, keys: u.keys, role: 'member' }]]),
  },
  {
    name: 'chain',
    what: 'member.role',
    needs: [{ team: 'team.manage.member' }],
    call: (u) => append(u, [['member.role', { user: spare.id, role: 'member' }]]),
  },
  {
    name: 'chain',
    what: 'member.remove',
    needs: [{ team: 'team.manage.member' }],
    call: async (u) => {
      if (!victim) {
        victim = await newUser(srv.url, 'victim');
        await join(owner, team, victim, 'member');
      }
      const r = await append(u, [['member.remove', { user: victim.id, reason: 'removed' }]]);
      if (r.status === 200) victim = null;
      return r;
    },
  },
  {
    name: 'chain',
    what: 'group.create',
    needs: [{ team: 'group.manage' }],
    call: (u) => append(u, [['group.create', { group: uuid(), name: `g-${uuid()}` }]]),
  },
  {
    name: 'chain',
    what: 'group.add + group.remove, a group without vaults',
    needs: [{ team: 'group.manage' }],
    call: (u) =>
      append(u, [
        ['group.add', { group: plain, user: spare.id }],
        ['group.remove', { group: plain, user: spare.id }],
      ]),
  },
  {
    name: 'chain',
    what: 'group.add + group.remove, a group that holds the vault',
    // Adding to a group shares its vaults: it needs manage on them too (finding 8).
    needs: [{ team: 'group.manage' }, { vault: 'vault.share' }],
    call: (u) =>
      append(u, [
        ['group.add', { group: editors, user: spare.id }],
        ['group.remove', { group: editors, user: spare.id }],
      ]),
  },
  {
    name: 'chain',
    what: 'vault.create',
    needs: [{ team: 'vault.create' }],
    call: async (u) => {
      const id = uuid();
      const keys = newVaultKeys(await refreshChain(owner, team), u.id);
      return append(
        u,
        [
          [
            'vault.create',
            { vault: id, generation: 1, keys: keys.map(({ user, keyHash }) => ({ user, keyHash })) },
          ],
        ],
        {
          keys: keys.map(({ user, sealedKey }) => ({ vault: id, generation: 1, user, sealedKey })),
          vaults: [{ vault: id, generation: 1, name: envelope() }],
        },
      );
    },
  },
  {
    name: 'chain',
    what: 'vault.grant',
    needs: [{ vault: 'vault.share' }],
    call: (u) =>
      append(u, [['vault.grant', { vault, principal: { kind: 'user', id: spare.id }, role: 'view' }]]),
  },
  {
    name: 'chain',
    what: 'vault.revoke (and the grant back)',
    needs: [{ vault: 'vault.share' }],
    call: (u) =>
      append(u, [
        ['vault.revoke', { vault, principal: { kind: 'user', id: spare.id } }],
        ['vault.grant', { vault, principal: { kind: 'user', id: spare.id }, role: 'view' }],
      ]),
  },
  {
    name: 'chain',
    what: 'key.deliver',
    needs: [{ vault: 'vault.rekey' }],
    // A fresh reader without the key each time, so an allowed delivery has someone to go to.
    call: async (u) => {
      const p = await newUser(srv.url, 'reader');
      await join(owner, team, p, 'member');
      expect(
        (
          await appendLinks(owner, team, [
            ['vault.grant', { vault, principal: { kind: 'user', id: p.id }, role: 'view' }],
          ])
        ).status,
      ).toBe(200);
      const generation = await currentGeneration();
      const k = fakeSealedKey();
      return append(u, [['key.deliver', { vault, generation, user: p.id, keyHash: k.keyHash }]], {
        keys: [{ vault, generation, user: p.id, sealedKey: k.sealedKey }],
      });
    },
  },
  {
    name: 'chain',
    what: 'vault.rekey',
    needs: [{ vault: 'vault.rekey' }],
    call: async (u) => {
      const state = await refreshChain(owner, team);
      const v = state.vaults.get(vault)!;
      const generation = v.generation + 1;
      const keys = readersOf(state, v).map((user) => ({ user, ...fakeSealedKey() }));
      const items = await srv.db.query<{ id: string; version: number }>(
        'SELECT id, version FROM items WHERE vault_id = $1',
        [vault],
      );
      return append(
        u,
        [['vault.rekey', { vault, generation, keys: keys.map(({ user, keyHash }) => ({ user, keyHash })) }]],
        {
          keys: keys.map(({ user, sealedKey }) => ({ vault, generation, user, sealedKey })),
          vaults: [
            {
              vault,
              generation,
              name: envelope(),
              items: items.rows.map((r) => ({
                id: r.id,
                version: Number(r.version) + 1,
                envelope: envelope(),
                signature: rand(64),
              })),
            },
          ],
        },
      );
    },
  },
  {
    name: 'item',
    needs: [{ vault: 'item.write' }],
    call: async (u) =>
      u.api.put(`${V()}/items/${uuid()}`, {
        baseVersion: 0,
        version: 1,
        generation: await currentGeneration(),
        envelope: envelope(),
        signature: rand(64),
      }),
  },
  {
    name: 'vaultName',
    needs: [{ vault: 'vault.manage' }],
    call: async (u) => u.api.put(`${V()}/name`, { generation: await currentGeneration(), name: envelope() }),
  },
  {
    name: 'itemVersions',
    needs: [{ vault: 'item.read' }],
    call: (u) => u.api.get(`${V()}/items/${item}/versions`),
  },
  {
    name: 'rotationFlag',
    what: 'flag',
    needs: [{ vault: 'item.flag' }],
    call: (u) =>
      u.api.put(`${V()}/items/${item}/rotation-flag`, {
        reason: 'left the team',
        at: new Date().toISOString(),
        signature: rand(64),
      }),
  },
  {
    name: 'rotationFlag',
    what: 'settle',
    needs: [{ vault: 'item.write' }],
    call: (u) => u.api.del(`${V()}/items/${item}/rotation-flag?before=${new Date().toISOString()}`),
  },
  { name: 'rotationFlags', needs: [{ member: true }], call: (u) => u.api.get(`${T()}/rotation-flags`) },
  // Nobody holds a break-glass session here: a member gets past the membership check to the
  // refusal (the window and grant checks are in flow-breakglass.test.ts).
  {
    name: 'breakglassSession',
    needs: [{ member: true }],
    ok: 403,
    call: (u) => u.api.get(`${T()}/breakglass/${uuid()}`),
  },
  { name: 'changes', needs: [{ team: 'team.read' }], call: (u) => u.api.get(`${T()}/changes?since=0&seq=0`) },
  {
    name: 'events',
    needs: [{ team: 'team.read' }],
    call: async (u) => {
      const stop = new AbortController();
      const res = await fetch(`${srv.url}${T()}/events`, {
        headers: { authorization: `Bearer ${u.token}` },
        signal: stop.signal,
      });
      const body = (
        res.headers.get('content-type')?.includes('json') ? await res.json() : {}
      ) as Reply['body'];
      stop.abort();
      return { status: res.status, body, headers: res.headers };
    },
  },
];

function allowed(a: Actor, needs: Need[]): boolean {
  if (a.teamRole === null) return false;
  return needs.every((n) => {
    if ('member' in n) return true;
    if ('team' in n) return mayInTeam(a.teamRole, n.team);
    return mayInVault(effectiveVaultRole(a.teamRole, a.vaultGrants), n.vault);
  });
}

const LABELS = [
  'owner',
  'admin (no grant)',
  'member (no grant)',
  'member (view)',
  'member (edit)',
  'member (manage)',
  'member (edit via group)',
  'outsider',
];

describe('every route x every caller', () => {
  for (const route of ROUTES) {
    describe(route.what ? `${route.name}: ${route.what}` : route.name, () => {
      for (const label of LABELS) {
        it(label, async () => {
          const a = actors.find((x) => x.label === label)!;
          const r = await route.call(a.user);
          if (a.teamRole === null) {
            expect(r.status, 'a non-member learns nothing about the team').toBe(404);
            expect(r.body.error).toEqual({ code: 'not_found', message: 'team not found' });
          } else if (allowed(a, route.needs)) {
            expect(r.status, JSON.stringify(r.body)).toBe(route.ok ?? 200);
          } else {
            expect(r.status, JSON.stringify(r.body)).toBe(403);
            expect(r.body.error.code).toBe('forbidden');
            expect(r.body.error.message).toMatch(/may not|does not manage|does not let you/);
            expect(r.body.error.message).not.toMatch(/\b(team|item|vault|group)\.[a-z]/);
          }
          // A refused append leaves the stored head where the caller found it (append() read
          // it just before signing).
          if (r.status !== 200 && route.name === 'chain') expect(await storedSeq()).toBe(chainOf(team).seq);
        });
      }
    });
  }

  it('changes shows a vault, its items and its keys exactly to those who may read it', async () => {
    for (const a of actors.filter((x) => x.teamRole !== null)) {
      const r = await a.user.api.get(`${T()}/changes?since=0&seq=0`);
      expect(r.status).toBe(200);
      const sees = (r.body.vaults as J[]).some((v) => v.id === vault);
      const canRead = mayInVault(effectiveVaultRole(a.teamRole, a.vaultGrants), 'item.read');
      expect(sees, a.label).toBe(canRead);
      expect(
        (r.body.items as J[]).some((i) => i.id === item),
        a.label,
      ).toBe(canRead);
      // Keys sealed to this caller and to nobody else, in the vaults she may read.
      const stored = await srv.db.query<{ vault_id: string; generation: number; sealed_key: string }>(
        `SELECT vault_id, generation, sealed_key FROM key_grants WHERE recipient = $1
          AND vault_id IN (SELECT value::uuid FROM jsonb_array_elements_text($2::jsonb))
          ORDER BY vault_id, generation`,
        [a.user.id, JSON.stringify((r.body.vaults as J[]).map((v) => v.id))],
      );
      expect(r.body.keys, a.label).toEqual(
        stored.rows.map((k) => ({
          vault: k.vault_id,
          generation: Number(k.generation),
          sealedKey: k.sealed_key,
        })),
      );
      if (!canRead)
        expect(
          (r.body.keys as J[]).some((k) => k.vault === vault),
          a.label,
        ).toBe(false);
      expect(r.body.chain.seq).toBe(await storedSeq());
    }
  });

  it('covers every team-scoped route in shared/api.ts', () => {
    const unscoped = ['signupStart', 'signupFinish', 'loginStart', 'loginFinish', 'logout', 'me', 'teams'];
    const listed = new Set(ROUTES.map((r) => r.name));
    const missing = Object.keys(paths).filter(
      (k) => !unscoped.includes(k) && !listed.has(k as keyof typeof paths),
    );
    expect(missing).toEqual([]);
  });
});

async function storedSeq(): Promise<number> {
  const r = await srv.db.query<{ chain_seq: number }>('SELECT chain_seq FROM teams WHERE id = $1', [team]);
  return Number(r.rows[0]!.chain_seq);
}

describe('without a session', () => {
  /** Every route of shared/api.ts, with its method; signup and login are the only public ones. */
  const ALL: Record<keyof typeof paths, ['GET' | 'POST' | 'PUT' | 'DELETE', () => string][] | 'public'> = {
    signupStart: 'public',
    signupFinish: 'public',
    loginStart: 'public',
    loginFinish: 'public',
    logout: [['POST', () => paths.logout]],
    me: [['GET', () => paths.me]],
    teams: [['POST', () => paths.teams]],
    chain: [
      ['GET', () => paths.chain(team)],
      ['POST', () => paths.chain(team).split('?')[0]!],
    ],
    team: [['GET', () => paths.team(team)]],
    accept: [['POST', () => paths.accept(team)]],
    members: [['GET', () => paths.members(team)]],
    item: [['PUT', () => paths.item(team, vault, item)]],
    itemVersions: [['GET', () => paths.itemVersions(team, vault, item)]],
    vaultName: [['PUT', () => paths.vaultName(team, vault)]],
    changes: [['GET', () => paths.changes(team, 0)]],
    events: [['GET', () => paths.events(team)]],
    rotationFlag: [
      ['PUT', () => paths.rotationFlag(team, vault, item)],
      ['DELETE', () => `${paths.rotationFlag(team, vault, item)}?before=${new Date().toISOString()}`],
    ],
    rotationFlags: [['GET', () => paths.rotationFlags(team)]],
    breakglassSession: [['GET', () => paths.breakglassSession(team, item)]],
  };

  it('every route but signup and login answers 401, with no token or an unknown one', async () => {
    for (const [name, routes] of Object.entries(ALL)) {
      if (routes === 'public') continue;
      for (const [method, path] of routes) {
        for (const token of [undefined, rand(32)]) {
          const r = await api(srv.url, token).call(method, path(), method === 'GET' ? undefined : {});
          expect(r.status, `${name} ${method} ${token ? 'unknown token' : 'no token'}`).toBe(401);
          expect(r.body.error.code).toBe('unauthenticated');
        }
      }
    }
  });

  it('signup and login need no session (they answer the body, not 401)', async () => {
    for (const [name, routes] of Object.entries(ALL)) {
      if (routes !== 'public') continue;
      const r = await api(srv.url).post(paths[name as 'signupStart'], {});
      expect(r.status, name).toBe(400);
    }
  });
});
