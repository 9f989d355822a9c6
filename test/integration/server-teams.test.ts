// Process: test. Teams on the signed team chain against the real server, over HTTP: link 1
// creates the team, invite / accept / confirm, groups and vault sharing as links, and what the
// server projects and hands out for each. Then the attacks: links a role may not sign, keys
// and payloads that do not match their links, two admins racing on one head, replays, links
// relayed or forged, and removed members. Every refusal is checked twice: the status, and
// that nothing was stored (the chain head, and the projected rows in the database).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainCrypto, signLink } from '../../electron/core/crypto/chain.ts';
import { sodium } from '../../electron/core/crypto/sodium.ts';
import type { ChainLink, LinkType } from '../../shared/chain/links.ts';
import { missingKeys, readersOf, rekeyPending, vaultRoleOf } from '../../shared/chain/state.ts';
import { verifyChain, verifyGenesis } from '../../shared/chain/verify.ts';
import { toB64 } from '../../shared/encoding.ts';
import {
  appendLinks,
  chainOf,
  confirmStep,
  envelope,
  fakeSealedKey,
  formTeam,
  invite,
  type J,
  join,
  makeVault,
  newUser,
  newVaultKeys,
  rand,
  refreshChain,
  type Reply,
  shareVault,
  signNext,
  startTestServer,
  type TestServer,
  type TestUser,
  uuid,
} from '../helpers/server.ts';

let srv: TestServer;
let owner: TestUser;
let admin: TestUser;
let admin2: TestUser;
let member: TestUser;
let late: TestUser;
let outsider: TestUser;
let team: string;
const T = () => `/api/v1/teams/${team}`;

beforeAll(async () => {
  srv = await startTestServer();
  [owner, admin, admin2, member, late, outsider] = await Promise.all([
    newUser(srv.url, 'owner'),
    newUser(srv.url, 'admin'),
    newUser(srv.url, 'admin2'),
    newUser(srv.url, 'member'),
    newUser(srv.url, 'late'),
    newUser(srv.url, 'outsider'),
  ]);
  team = await formTeam(owner, [[admin, 'admin']]);
});
afterAll(async () => {
  await srv?.close();
});

// ---- what the server stores, read straight from its database -----------------------------

async function storedSeq(t = team): Promise<number> {
  const r = await srv.db.query<{ chain_seq: number }>('SELECT chain_seq FROM teams WHERE id = $1', [t]);
  return Number(r.rows[0]?.chain_seq ?? 0);
}

async function teamExists(t: string): Promise<boolean> {
  return (await srv.db.query('SELECT 1 FROM teams WHERE id = $1', [t])).rows.length > 0;
}

async function keyRows(vault: string, user?: string) {
  const r = await srv.db.query<{ recipient: string; generation: number; sealed_key: string }>(
    `SELECT recipient, generation, sealed_key FROM key_grants
      WHERE vault_id = $1 AND ($2::uuid IS NULL OR recipient = $2) ORDER BY generation, recipient`,
    [vault, user ?? null],
  );
  return r.rows.map((k) => ({ ...k, generation: Number(k.generation) }));
}

async function accessRows(vault: string) {
  const r = await srv.db.query<{ principal_type: string; principal_id: string; role: string }>(
    'SELECT principal_type, principal_id, role FROM vault_access WHERE vault_id = $1 ORDER BY principal_id',
    [vault],
  );
  return r.rows;
}

async function groupMembers(group: string): Promise<string[]> {
  const r = await srv.db.query<{ user_id: string }>(
    'SELECT user_id FROM group_members WHERE group_id = $1 ORDER BY user_id',
    [group],
  );
  return r.rows.map((x) => x.user_id);
}

async function membership(user: string) {
  const r = await srv.db.query<{ role: string; status: string }>(
    'SELECT role, status FROM memberships WHERE team_id = $1 AND user_id = $2',
    [team, user],
  );
  return r.rows[0];
}

/** Posts links as `by` exactly as given (no helper signing, no chain refresh). */
function post(by: TestUser, links: unknown[], keys: unknown[] = [], vaults: unknown[] = []): Promise<Reply> {
  return by.api.post(`${T()}/chain`, { links, keys, vaults });
}

const pull = async (u: TestUser, since = 0, seq = 0) => u.api.get(`${T()}/changes?since=${since}&seq=${seq}`);
const forbidden = (r: Reply, message: RegExp, what = '') => {
  expect(r.status, `${what} ${JSON.stringify(r.body)}`).toBe(403);
  expect(r.body.error.code, what).toBe('forbidden');
  expect(r.body.error.message, what).toMatch(message);
};

/** A link 1 for `author`'s account, signed with `signKey` and naming `keys`. */
function genesisLink(
  author: TestUser,
  over: { keys?: TestUser['keys']; email?: string; signKey?: Uint8Array } = {},
): ChainLink {
  return signLink(
    null,
    {
      seq: 1,
      prev: null,
      type: 'team.create',
      author: author.id,
      body: {
        name: `t ${rand(3)}`,
        user: author.id,
        email: over.email ?? author.email,
        keys: over.keys ?? author.keys,
      },
    },
    over.signKey ?? author.signSecretKey,
  );
}

describe('team lifecycle on the chain', () => {
  it('the creator is the confirmed owner and link 1 is the team root', async () => {
    const info = await owner.api.get(T());
    expect(info.status).toBe(200);
    expect(info.body).toEqual({ id: team, name: expect.any(String) });
    const me = await owner.api.get('/api/v1/me');
    expect(me.body.teams).toEqual([
      { id: team, name: expect.any(String), role: 'owner', status: 'confirmed' },
    ]);

    const chain = await owner.api.get(`${T()}/chain?after=0`);
    expect(chain.status).toBe(200);
    expect(chain.body.seq).toBe(3);
    // The team id is the hash of link 1: a client checks the chain against the id it was given.
    const state = verifyChain(chainCrypto, chain.body.links, team);
    expect(state.root).toBe(owner.id);
    expect(state.members.get(owner.id)).toMatchObject({ role: 'owner', keys: owner.keys });
    expect(state.members.get(admin.id)).toMatchObject({
      role: 'admin',
      keys: admin.keys,
      status: 'confirmed',
    });
    const tail = await owner.api.get(`${T()}/chain?after=2`);
    expect(tail.body).toEqual({ seq: 3, links: [chain.body.links[2]] });

    // The same link 1 again is the same team id: refused, not a second copy.
    const again = await owner.api.post('/api/v1/teams', { link: chain.body.links[0] });
    expect(again.status).toBe(409);
  });

  it('link 1 must name the caller: own account, own email, the keys published at signup', async () => {
    // Guards the team.create check: without it a caller could root a team in keys the server
    // never saw (or in someone else's account) and every member would trust them.
    const box = sodium().crypto_box_keypair();
    const sign = sodium().crypto_sign_keypair();
    const foreignKeys = { boxPublicKey: toB64(box.publicKey), signPublicKey: toB64(sign.publicKey) };
    const cases: [string, ChainLink, RegExp][] = [
      [
        'keys not published',
        genesisLink(owner, { keys: foreignKeys, signKey: sign.privateKey }),
        /own account/,
      ],
      [
        'another box key',
        genesisLink(owner, { keys: { ...owner.keys, boxPublicKey: foreignKeys.boxPublicKey } }),
        /own/,
      ],
      ['another email', genesisLink(owner, { email: 'someone-else@example.com' }), /own account/],
      ['another account', genesisLink(admin), /own account/],
      ['a bad signature', { ...genesisLink(owner), sig: genesisLink(owner).sig }, /bad signature/],
    ];
    for (const [what, link, message] of cases) {
      const r = await owner.api.post('/api/v1/teams', { link });
      expect(r.status, what).toBe(400);
      expect(r.body.error.message, what).toMatch(message);
      const id = (() => {
        try {
          return verifyGenesis(chainCrypto, link).team;
        } catch {
          return null;
        }
      })();
      if (id) expect(await teamExists(id), what).toBe(false);
    }
  });

  it('invite, accept, confirm', async () => {
    const before = await storedSeq();
    // The signed body is what members verify, so it must already be in canonical (lower) case.
    forbidden(await invite(admin, team, member.email.toUpperCase(), 'member'), /lower case/);
    expect(await storedSeq()).toBe(before);
    expect((await invite(admin, team, member.email, 'member')).status).toBe(200);

    const me = await member.api.get('/api/v1/me');
    expect(me.body.invitations).toEqual([{ teamId: team, teamName: expect.any(String), role: 'member' }]);
    expect((await member.api.get(T())).status).toBe(200);
    // An invitee reads the chain (to check link 1 against the invite code), nothing else.
    expect((await member.api.get(`${T()}/chain?after=0`)).status).toBe(200);
    expect((await member.api.get(`${T()}/members`)).status).toBe(403);
    expect((await pull(member)).status).toBe(403);
    expect(
      (await post(member, [signNext(member, chainOf(team), 'group.create', { group: uuid(), name: 'x' })]))
        .status,
    ).toBe(403);

    const acc = await member.api.post(`${T()}/accept`);
    expect(acc.status).toBe(200);
    expect(acc.body.team).toEqual({ id: team, name: expect.any(String) });
    expect((await member.api.post(`${T()}/accept`)).status).toBe(409);

    let list = await admin.api.get(`${T()}/members`);
    const pending = list.body.members.find((m: J) => m.email === member.email);
    expect(pending).toEqual({
      userId: member.id,
      email: member.email,
      name: expect.any(String),
      role: 'member',
      status: 'accepted',
      keys: member.keys,
    });

    // Guards member.confirm's key check: the chain cannot know what the member published, the
    // server does; vouching for other keys (a man in the middle) is refused and nothing moves.
    const atConfirm = await storedSeq();
    const wrongKeys = { boxPublicKey: rand(32), signPublicKey: member.keys.signPublicKey };
    const c1 = await appendLinks(admin, team, [
      ['member.confirm', { user: member.id, email: member.email, keys: wrongKeys, role: 'member' }],
    ]);
    expect(c1.status).toBe(409);
    expect(c1.body.error.message).toMatch(/keys/);
    const c1b = await appendLinks(admin, team, [
      ['member.confirm', { user: member.id, email: member.email, keys: late.keys, role: 'member' }],
    ]);
    expect(c1b.status).toBe(409);
    // The invitation's email confirmed onto another account is refused too.
    const c1c = await appendLinks(admin, team, [
      ['member.confirm', { user: outsider.id, email: member.email, keys: outsider.keys, role: 'member' }],
    ]);
    expect(c1c.status).toBe(409);
    const c2 = await appendLinks(admin, team, [confirmStep(member, 'admin')]);
    forbidden(c2, /invited as member, not admin/);
    expect(await storedSeq()).toBe(atConfirm);
    expect(await membership(member.id)).toEqual({ role: 'member', status: 'accepted' });

    expect((await appendLinks(admin, team, [confirmStep(member, 'member')])).status).toBe(200);
    expect(await membership(member.id)).toEqual({ role: 'member', status: 'confirmed' });
    list = await owner.api.get(`${T()}/members`);
    expect(list.body.members.find((m: J) => m.email === member.email)).toMatchObject({
      status: 'confirmed',
      keys: member.keys,
    });
    expect(list.body.members.every((m: J) => !('entry' in m))).toBe(true);

    // The pull carries the chain; the directory is what its signatures say, keys included.
    const changes = await pull(member);
    expect(changes.status).toBe(200);
    const state = verifyChain(chainCrypto, changes.body.chain.links, team);
    expect(changes.body.chain.seq).toBe(state.seq);
    expect([...state.members.keys()].sort()).toEqual([owner.id, admin.id, member.id].sort());
    expect(state.members.get(member.id)).toMatchObject({ role: 'member', keys: member.keys });
    expect(state.members.get(owner.id)).toMatchObject({ role: 'owner', keys: owner.keys });
    const delta = await pull(member, changes.body.revision, state.seq - 1);
    expect(delta.body.chain).toEqual({ seq: state.seq, links: [changes.body.chain.links.at(-1)] });
    await refreshChain(owner, team);
  });

  it('roles bound who may invite and confirm whom', async () => {
    const next = () => chainOf(team).seq + 1;
    await refreshChain(owner, team);
    const r1 = await invite(admin, team, 'x1@example.com', 'admin');
    expect(r1.body.error).toEqual({
      code: 'forbidden',
      message: `team chain link ${next()}: a admin may not invite a admin`,
    });
    forbidden(await invite(member, team, 'x2@example.com', 'member'), /a member may not invite a member/);
    expect((await invite(owner, team, 'x3@example.com', 'owner')).status).toBe(200);

    expect((await invite(admin, team, late.email, 'member')).status).toBe(200);
    expect((await late.api.post(`${T()}/accept`)).status).toBe(200);
    forbidden(
      await appendLinks(member, team, [confirmStep(late, 'member')]),
      /a member may not confirm a member/,
    );
    expect(await membership(late.id)).toEqual({ role: 'member', status: 'accepted' });
    expect((await appendLinks(admin, team, [confirmStep(late, 'member')])).status).toBe(200);
  });

  it('a non-member learns nothing: 404 on every team route', async () => {
    const state = await refreshChain(owner, team);
    const link = signNext(outsider, state, 'group.create', { group: uuid(), name: 'x' });
    const probes: [string, () => Promise<Reply>][] = [
      ['team', () => outsider.api.get(T())],
      ['members', () => outsider.api.get(`${T()}/members`)],
      ['chain', () => outsider.api.get(`${T()}/chain?after=0`)],
      ['changes', () => pull(outsider)],
      ['events', () => outsider.api.get(`${T()}/events`)],
      ['accept', () => outsider.api.post(`${T()}/accept`)],
      ['append', () => post(outsider, [link])],
      ['item', () => outsider.api.get(`${T()}/vaults/${uuid()}/items/${uuid()}/versions`)],
    ];
    for (const [what, probe] of probes) expect((await probe()).status, what).toBe(404);
    expect(await storedSeq()).toBe(state.seq);
    expect((await owner.api.get(`/api/v1/teams/${uuid()}/members`)).status).toBe(404);
    expect((await owner.api.get(`/api/v1/teams/${uuid()}/chain?after=0`)).status).toBe(404);
  });
});

describe('groups and vault sharing as links', () => {
  let vault: string;
  let group: string;
  let item: string;

  it('admins manage groups; members read them from the chain', async () => {
    const seq = await storedSeq();
    forbidden(
      await appendLinks(member, team, [['group.create', { group: uuid(), name: 'ops' }]]),
      /a member may not manage groups/,
    );
    group = uuid();
    expect((await appendLinks(admin, team, [['group.create', { group, name: 'ops' }]])).status).toBe(200);
    expect(await storedSeq()).toBe(seq + 1);
    forbidden(await appendLinks(admin, team, [['group.create', { group, name: 'ops2' }]]), /already exists/);
    expect((await appendLinks(admin, team, [['group.create', { group: uuid(), name: 'ops' }]])).status).toBe(
      409,
    );
    const state = await refreshChain(member, team);
    expect(state.groups.get(group)).toEqual({ name: 'ops', members: new Set() });
    expect(await storedSeq()).toBe(seq + 1);
  });

  it('a new vault: its creator manages it, its key goes to exactly the entitled readers', async () => {
    const state = await refreshChain(member, team);
    const seq = state.seq;
    const id = uuid();
    const create = (keys: { user: string; sealedKey: string; keyHash: string }[], generation = 1) =>
      appendLinks(
        member,
        team,
        [
          [
            'vault.create',
            { vault: id, generation, keys: keys.map(({ user, keyHash }) => ({ user, keyHash })) },
          ],
        ],
        {
          keys: keys.map(({ user, sealedKey }) => ({ vault: id, generation, user, sealedKey })),
          vaults: [{ vault: id, generation, name: envelope() }],
        },
      );
    const readers = newVaultKeys(state, member.id);
    expect(readers.map((k) => k.user).sort()).toEqual([member.id, owner.id].sort());
    // The owner left out (she manages every vault), or an admin slipped in: both refused.
    forbidden(await create(readers.filter((k) => k.user !== owner.id)), /exactly the entitled readers/);
    forbidden(
      await create([...readers, { user: admin.id, ...fakeSealedKey() }]),
      /exactly the entitled readers/,
    );
    forbidden(await create(readers, 2), /malformed vault.create/);
    const noName = await appendLinks(
      member,
      team,
      [
        [
          'vault.create',
          { vault: id, generation: 1, keys: readers.map(({ user, keyHash }) => ({ user, keyHash })) },
        ],
      ],
      { keys: readers.map(({ user, sealedKey }) => ({ vault: id, generation: 1, user, sealedKey })) },
    );
    expect(noName.status).toBe(400);
    expect(noName.body.error.message).toMatch(/needs the vault's name/);
    expect(await storedSeq()).toBe(seq);
    expect((await srv.db.query('SELECT 1 FROM vaults WHERE id = $1', [id])).rows).toEqual([]);
    expect(await keyRows(id)).toEqual([]);

    vault = await makeVault(member, team);
    const after = await refreshChain(member, team);
    const v = after.vaults.get(vault)!;
    expect([...v.grants]).toEqual([[`user:${member.id}`, 'manage']]);
    expect([...v.keyHolders.keys()].sort()).toEqual([member.id, owner.id].sort());
    expect(missingKeys(after, v)).toEqual([]);
    expect(await accessRows(vault)).toEqual([
      { principal_type: 'user', principal_id: member.id, role: 'manage' },
    ]);

    item = uuid();
    const put = await member.api.put(`${T()}/vaults/${vault}/items/${item}`, {
      baseVersion: 0,
      version: 1,
      generation: 1,
      envelope: envelope(),
      signature: rand(64),
    });
    expect(put.status).toBe(200);
    const mine = await pull(member);
    expect(mine.body.vaults.find((x: J) => x.id === vault)).toEqual({
      id: vault,
      name: expect.any(Object),
      generation: 1,
      breakGlass: false,
      revision: expect.any(Number),
      nameRevision: expect.any(Number),
    });
    const [own] = await keyRows(vault, member.id);
    expect(mine.body.keys.filter((k: J) => k.vault === vault)).toEqual([
      { vault, generation: 1, sealedKey: own!.sealed_key },
    ]);
    expect((await pull(admin)).body.vaults.some((x: J) => x.id === vault)).toBe(false);
  });

  it('finding 8: an admin without manage on a group-shared vault cannot add anyone to the group', async () => {
    const grant = await appendLinks(member, team, [
      ['vault.grant', { vault, principal: { kind: 'group', id: group }, role: 'edit' }],
    ]);
    expect(grant.status).toBe(200);
    const seq = await storedSeq();
    // Guards rules.ts group.add: adding to a group shares its vaults, so it needs manage on
    // each; without it an admin adds herself and waits for a manager to seal her the key.
    forbidden(
      await appendLinks(admin, team, [['group.add', { group, user: admin.id }]]),
      /does not manage vault/,
    );
    forbidden(
      await appendLinks(admin, team, [['group.add', { group, user: late.id }]]),
      /does not manage vault/,
    );
    expect(await storedSeq()).toBe(seq);
    expect(await groupMembers(group)).toEqual([]);
    expect((await pull(admin)).body.vaults.some((x: J) => x.id === vault)).toBe(false);

    // An owner manages every vault, so she may.
    expect((await appendLinks(owner, team, [['group.add', { group, user: admin.id }]])).status).toBe(200);
    expect(await groupMembers(group)).toEqual([admin.id]);
    const state = await refreshChain(admin, team);
    expect(vaultRoleOf(state, state.vaults.get(vault)!, admin.id)).toBe('edit');
    expect(missingKeys(state, state.vaults.get(vault)!)).toEqual([admin.id]);
    const mine = await pull(admin);
    expect(mine.body.vaults.some((x: J) => x.id === vault)).toBe(true);
    expect(mine.body.keys.filter((k: J) => k.vault === vault)).toEqual([]);
  });

  it('finding 7: an editor, or a member without access, cannot deliver a key or share', async () => {
    const seq = await storedSeq();
    const k = fakeSealedKey();
    const deliver = (by: TestUser, user: string, extra: [LinkType, Record<string, unknown>][] = []) =>
      appendLinks(by, team, [...extra, ['key.deliver', { vault, generation: 1, user, keyHash: k.keyHash }]], {
        keys: [{ vault, generation: 1, user, sealedKey: k.sealedKey }],
      });
    // Guards rules.ts key.deliver and vault.grant needing manage: an editor could otherwise
    // seal keys of her own choosing to anyone, or hand herself (or a friend) manage.
    forbidden(await deliver(admin, admin.id), /does not manage vault/);
    forbidden(await deliver(late, admin.id), /does not manage vault/);
    for (const by of [admin, late]) {
      for (const [to, role] of [
        [late.id, 'view'],
        [by.id, 'manage'],
      ] as const) {
        const r = await appendLinks(by, team, [
          ['vault.grant', { vault, principal: { kind: 'user', id: to }, role }],
        ]);
        forbidden(r, /does not manage vault/);
      }
    }
    // A batch is all or nothing: a good first link does not survive a refused second one.
    const g = uuid();
    forbidden(
      await deliver(admin, admin.id, [['group.create', { group: g, name: 'sneaky' }]]),
      /does not manage/,
    );
    expect((await srv.db.query('SELECT 1 FROM groups WHERE id = $1', [g])).rows).toEqual([]);

    expect(await storedSeq()).toBe(seq);
    expect(await keyRows(vault, admin.id)).toEqual([]);
    expect((await accessRows(vault)).map((a) => a.principal_id).sort()).toEqual([group, member.id].sort());
    expect((await pull(admin)).body.keys.filter((x: J) => x.vault === vault)).toEqual([]);
    expect((await pull(late)).body.vaults.some((x: J) => x.id === vault)).toBe(false);

    // A manager may deliver, and only to someone the chain lets read the vault.
    forbidden(await deliver(member, outsider.id), /is not a member|may not read/);
    forbidden(await deliver(member, late.id), /may not read vault/);
    expect((await deliver(member, admin.id)).status).toBe(200);
    const mine = await pull(admin);
    expect(mine.body.keys.filter((x: J) => x.vault === vault)).toEqual([
      { vault, generation: 1, sealedKey: k.sealedKey },
    ]);
    const state = await refreshChain(admin, team);
    expect(missingKeys(state, state.vaults.get(vault)!)).toEqual([]);
  });

  it('grants name members of the team; the pull hands each caller only the keys sealed to them', async () => {
    forbidden(
      await appendLinks(member, team, [
        ['vault.grant', { vault, principal: { kind: 'user', id: outsider.id }, role: 'view' }],
      ]),
      /is not in the team/,
    );
    forbidden(
      await appendLinks(member, team, [
        ['vault.grant', { vault, principal: { kind: 'group', id: uuid() }, role: 'view' }],
      ]),
      /is not in the team/,
    );
    const seen = new Set<string>();
    for (const u of [owner, admin, member]) {
      const r = await pull(u);
      const keys = r.body.keys.filter((k: J) => k.vault === vault);
      const stored = await keyRows(vault, u.id);
      expect(keys, u.email).toEqual(
        stored.map((s) => ({ vault, generation: s.generation, sealedKey: s.sealed_key })),
      );
      expect(keys).toHaveLength(1);
      expect(seen.has(keys[0].sealedKey)).toBe(false);
      seen.add(keys[0].sealedKey);
      expect(r.body.vaults.find((v: J) => v.id === vault)).not.toHaveProperty('role');
      expect(r.body).not.toHaveProperty('keyGrants');
    }
  });

  it('finding 9: a group removal by an admin who cannot read the vault leaves a re-key pending', async () => {
    await join(owner, team, admin2, 'admin');
    let state = await refreshChain(admin2, team);
    expect(vaultRoleOf(state, state.vaults.get(vault)!, admin2.id)).toBeNull();
    expect((await appendLinks(admin2, team, [['group.remove', { group, user: admin.id }]])).status).toBe(200);
    expect(await groupMembers(group)).toEqual([]);
    const gone = await pull(admin);
    expect(gone.body.vaults.some((x: J) => x.id === vault)).toBe(false);
    expect(gone.body.items.some((x: J) => x.vault === vault)).toBe(false);
    expect(gone.body.keys.some((x: J) => x.vault === vault)).toBe(false);

    // Guards state.ts rekeyPending: admin still holds the current key, so whoever manages the
    // vault next must re-key it; the admin who removed her cannot, and neither can she.
    state = await refreshChain(owner, team);
    const v = state.vaults.get(vault)!;
    expect(v.keyHolders.has(admin.id)).toBe(true);
    expect(rekeyPending(state, v)).toBe(true);
    expect(readersOf(state, v)).toEqual([member.id, owner.id].sort());

    const rekey = (by: TestUser) => {
      const keys = readersOf(chainOf(team), v).map((user) => ({ user, ...fakeSealedKey() }));
      return appendLinks(
        by,
        team,
        [
          [
            'vault.rekey',
            { vault, generation: 2, keys: keys.map(({ user, keyHash }) => ({ user, keyHash })) },
          ],
        ],
        {
          keys: keys.map(({ user, sealedKey }) => ({ vault, generation: 2, user, sealedKey })),
          vaults: [
            {
              vault,
              generation: 2,
              name: envelope(),
              items: [{ id: item, version: 2, envelope: envelope(), signature: rand(64) }],
            },
          ],
        },
      );
    };
    const seq = await storedSeq();
    for (const by of [admin2, admin, late]) forbidden(await rekey(by), /does not manage vault/);
    expect(await storedSeq()).toBe(seq);
    expect(await keyRows(vault).then((ks) => ks.filter((k) => k.generation === 2))).toEqual([]);
    const stored = await srv.db.query<{ generation: number }>('SELECT generation FROM vaults WHERE id = $1', [
      vault,
    ]);
    expect(Number(stored.rows[0]!.generation)).toBe(1);

    expect((await rekey(member)).status).toBe(200);
    state = await refreshChain(owner, team);
    expect(rekeyPending(state, state.vaults.get(vault)!)).toBe(false);
    expect((await keyRows(vault)).filter((k) => k.generation === 2).map((k) => k.recipient)).toEqual(
      [member.id, owner.id].sort(),
    );
    const items = await srv.db.query<{ generation: number; version: number }>(
      'SELECT generation, version FROM items WHERE id = $1',
      [item],
    );
    expect(items.rows.map((r) => [Number(r.generation), Number(r.version)])).toEqual([[2, 2]]);
  });

  it('a second owner joins and manages every vault', async () => {
    const co = await newUser(srv.url, 'coowner');
    await join(owner, team, co, 'owner');
    const state = await refreshChain(co, team);
    const v = state.vaults.get(vault)!;
    expect(vaultRoleOf(state, v, co.id)).toBe('manage');
    expect(missingKeys(state, v)).toEqual([co.id]);
    const changes = await pull(co);
    expect(changes.body.vaults.some((x: J) => x.id === vault)).toBe(true);
    expect(changes.body.keys.filter((k: J) => k.vault === vault)).toEqual([]);
    const k = fakeSealedKey();
    const r = await appendLinks(
      co,
      team,
      [['key.deliver', { vault, generation: 2, user: co.id, keyHash: k.keyHash }]],
      {
        keys: [{ vault, generation: 2, user: co.id, sealedKey: k.sealedKey }],
      },
    );
    expect(r.status).toBe(200);
    expect((await pull(co)).body.keys).toContainEqual({ vault, generation: 2, sealedKey: k.sealedKey });
  });
});

describe('attacks on the append', () => {
  let vault: string;

  beforeAll(async () => {
    vault = await makeVault(owner, team);
  });

  it('two admins sign on the same head: the second is a conflict, the chain holds only the first', async () => {
    const state = await refreshChain(owner, team);
    const [ga, gb] = [uuid(), uuid()];
    const a = signNext(admin, state, 'group.create', { group: ga, name: 'race-a' });
    const b = signNext(admin2, state, 'group.create', { group: gb, name: 'race-b' });
    expect((await post(admin, [a])).status).toBe(200);
    // Guards the compare-and-set in chain-append.ts: without it both would be stored at one
    // seq, or b would be judged against a state it was not signed on, forking the chain.
    const second = await post(admin2, [b]);
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('conflict');
    const chain = await owner.api.get(`${T()}/chain?after=${state.seq}`);
    expect(chain.body).toEqual({ seq: state.seq + 1, links: [a] });
    expect((await srv.db.query('SELECT 1 FROM groups WHERE id = $1', [gb])).rows).toEqual([]);
    await refreshChain(owner, team);
  });

  it('a link already stored, replayed, is a conflict and changes nothing', async () => {
    const before = await owner.api.get(`${T()}/chain?after=0`);
    const links = before.body.links as ChainLink[];
    for (const replay of [[links.at(-1)], [links[1]], links.slice(-2)]) {
      const r = await post(owner, replay);
      expect(r.status).toBe(409);
    }
    // The stored tail, replayed by its own author with the keys it once carried.
    const k = fakeSealedKey();
    const state = await refreshChain(owner, team);
    const grant = signNext(owner, state, 'vault.grant', {
      vault,
      principal: { kind: 'user', id: late.id },
      role: 'view',
    });
    expect((await post(owner, [grant])).status).toBe(200);
    const deliver = signNext(owner, await refreshChain(owner, team), 'key.deliver', {
      vault,
      generation: 1,
      user: late.id,
      keyHash: k.keyHash,
    });
    const key = { vault, generation: 1, user: late.id, sealedKey: k.sealedKey };
    expect((await post(owner, [deliver], [key])).status).toBe(200);
    expect((await post(owner, [deliver], [key])).status).toBe(409);
    expect(await keyRows(vault, late.id)).toHaveLength(1);
    const after = await owner.api.get(`${T()}/chain?after=0`);
    expect(after.body.links).toEqual([...links, grant, deliver]);
    await refreshChain(owner, team);
  });

  it('a link must be appended by its author', async () => {
    const state = await refreshChain(owner, team);
    const g = uuid();
    const link = signNext(admin, state, 'group.create', { group: g, name: 'relayed' });
    // Guards the author check in chain-append.ts: otherwise anyone holding another member's
    // signed link (left unsent, or sent to another server) could append it in their name.
    const r = await post(owner, [link]);
    forbidden(r, /you may only append links you signed/);
    expect(await storedSeq()).toBe(state.seq);
    expect((await post(admin, [link])).status).toBe(200);
    await refreshChain(owner, team);
  });

  it("a bad signature is refused: edited body, borrowed signature, a key that is not the author's", async () => {
    const state = await refreshChain(owner, team);
    const body = { email: `${uuid()}@example.com`, role: 'member' };
    const good = signNext(admin, state, 'member.invite', body);
    const other = signNext(admin, state, 'member.invite', { ...body, email: `${uuid()}@example.com` });
    const stranger = sodium().crypto_sign_keypair();
    const forged = signLink(
      team,
      { seq: state.seq + 1, prev: state.head, type: 'member.invite', author: admin.id, body },
      stranger.privateKey,
    );
    const cases: [string, ChainLink][] = [
      ['edited body', { ...good, body: { ...body, role: 'admin' } }],
      ['borrowed signature', { ...good, sig: other.sig }],
      ['stranger key', forged],
      ['empty signature', { ...good, sig: '' }],
    ];
    for (const [what, link] of cases) forbidden(await post(admin, [link]), /bad signature/, what);
    expect(await storedSeq()).toBe(state.seq);
    const m = await srv.db.query('SELECT 1 FROM memberships WHERE team_id = $1 AND email = $2', [
      team,
      body.email,
    ]);
    expect(m.rows).toEqual([]);
  });

  it("a key whose bytes do not hash to the link's keyHash is refused, and nothing is stored", async () => {
    const other = await newUser(srv.url, 'other');
    await join(owner, team, other, 'member');
    expect(
      (
        await appendLinks(owner, team, [
          ['vault.grant', { vault, principal: { kind: 'user', id: other.id }, role: 'view' }],
        ])
      ).status,
    ).toBe(200);
    const seq = await storedSeq();
    const [k1, k2] = [fakeSealedKey(), fakeSealedKey()];
    // Guards chain-effects.ts takeKeys: the link vouches for one key, the server must store
    // that one and not another the uploader swapped in (or a stale, or garbage, copy).
    for (const sealedKey of [k2.sealedKey, `${k1.sealedKey}AA`, 'not base64!']) {
      const r = await appendLinks(
        owner,
        team,
        [['key.deliver', { vault, generation: 1, user: other.id, keyHash: k1.keyHash }]],
        { keys: [{ vault, generation: 1, user: other.id, sealedKey }] },
      );
      expect(r.status, sealedKey).toBe(400);
    }
    const missing = await appendLinks(owner, team, [
      ['key.deliver', { vault, generation: 1, user: other.id, keyHash: k1.keyHash }],
    ]);
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/was not sent/);
    // The same for a new vault: its keys must be the ones its link names.
    const id = uuid();
    const readers = newVaultKeys(await refreshChain(owner, team), owner.id);
    const bad = await appendLinks(
      owner,
      team,
      [
        [
          'vault.create',
          { vault: id, generation: 1, keys: readers.map(({ user, keyHash }) => ({ user, keyHash })) },
        ],
      ],
      {
        keys: readers.map(({ user }) => ({
          vault: id,
          generation: 1,
          user,
          sealedKey: fakeSealedKey().sealedKey,
        })),
        vaults: [{ vault: id, generation: 1, name: envelope() }],
      },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/does not match the hash/);
    expect(await storedSeq()).toBe(seq);
    expect(await keyRows(vault, other.id)).toEqual([]);
    expect((await srv.db.query('SELECT 1 FROM vaults WHERE id = $1', [id])).rows).toEqual([]);
    expect((await pull(other)).body.keys).toEqual([]);
  });

  it('a key or a vault payload that no link names is refused, and the batch with it', async () => {
    const state = await refreshChain(owner, team);
    const target = [...state.members.values()].find(
      (m) =>
        m.status === 'confirmed' &&
        m.role === 'member' &&
        !vaultRoleOf(state, state.vaults.get(vault)!, m.user),
    )!;
    const k = fakeSealedKey();
    // Guards checkAllTaken: a key no link vouches for would reach its "recipient" as if a
    // manager had sealed it, so a member could plant a key of her choosing.
    const r1 = await appendLinks(
      owner,
      team,
      [['vault.grant', { vault, principal: { kind: 'user', id: target.user }, role: 'view' }]],
      { keys: [{ vault, generation: 1, user: target.user, sealedKey: k.sealedKey }] },
    );
    expect(r1.status).toBe(400);
    expect(r1.body.error.message).toMatch(/no link in this batch records the key/);
    // One key named, one more riding along.
    const k2 = fakeSealedKey();
    const r2 = await appendLinks(
      owner,
      team,
      [
        ['vault.grant', { vault, principal: { kind: 'user', id: target.user }, role: 'view' }],
        ['key.deliver', { vault, generation: 1, user: target.user, keyHash: k.keyHash }],
      ],
      {
        keys: [
          { vault, generation: 1, user: target.user, sealedKey: k.sealedKey },
          { vault, generation: 1, user: admin2.id, sealedKey: k2.sealedKey },
        ],
      },
    );
    expect(r2.status).toBe(400);
    const r3 = await appendLinks(owner, team, [['group.create', { group: uuid(), name: 'p' }]], {
      vaults: [{ vault, generation: 2, name: envelope() }],
    });
    expect(r3.status).toBe(400);
    expect(r3.body.error.message).toMatch(/no link in this batch creates or re-keys/);
    expect(await storedSeq()).toBe(state.seq);
    expect(await keyRows(vault, target.user)).toEqual([]);
    expect(await keyRows(vault, admin2.id)).toEqual([]);
    expect((await accessRows(vault)).some((a) => a.principal_id === target.user)).toBe(false);
  });
});

describe('a removed member', () => {
  it('gets 403 on pull and on append, and loses every grant and group place', async () => {
    const leaver = await newUser(srv.url, 'leaver');
    await join(owner, team, leaver, 'member');
    const vault = await makeVault(owner, team);
    await shareVault(owner, team, vault, { kind: 'user', id: leaver.id }, 'edit');
    const group = uuid();
    expect(
      (
        await appendLinks(admin, team, [
          ['group.create', { group, name: 'leavers' }],
          ['group.add', { group, user: leaver.id }],
        ])
      ).status,
    ).toBe(200);
    expect((await pull(leaver)).status).toBe(200);

    expect(
      (await appendLinks(admin, team, [['member.remove', { user: leaver.id, reason: 'removed' }]])).status,
    ).toBe(200);
    // Guards memberOf refusing removed members (and the chain refusing their links): a removed
    // member who kept her session must not read the team or sign anything more into it.
    forbidden(await pull(leaver), /removed/);
    const state = await refreshChain(owner, team);
    const link = signNext(leaver, state, 'vault.grant', {
      vault,
      principal: { kind: 'user', id: leaver.id },
      role: 'manage',
    });
    forbidden(await post(leaver, [link]), /removed/);
    forbidden(await leaver.api.get(`${T()}/chain?after=0`), /removed/);
    forbidden(await leaver.api.get(`${T()}/members`), /removed/);
    forbidden(
      await leaver.api.put(`${T()}/vaults/${vault}/items/${uuid()}`, {
        baseVersion: 0,
        version: 1,
        generation: 1,
        envelope: envelope(),
        signature: rand(64),
      }),
      /removed/,
    );
    // The link, relayed by a member in good standing, is still the removed author's.
    forbidden(await post(owner, [link]), /you may only append links you signed/);
    expect(await storedSeq()).toBe(state.seq);
    expect(await membership(leaver.id)).toEqual({ role: 'member', status: 'removed' });
    expect((await accessRows(vault)).some((a) => a.principal_id === leaver.id)).toBe(false);
    expect(await groupMembers(group)).toEqual([]);
    expect(state.members.get(leaver.id)?.status).toBe('removed');
    expect(rekeyPending(state, state.vaults.get(vault)!)).toBe(true);
    const me = await leaver.api.get('/api/v1/me');
    expect(me.body.teams.some((t: J) => t.id === team)).toBe(false);
  });
});
