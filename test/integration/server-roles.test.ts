// Process: test. The whole role table (shared/roles.ts) walked against the real server, now
// that every change to membership and access is a signed chain link: every team role x every
// team operation, every (actor, from, to) role change, and every vault role x every vault
// operation. Each probe is the real request a client makes (a link signed by the caller, or
// a route), allowed ones must succeed, and refused ones must name the rule that refused them.
// The expectation comes from the table itself, so the server can never drift from what the
// UI offers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  mayChangeRole,
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
import { readersOf } from '../../shared/chain/state.ts';
import {
  appendLinks,
  chainOf,
  confirmStep,
  envelope,
  fakeSealedKey,
  formTeam,
  invite,
  join,
  makeVault,
  newUser,
  newVaultKeys,
  rand,
  type Reply,
  refreshChain,
  shareVault,
  startTestServer,
  type TestServer,
  type TestUser,
  uuid,
} from '../helpers/server.ts';
import { signedEvent } from '../helpers/audit.ts';

let srv: TestServer;
let owner: TestUser;
let team: string;
let vault: string;
let item: string;
let spare: TestUser;
/** A break-glass vault (approvals, k = 2) for the request and approval probes. */
let bgVault: string;
/** The vault the last `breakglass.policy` probe made, for its refusal. */
let lastVault = '';
const byTeamRole = new Map<TeamRole, TestUser>();
const byVaultRole = new Map<VaultRole | 'none', TestUser>();
/** One confirmed member per team role, whose role the role-change walk changes and restores. */
const targets = new Map<TeamRole, TestUser>();
const T = () => `/api/v1/teams/${team}`;

beforeAll(async () => {
  srv = await startTestServer();
  const mk = (label: string) => newUser(srv.url, label);
  const [o, admin, member, view, edit, manage, none, s, tOwner, tAdmin, tMember] = await Promise.all(
    [
      'owner',
      'admin',
      'member',
      'v-view',
      'v-edit',
      'v-manage',
      'v-none',
      'spare',
      't-owner',
      't-admin',
      't-member',
    ].map(mk),
  );
  owner = o!;
  spare = s!;
  team = await formTeam(owner, [
    [admin!, 'admin'],
    [member!, 'member'],
    ...[view!, edit!, manage!, none!, spare].map((u) => [u, 'member'] as [TestUser, 'member']),
    [tOwner!, 'owner'],
    [tAdmin!, 'admin'],
    [tMember!, 'member'],
  ]);
  byTeamRole.set('owner', owner).set('admin', admin!).set('member', member!);
  targets.set('owner', tOwner!).set('admin', tAdmin!).set('member', tMember!);
  byVaultRole.set('view', view!).set('edit', edit!).set('manage', manage!).set('none', none!);
  vault = await makeVault(owner, team);
  for (const role of VAULT_ROLES)
    await shareVault(owner, team, vault, { kind: 'user', id: byVaultRole.get(role)!.id }, role);
  // spare reads the vault (no key needed): vault.grant and vault.revoke probes act on her grant.
  const g = await appendLinks(owner, team, [
    ['vault.grant', { vault, principal: { kind: 'user', id: spare.id }, role: 'view' }],
  ]);
  expect(g.status).toBe(200);
  item = uuid();
  const put = await owner.api.put(`${T()}/vaults/${vault}/items/${item}`, {
    baseVersion: 0,
    version: 1,
    generation: 1,
    envelope: envelope(),
    signature: rand(64),
  });
  expect(put.status).toBe(200);
  bgVault = await makeVault(owner, team);
  const bg = await appendLinks(owner, team, [
    [
      'vault.breakglass',
      { vault: bgVault, label: 'bg', policy: { kind: 'approval', approvals: 2 }, windowMinutes: 60 },
    ],
  ]);
  expect(bg.status).toBe(200);
});
afterAll(async () => {
  await srv?.close();
});

// ---- probes: the real request behind each operation ------------------------------------

interface Probe {
  call(u: TestUser): Promise<Reply>;
  /** The exact refusal for a caller of this team role (or with this vault role). */
  refused(role: string, u: TestUser): string;
}

/** The message a refused link gets: its seq is the head's + 1, as the refused batch left it. */
const link = (why: string) => `team chain link ${chainOf(team).seq + 1}: ${why}`;
const freshEmail = () => `${uuid()}@example.com`;

async function joined(role: TeamRole): Promise<TestUser> {
  const p = await newUser(srv.url, `x-${role}`);
  await join(owner, team, p, role);
  return p;
}

/** A member who may read the vault (a view grant from the owner) but holds no key yet. */
async function keyless(): Promise<TestUser> {
  const p = await joined('member');
  const r = await appendLinks(owner, team, [
    ['vault.grant', { vault, principal: { kind: 'user', id: p.id }, role: 'view' }],
  ]);
  expect(r.status).toBe(200);
  return p;
}

async function createVault(u: TestUser): Promise<Reply> {
  const id = uuid();
  const keys = newVaultKeys(await refreshChain(u, team), u.id);
  return appendLinks(
    u,
    team,
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
}

/** A real re-key: the next generation, a key for exactly every reader, every item at version + 1. */
async function rekey(u: TestUser): Promise<Reply> {
  const state = await refreshChain(owner, team);
  const v = state.vaults.get(vault)!;
  const generation = v.generation + 1;
  const keys = readersOf(state, v).map((user) => ({ user, ...fakeSealedKey() }));
  const items = await srv.db.query<{ id: string; version: number }>(
    'SELECT id, version FROM items WHERE vault_id = $1',
    [vault],
  );
  return appendLinks(
    u,
    team,
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
}

const inviteProbe = (as: TeamRole): Probe => ({
  call: (u) => invite(u, team, freshEmail(), as),
  refused: (role) => link(`a ${role} may not invite a ${as}`),
});

/** Removing someone is managing their role: a fresh confirmed member at `as` each time. */
const removeProbe = (as: TeamRole): Probe => ({
  call: async (u) => {
    const target = await joined(as);
    return appendLinks(u, team, [['member.remove', { user: target.id, reason: 'offboarded' }]]);
  },
  refused: (role) => link(`a ${role} may not remove a ${as}`),
});

const teamOps: Record<TeamOperation, Probe> = {
  'team.read': {
    call: (u) => u.api.get(`${T()}/members`),
    refused: (role) =>
      `your role in this team (${role}) does not let you see this team: ask an owner or an admin or a member`,
  },
  'team.invite.member': inviteProbe('member'),
  'team.invite.admin': inviteProbe('admin'),
  'team.invite.owner': inviteProbe('owner'),
  'team.confirm': {
    // Someone invited (by the owner) and accepted, whom the caller now vouches for.
    call: async (u) => {
      const p = await newUser(srv.url, 'invitee');
      expect((await invite(owner, team, p.email, 'member')).status).toBe(200);
      expect((await p.api.post(`${T()}/accept`)).status).toBe(200);
      return appendLinks(u, team, [confirmStep(p, 'member')]);
    },
    refused: (role) => link(`a ${role} may not confirm a member`),
  },
  'team.manage.member': removeProbe('member'),
  'team.manage.admin': removeProbe('admin'),
  'team.manage.owner': removeProbe('owner'),
  // Groups are read from the chain, which every member may fetch and verify.
  'group.read': { call: (u) => u.api.get(`${T()}/chain?after=0`), refused: () => 'never refused' },
  'group.manage': {
    call: (u) => appendLinks(u, team, [['group.create', { group: uuid(), name: `g-${uuid()}` }]]),
    refused: (role) => link(`a ${role} may not manage groups`),
  },
  'vault.create': { call: createVault, refused: (role) => link(`a ${role} may not create vaults`) },
  'breakglass.request': {
    call: (u) =>
      appendLinks(u, team, [
        [
          'breakglass.request',
          { vault: bgVault, request: uuid(), reason: 'paged', minutes: 5, at: Date.now() },
        ],
      ]),
    refused: (role) => link(`a ${role} may not ask for break-glass access`),
  },
  // Someone else's fresh request each time: nobody answers their own.
  'breakglass.approve': {
    call: async (u) => {
      const request = uuid();
      const r = await appendLinks(spare, team, [
        ['breakglass.request', { vault: bgVault, request, reason: 'paged', minutes: 5, at: Date.now() }],
      ]);
      expect(r.status).toBe(200);
      return appendLinks(u, team, [['breakglass.approve', { vault: bgVault, request, at: Date.now() }]]);
    },
    refused: (role) => link(`a ${role} may not approve or deny break-glass requests`),
  },
  // Setting a vault's link policy (its other uses, listing and revoking anyone's links, are
  // probed in server-links.test.ts).
  'link.admin': {
    call: (u) =>
      u.api.put(`${T()}/vaults/${vault}/link-policy`, { linksAllowed: true, maxExpirySeconds: null }),
    refused: (role) =>
      `your role in this team (${role}) does not let you set a vault's link policy or revoke others' links: ask an owner or an admin`,
  },
  'audit.read': {
    call: (u) => u.api.get(`${T()}/audit`),
    refused: (role) =>
      `your role in this team (${role}) does not let you read the team's audit log: ask an owner or an admin`,
  },
  'audit.report': {
    call: (u) =>
      u.api.post(`${T()}/audit`, { events: [signedEvent(u, team, 'secret.reveal', { vault, item })] }),
    refused: () => 'never refused',
  },
};

const manages = (_role: string, u: TestUser) => link(`${u.email} does not manage vault ${vault}`);
const vaultOps: Record<VaultOperation, Record<string, Probe>> = {
  'item.read': {
    'item versions': {
      call: (u) => u.api.get(`${T()}/vaults/${vault}/items/${item}/versions`),
      refused: (role) =>
        `your access to this vault (${role}) does not let you read its secrets: ask someone who manages it`,
    },
  },
  'item.write': {
    'item put': {
      call: async (u) => {
        const generation = (await refreshChain(owner, team)).vaults.get(vault)!.generation;
        return u.api.put(`${T()}/vaults/${vault}/items/${uuid()}`, {
          baseVersion: 0,
          version: 1,
          generation,
          envelope: envelope(),
          signature: rand(64),
        });
      },
      refused: (role) =>
        `your access to this vault (${role}) does not let you change its secrets: ask someone who manages it`,
    },
    // Settling a rotation flag is the rotator's step, so it needs the right to rotate.
    'rotation flag settle': {
      call: (u) =>
        u.api.del(`${T()}/vaults/${vault}/items/${item}/rotation-flag?before=${new Date().toISOString()}`),
      refused: (role) =>
        `your access to this vault (${role}) does not let you change its secrets: ask someone who manages it`,
    },
  },
  'item.flag': {
    'rotation flag': {
      call: (u) =>
        u.api.put(`${T()}/vaults/${vault}/items/${item}/rotation-flag`, {
          reason: 'left the team',
          at: new Date().toISOString(),
          signature: rand(64),
        }),
      refused: (role) =>
        `your access to this vault (${role}) does not let you flag its secrets for rotation: ask someone who manages it`,
    },
  },
  'vault.share': {
    'vault.grant': {
      call: (u) =>
        appendLinks(u, team, [
          ['vault.grant', { vault, principal: { kind: 'user', id: spare.id }, role: 'view' }],
        ]),
      refused: manages,
    },
    // Revoked and granted back in one batch, so every allowed caller finds the grant there.
    'vault.revoke': {
      call: (u) =>
        appendLinks(u, team, [
          ['vault.revoke', { vault, principal: { kind: 'user', id: spare.id } }],
          ['vault.grant', { vault, principal: { kind: 'user', id: spare.id }, role: 'view' }],
        ]),
      refused: manages,
    },
  },
  'vault.rekey': {
    'vault.rekey': { call: rekey, refused: manages },
    // Sealing the current key to a reader who lacks it is a re-key's other half (rules.ts).
    'key.deliver': {
      call: async (u) => {
        const p = await keyless();
        const generation = chainOf(team).vaults.get(vault)!.generation;
        const k = fakeSealedKey();
        return appendLinks(
          u,
          team,
          [['key.deliver', { vault, generation, user: p.id, keyHash: k.keyHash }]],
          {
            keys: [{ vault, generation, user: p.id, sealedKey: k.sealedKey }],
          },
        );
      },
      refused: manages,
    },
  },
  // Marking changes who reads a vault, so each probe marks a fresh one where the caller holds
  // the same role as on the shared vault.
  'breakglass.policy': {
    'vault.breakglass': {
      call: async (u) => {
        const role = [...byVaultRole].find(([, x]) => x === u)![0];
        lastVault = await makeVault(owner, team);
        if (role !== 'none') await shareVault(owner, team, lastVault, { kind: 'user', id: u.id }, role);
        return appendLinks(u, team, [
          [
            'vault.breakglass',
            { vault: lastVault, label: 'x', policy: { kind: 'immediate' }, windowMinutes: 60 },
          ],
        ]);
      },
      refused: (_role, u) => link(`${u.email} does not manage vault ${lastVault}`),
    },
  },
  'vault.manage': {
    // Deleting is a `vault.delete` link, probed in server-vault-delete.test.ts: it cannot be
    // undone, so it cannot run here against the one vault every probe shares.
    'vault rename': {
      call: async (u) => {
        const generation = (await refreshChain(owner, team)).vaults.get(vault)!.generation;
        return u.api.put(`${T()}/vaults/${vault}/name`, { generation, name: envelope() });
      },
      refused: (role) =>
        `your access to this vault (${role}) does not let you rename or delete it: ask someone who manages it`,
    },
  },
};

async function storedSeq(): Promise<number> {
  const r = await srv.db.query<{ chain_seq: number }>('SELECT chain_seq FROM teams WHERE id = $1', [team]);
  return Number(r.rows[0]!.chain_seq);
}

function expectOutcome(r: Reply, allowed: boolean, refusal: string): void {
  if (allowed) {
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  } else {
    expect(r.status, JSON.stringify(r.body)).toBe(403);
    expect(r.body.error).toEqual({ code: 'forbidden', message: refusal });
  }
}

describe('team roles x team operations', () => {
  it('every team operation in shared/roles.ts has a probe here', () => {
    expect(Object.keys(teamOps).sort()).toEqual(Object.keys(TEAM_PERMISSIONS).sort());
  });
  for (const role of TEAM_ROLES) {
    for (const op of Object.keys(teamOps) as TeamOperation[]) {
      const allowed = mayInTeam(role, op);
      it(`${role} ${allowed ? 'may' : 'may not'} ${op}`, async () => {
        const u = byTeamRole.get(role)!;
        const r = await teamOps[op].call(u);
        expectOutcome(r, allowed, teamOps[op].refused(role, u));
        // A refused link leaves no trace: the stored head is the one the caller signed on.
        if (!allowed) expect(await storedSeq()).toBe(chainOf(team).seq);
      });
    }
  }
});

describe('team roles x role changes (from -> to)', () => {
  for (const actor of TEAM_ROLES) {
    for (const from of TEAM_ROLES) {
      for (const to of TEAM_ROLES) {
        const allowed = mayChangeRole(actor, from, to);
        it(`${actor} ${allowed ? 'may' : 'may not'} change a ${from} to ${to}`, async () => {
          const target = targets.get(from)!;
          const r = await appendLinks(byTeamRole.get(actor)!, team, [
            ['member.role', { user: target.id, role: to }],
          ]);
          expectOutcome(r, allowed, link(`a ${actor} may not change a ${from} to ${to}`));
          const stored = await srv.db.query<{ role: string }>(
            'SELECT role FROM memberships WHERE team_id = $1 AND user_id = $2',
            [team, target.id],
          );
          expect(stored.rows[0]?.role).toBe(allowed ? to : from);
          expect(chainOf(team).members.get(target.id)?.role).toBe(allowed ? to : from);
          // Put the target back (the owner may make any change) for the next case.
          if (allowed && from !== to) {
            expect(
              (await appendLinks(owner, team, [['member.role', { user: target.id, role: from }]])).status,
            ).toBe(200);
          }
        });
      }
    }
  }
});

describe('vault roles x vault operations', () => {
  it('every vault operation in shared/roles.ts has a probe here', () => {
    expect(Object.keys(vaultOps).sort()).toEqual(Object.keys(VAULT_PERMISSIONS).sort());
    for (const probes of Object.values(vaultOps)) expect(Object.keys(probes).length).toBeGreaterThan(0);
  });
  for (const role of [...VAULT_ROLES, 'none'] as const) {
    for (const op of Object.keys(VAULT_PERMISSIONS) as VaultOperation[]) {
      const allowed = mayInVault(role === 'none' ? null : role, op);
      for (const [name, probe] of Object.entries(vaultOps[op])) {
        it(`${role} ${allowed ? 'may' : 'may not'} ${op} (${name})`, async () => {
          const u = byVaultRole.get(role)!;
          const r = await probe.call(u);
          expectOutcome(r, allowed, probe.refused(role, u));
          if (!allowed) expect(await storedSeq()).toBe(chainOf(team).seq);
        });
      }
    }
  }
});
