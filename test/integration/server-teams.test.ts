// Process: test. Teams, the key directory, groups and vault sharing against the real server:
// who may do what, and that the server stores exactly what a confirming admin vouched for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  envelope,
  formTeam,
  grant,
  join,
  makeVault,
  newUser,
  rand,
  startTestServer,
  type TestServer,
  type TestUser,
  uuid,
} from '../helpers/server.ts';

let srv: TestServer;
let owner: TestUser;
let admin: TestUser;
let member: TestUser;
let outsider: TestUser;
let team: string;
const T = () => `/api/v1/teams/${team}`;

beforeAll(async () => {
  srv = await startTestServer();
  [owner, admin, member, outsider] = await Promise.all([
    newUser(srv.url, 'owner'),
    newUser(srv.url, 'admin'),
    newUser(srv.url, 'member'),
    newUser(srv.url, 'outsider'),
  ]);
  team = await formTeam(owner, [[admin, 'admin']]);
});
afterAll(async () => {
  await srv?.close();
});

describe('team lifecycle and the directory', () => {
  it('the creator is the confirmed owner and the team root', async () => {
    const info = await owner.api.get(T());
    expect(info.status).toBe(200);
    expect(info.body).toEqual({
      id: team,
      name: expect.any(String),
      rootUserId: owner.id,
      rootSignPublicKey: owner.keys.signPublicKey,
    });
    const me = await owner.api.get('/api/v1/me');
    expect(me.body.teams).toEqual([
      { id: team, name: expect.any(String), role: 'owner', status: 'confirmed' },
    ]);
  });

  it('invite, accept, confirm', async () => {
    const inv = await admin.api.post(`${T()}/invitations`, {
      email: member.email.toUpperCase(),
      role: 'member',
    });
    expect(inv.status).toBe(200);
    expect((await admin.api.post(`${T()}/invitations`, { email: member.email, role: 'member' })).status).toBe(
      409,
    );

    const me = await member.api.get('/api/v1/me');
    expect(me.body.invitations).toEqual([{ teamId: team, teamName: expect.any(String), role: 'member' }]);
    expect((await member.api.get(T())).status).toBe(200);
    expect((await member.api.get(`${T()}/members`)).status).toBe(403);

    const acc = await member.api.post(`${T()}/accept`);
    expect(acc.status).toBe(200);
    expect(acc.body.team.rootUserId).toBe(owner.id);

    let list = await admin.api.get(`${T()}/members`);
    const pending = list.body.members.find((m: { email: string }) => m.email === member.email);
    expect(pending).toMatchObject({ userId: member.id, status: 'accepted', keys: member.keys, entry: null });

    const wrongKeys = { boxPublicKey: rand(32), signPublicKey: member.keys.signPublicKey };
    const c1 = await admin.api.post(`${T()}/members/${member.id}/confirm`, {
      role: 'member',
      keys: wrongKeys,
      signature: rand(64),
    });
    expect(c1.status).toBe(409);
    expect(c1.body.error.message).toMatch(/keys/);
    const c2 = await admin.api.post(`${T()}/members/${member.id}/confirm`, {
      role: 'admin',
      keys: member.keys,
      signature: rand(64),
    });
    expect(c2.status).toBe(409);
    expect(c2.body.error.message).toMatch(/role/);
    const sig = rand(64);
    const ok = await admin.api.post(`${T()}/members/${member.id}/confirm`, {
      role: 'member',
      keys: member.keys,
      signature: sig,
    });
    expect(ok.status).toBe(200);

    list = await owner.api.get(`${T()}/members`);
    const done = list.body.members.find((m: { email: string }) => m.email === member.email);
    expect(done.entry).toEqual({
      userId: member.id,
      email: member.email,
      role: 'member',
      keys: member.keys,
      signer: admin.id,
      signature: sig,
    });
    const changes = await member.api.get(`${T()}/changes?since=0`);
    expect(changes.body.directory.map((e: { userId: string }) => e.userId).sort()).toEqual(
      [owner.id, admin.id, member.id].sort(),
    );
    const root = changes.body.directory.find((e: { userId: string }) => e.userId === owner.id);
    expect(root).toMatchObject({ role: 'owner', signer: owner.id, keys: owner.keys });
  });

  it('roles bound who may invite whom, and members may not confirm', async () => {
    const r1 = await admin.api.post(`${T()}/invitations`, { email: 'x1@example.com', role: 'admin' });
    expect(r1.status).toBe(403);
    expect(r1.body.error).toEqual({
      code: 'forbidden',
      message: 'your role admin may not team.invite.admin',
    });
    const r2 = await member.api.post(`${T()}/invitations`, { email: 'x2@example.com', role: 'member' });
    expect(r2.body.error.message).toBe('your role member may not team.invite.member');
    expect(
      (await owner.api.post(`${T()}/invitations`, { email: 'x3@example.com', role: 'owner' })).status,
    ).toBe(200);
    const r3 = await member.api.post(`${T()}/members/${admin.id}/confirm`, {
      role: 'admin',
      keys: admin.keys,
      signature: rand(64),
    });
    expect(r3.status).toBe(403);
  });

  it('a non-member learns nothing: 404 on every team route', async () => {
    for (const path of [T(), `${T()}/members`, `${T()}/changes?since=0`, `${T()}/groups`]) {
      const r = await outsider.api.get(path);
      expect(r.status, path).toBe(404);
    }
    expect((await outsider.api.post(`${T()}/accept`)).status).toBe(404);
    expect(
      (
        await outsider.api.post(`${T()}/vaults`, {
          id: uuid(),
          name: envelope(),
          keyGrants: [grant(outsider.id, outsider.id)],
        })
      ).status,
    ).toBe(404);
    expect((await owner.api.get(`/api/v1/teams/${uuid()}/members`)).status).toBe(404);
  });
});

describe('groups and vault sharing', () => {
  let vault: string;
  let group: string;

  it('members read groups, admins manage them', async () => {
    expect((await member.api.post(`${T()}/groups`, { name: 'ops' })).status).toBe(403);
    const g = await admin.api.post(`${T()}/groups`, { name: 'ops' });
    expect(g.status).toBe(200);
    group = g.body.group.id;
    expect((await admin.api.post(`${T()}/groups`, { name: 'ops' })).status).toBe(409);
    const list = await member.api.get(`${T()}/groups`);
    expect(list.body.groups).toEqual([{ id: group, name: 'ops', members: [] }]);
  });

  it('vault creation needs the creator sealed with manage, to readers only', async () => {
    const noSelf = await member.api.post(`${T()}/vaults`, {
      id: uuid(),
      name: envelope(),
      keyGrants: [grant(admin.id, member.id)],
    });
    expect(noSelf.status).toBe(400);
    const wrongGen = await member.api.post(`${T()}/vaults`, {
      id: uuid(),
      name: envelope(),
      keyGrants: [grant(member.id, member.id, 2)],
    });
    expect(wrongGen.status).toBe(409);
    vault = await makeVault(member, team);
    const access = await member.api.get(`${T()}/vaults/${vault}/access`);
    expect(access.body.access).toEqual([
      { principal: { type: 'user', id: member.id }, role: 'manage', name: member.email.split('@')[0] },
    ]);
    // The owner manages every vault but holds no key yet.
    expect(access.body.missingKeys).toEqual([{ userId: owner.id, role: 'manage' }]);
  });

  it('sharing with a group, adding a member with a key, fulfilling missing keys', async () => {
    const share = await member.api.post(`${T()}/vaults/${vault}/access`, {
      principal: { type: 'group', id: group },
      role: 'edit',
      keyGrants: [],
    });
    expect(share.status).toBe(200);
    const add = await admin.api.post(`${T()}/groups/${group}/members`, {
      userId: admin.id,
      keyGrants: [{ ...grant(admin.id, admin.id, 1, 'edit'), vault }],
    });
    expect(add.status).toBe(200);
    let access = await admin.api.get(`${T()}/vaults/${vault}/access`);
    expect(access.body.access).toContainEqual({
      principal: { type: 'group', id: group },
      role: 'edit',
      name: 'ops',
    });
    expect(access.body.missingKeys).toEqual([{ userId: owner.id, role: 'manage' }]);

    expect(
      (await admin.api.post(`${T()}/vaults/${vault}/keys`, { keyGrants: [grant(owner.id, admin.id)] }))
        .status,
    ).toBe(403);
    const toOutsider = await member.api.post(`${T()}/vaults/${vault}/keys`, {
      keyGrants: [grant(outsider.id, member.id)],
    });
    expect(toOutsider.status).toBe(400);
    expect(toOutsider.body.error.message).toMatch(/may not read this vault/);
    const keys = await member.api.post(`${T()}/vaults/${vault}/keys`, {
      keyGrants: [grant(owner.id, member.id)],
    });
    expect(keys.status).toBe(200);
    access = await owner.api.get(`${T()}/vaults/${vault}/access`);
    expect(access.body.missingKeys).toEqual([]);

    const changes = await admin.api.get(`${T()}/changes?since=0`);
    const v = changes.body.vaults.find((x: { id: string }) => x.id === vault);
    expect(v).toMatchObject({ role: 'edit', generation: 1, breakGlass: false });
    // Every grant of every readable vault (clients verify the chain of manage grants).
    expect(changes.body.keyGrants).toContainEqual(
      expect.objectContaining({ vault, recipient: admin.id, generation: 1 }),
    );
    const readable = new Set(changes.body.vaults.map((x: { id: string }) => x.id));
    expect(changes.body.keyGrants.every((g: { vault: string }) => readable.has(g.vault))).toBe(true);
  });

  it('only managers share; grants must come from the caller', async () => {
    const r1 = await admin.api.post(`${T()}/vaults/${vault}/access`, {
      principal: { type: 'user', id: owner.id },
      role: 'view',
      keyGrants: [],
    });
    expect(r1.status).toBe(403);
    expect(r1.body.error.message).toBe('your vault role edit may not vault.share');
    const r2 = await member.api.post(`${T()}/vaults/${vault}/keys`, {
      keyGrants: [grant(owner.id, admin.id)],
    });
    expect(r2.status).toBe(400);
    expect(r2.body.error.message).toMatch(/granter/);
    const r3 = await member.api.post(`${T()}/vaults/${vault}/access`, {
      principal: { type: 'user', id: outsider.id },
      role: 'view',
      keyGrants: [],
    });
    expect(r3.status).toBe(404);
  });

  it('removing a group member takes the vault away', async () => {
    const r = await admin.api.del(`${T()}/groups/${group}/members/${admin.id}`);
    expect(r.status).toBe(200);
    const changes = await admin.api.get(`${T()}/changes?since=0`);
    expect(changes.body.vaults.find((x: { id: string }) => x.id === vault)).toBeUndefined();
    expect((await admin.api.get(`${T()}/vaults/${vault}/access`)).status).toBe(403);
  });

  it('a second owner joins and manages every vault', async () => {
    const co = await newUser(srv.url, 'coowner');
    await join(owner, team, co, 'owner');
    const changes = await co.api.get(`${T()}/changes?since=0`);
    expect(changes.body.vaults.find((x: { id: string }) => x.id === vault)?.role).toBe('manage');
  });
});
