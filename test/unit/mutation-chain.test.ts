// Process: test (plain Node, vitest).
// The team chain's edges that the role-table and hostile-server suites leave open, found by
// `npm run mutate`: the exact canonical bytes, the invite code against an independent encoder,
// every refusal of every rule with its exact message, the state helpers, and the verifier's own
// checks (with a crypto that accepts any signature, so the checks in front of it must hold on
// their own). Chains are built inside each test, not in beforeAll, so each rule is reached by
// the test that names it. Tests that load a module afresh do so because its schemas, labels and
// tables are built when it loads.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { canonicalJson } from '../../shared/chain/canonical.ts';
import type { ChainLink, LinkType } from '../../shared/chain/links.ts';
import {
  chainLinkSchema,
  hashedMessage,
  linkBodies,
  signedMessage,
  teamIdFromHash,
} from '../../shared/chain/links.ts';
import { applyLink } from '../../shared/chain/rules.ts';
import {
  activeMember,
  cloneState,
  missingKeys,
  principalKey,
  readersOf,
  rekeyPending,
  stateFromJson,
  stateToJson,
  type TeamState,
  vaultRoleOf,
} from '../../shared/chain/state.ts';
import {
  type ChainCrypto,
  ChainError,
  checkExtends,
  extendChain,
  sodiumChainCrypto,
  verifyChain,
  verifyGenesis,
} from '../../shared/chain/verify.ts';
import { fromB64, toB64, utf8 } from '../../shared/encoding.ts';
import { chainCrypto, signLink } from '../../electron/core/crypto/chain.ts';
import { initSodium, sodium } from '../../electron/core/crypto/sodium.ts';
import { type Actor, actor, Chain, fakeKeyHash } from '../helpers/chain.ts';

beforeAll(async () => {
  await initSodium();
});

/** Actors with ids chosen so that insertion order and sorted order differ (the root sorts last). */
let counter = 0;
function person(name: string): Actor {
  counter++;
  return { ...actor(name), id: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}` };
}
function rootPerson(name: string): Actor {
  return { ...actor(name), id: 'ffffffff-ffff-4fff-bfff-ffffffffffff' };
}
const uuid = (n: number) => `11111111-1111-4111-8111-${String(n).padStart(12, '0')}`;

/** The error extending `c` by one link of `author` throws, or null when it is accepted. */
function attempt(c: Chain, author: Actor, type: LinkType, body: Record<string, unknown>): ChainError | null {
  try {
    extendChain(chainCrypto, c.state, [c.next(author, type, body)]);
    return null;
  } catch (e) {
    if (e instanceof ChainError) return e;
    throw e;
  }
}

/** Expects exactly this refusal, at the next seq. */
function refuses(c: Chain, author: Actor, type: LinkType, body: Record<string, unknown>, message: string) {
  const err = attempt(c, author, type, body);
  expect(err, `${type} should be refused`).toBeInstanceOf(ChainError);
  expect(err!.seq).toBe(c.state.seq + 1);
  expect(err!.message).toBe(`team chain link ${c.state.seq + 1}: ${message}`);
}

/** A team: root owner O, admin A, members M and N. */
function team() {
  const p = { O: rootPerson('o'), A: person('a'), M: person('m'), N: person('n') };
  const c = new Chain(p.O);
  c.join(p.O, p.A, 'admin').join(p.A, p.M, 'member').join(p.A, p.N, 'member');
  return { c, ...p };
}

const readerKeys = (users: string[], gen = 1) =>
  users.map((user) => ({ user, keyHash: fakeKeyHash(user, gen) }));

describe('canonical form', () => {
  it('writes scalars as JSON does', () => {
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson(true)).toBe('true');
    expect(canonicalJson(false)).toBe('false');
    expect(canonicalJson(0)).toBe('0');
    expect(canonicalJson(-42)).toBe('-42');
    expect(canonicalJson(Number.MAX_SAFE_INTEGER)).toBe('9007199254740991');
    expect(canonicalJson('')).toBe('""');
    expect(canonicalJson('a"b\\\n')).toBe('"a\\"b\\\\\\n"');
  });

  it('sorts object keys at every depth, whatever order they were written in', () => {
    expect(canonicalJson({})).toBe('{}');
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson({ b: 1, a: { d: [2, 'x', null, false], c: 'y' } })).toBe(
      '{"a":{"c":"y","d":[2,"x",null,false]},"b":1}',
    );
    expect(canonicalJson([{ z: true, y: [] }])).toBe('[{"y":[],"z":true}]');
    expect(canonicalJson({ '"q': 1 })).toBe('{"\\"q":1}');
  });

  it.each([
    ['a fraction', 1.5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['an unsafe integer', 2 ** 53],
  ])('refuses %s', (_what, n) => {
    expect(() => canonicalJson(n)).toThrow(new TypeError('canonical form holds integers only'));
    expect(() => canonicalJson({ n })).toThrow(TypeError);
  });

  it.each([
    ['undefined', undefined, 'undefined'],
    ['a function', () => 1, 'function'],
    ['a bigint', 1n, 'bigint'],
    ['a symbol', Symbol('s'), 'symbol'],
    ['a Date', new Date(0), 'object'],
    ['a Map', new Map(), 'object'],
    ['an object without a prototype', Object.create(null), 'object'],
    ['a class instance', new (class Box {})(), 'object'],
  ])('refuses %s, also nested', (_what, value, kind) => {
    expect(() => canonicalJson(value)).toThrow(new TypeError(`canonical form cannot hold a ${kind}`));
    expect(() => canonicalJson([1, value])).toThrow(TypeError);
    expect(() => canonicalJson({ a: { b: value } })).toThrow(TypeError);
  });
});

describe('invite codes', () => {
  type InviteCode = typeof import('../../shared/chain/invite-code.ts');
  async function fresh(): Promise<InviteCode> {
    vi.resetModules();
    return await import('../../shared/chain/invite-code.ts');
  }
  const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
  /** Written independently: the id's 128 bits, two zero bits, 26 base-32 digits, groups of 5. */
  function oracle(teamId: string): string {
    let v = BigInt(`0x${teamId.replace(/-/g, '')}`) << 2n;
    let digits = '';
    for (let i = 0; i < 26; i++) {
      digits = ALPHABET[Number(v & 31n)] + digits;
      v >>= 5n;
    }
    return [0, 5, 10, 15, 20, 25].map((i) => digits.slice(i, i + 5)).join('-');
  }
  const ids = [
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    '0123abcd-4567-89ef-8123-456789abcdef',
    'c0ffee00-1234-8abc-9def-00ff00ff00ff',
  ];

  it('encode as the independent encoder does, and decode back', async () => {
    const { inviteCodeOf, teamIdOfInviteCode } = await fresh();
    expect(inviteCodeOf(ids[0]!)).toBe('00000-00000-00000-00000-00000-0');
    expect(inviteCodeOf(ids[1]!)).toBe('zzzzz-zzzzz-zzzzz-zzzzz-zzzzz-w');
    for (const id of [...ids, crypto.randomUUID(), crypto.randomUUID()]) {
      expect(inviteCodeOf(id), id).toBe(oracle(id));
      expect(teamIdOfInviteCode(oracle(id)), id).toBe(id);
    }
  });

  it('forgive case, spaces, tabs, dashes, and o/i/l typed for 0/1', async () => {
    const { inviteCodeOf, teamIdOfInviteCode } = await fresh();
    const id = teamIdOfInviteCode('10101-01010-10101-01010-10101-0')!;
    expect(id).not.toBeNull();
    expect(inviteCodeOf(id)).toBe('10101-01010-10101-01010-10101-0');
    expect(teamIdOfInviteCode('IoLO1 OiOlo-1O1oI\t0L0I0-1o1Ol-O')).toBe(id);
    expect(teamIdOfInviteCode(` \n${inviteCodeOf(ids[2]!).toUpperCase()}\t`)).toBe(ids[2]);
    expect(teamIdOfInviteCode(inviteCodeOf(ids[3]!).replace(/-/g, ''))).toBe(ids[3]);
  });

  it('refuse what is not a code, instead of naming some other team', async () => {
    const { inviteCodeOf, teamIdOfInviteCode } = await fresh();
    const code = inviteCodeOf(ids[2]!);
    const bare = code.replace(/-/g, '');
    for (const bad of [
      '',
      bare.slice(1), // 25 digits
      `${bare}0`, // 27 digits
      `!${bare}`,
      `${bare}!`,
      `${bare.slice(0, 12)}!${bare.slice(13)}`,
      `u${bare.slice(1)}`, // u is not in the alphabet
      `${bare.slice(0, -1)}1`, // the last digit carries the two zero bits: 1 sets one
      `${bare.slice(0, -1)}2`,
      `${bare.slice(0, -1)}z`,
    ])
      expect(teamIdOfInviteCode(bad), JSON.stringify(bad)).toBeNull();
  });
});

describe('link messages and the team id', () => {
  type Links = typeof import('../../shared/chain/links.ts');
  async function fresh(): Promise<Links> {
    vi.resetModules();
    return await import('../../shared/chain/links.ts');
  }
  const link: ChainLink = {
    seq: 2,
    prev: 'cHJldg',
    type: 'group.create',
    author: 'a',
    body: { name: 'n', group: 'g' },
    sig: 'c2ln',
  };

  it('the signed message is its label and the canonical fields, without the signature', async () => {
    const m = await fresh();
    const want =
      'tessera/v1/chain-link\n{"author":"a","body":{"group":"g","name":"n"},"prev":"cHJldg","seq":2,"team":"t","type":"group.create"}';
    expect(m.signedMessage('t', link)).toBe(want);
    expect(signedMessage('t', link)).toBe(want);
    expect(m.signedMessage(null, { ...link, seq: 1, prev: null })).toBe(
      'tessera/v1/chain-link\n{"author":"a","body":{"group":"g","name":"n"},"prev":null,"seq":1,"team":null,"type":"group.create"}',
    );
  });

  it('the hashed message has its own label and covers the signature too', async () => {
    const m = await fresh();
    const want =
      'tessera/v1/chain-hash\n{"author":"a","body":{"group":"g","name":"n"},"prev":"cHJldg","seq":2,"sig":"c2ln","team":"t","type":"group.create"}';
    expect(m.hashedMessage('t', link)).toBe(want);
    expect(hashedMessage('t', link)).toBe(want);
  });

  it('the team id is the first 16 hash bytes with the UUID version 8 and variant bits set', async () => {
    const m = await fresh();
    const counting = Uint8Array.from({ length: 32 }, (_, i) => i);
    expect(m.teamIdFromHash(counting)).toBe('00010203-0405-8607-8809-0a0b0c0d0e0f');
    expect(counting[6]).toBe(6); // the hash itself is left alone
    expect(teamIdFromHash(new Uint8Array(32).fill(0xff))).toBe('ffffffff-ffff-8fff-bfff-ffffffffffff');
    expect(teamIdFromHash(new Uint8Array(32))).toBe('00000000-0000-8000-8000-000000000000');
  });

  it('lists the twenty-one link types', async () => {
    const m = await fresh();
    expect(m.LINK_TYPES).toEqual([
      'team.create',
      'member.invite',
      'member.confirm',
      'member.role',
      'member.remove',
      'member.uninvite',
      'group.create',
      'group.add',
      'group.remove',
      'vault.create',
      'vault.grant',
      'vault.revoke',
      'vault.rekey',
      'key.deliver',
      'vault.delete',
      'vault.breakglass',
      'breakglass.request',
      'breakglass.approve',
      'breakglass.deny',
      'breakglass.key',
      'breakglass.close',
    ]);
  });
});

describe('link schemas', () => {
  type Links = typeof import('../../shared/chain/links.ts');
  let m: Links;
  async function fresh(): Promise<Links> {
    vi.resetModules();
    m = await import('../../shared/chain/links.ts');
    return m;
  }
  const keys = { boxPublicKey: 'AZaz09-_', signPublicKey: '' };
  const ok = (type: LinkType, body: unknown) =>
    expect(m.linkBodies[type].safeParse(body).success, type).toBe(true);
  const bad = (type: LinkType, body: unknown, message?: string) => {
    const r = m.linkBodies[type].safeParse(body);
    expect(r.success, `${type} ${JSON.stringify(body)}`).toBe(false);
    if (message) expect(r.error!.issues.map((i) => i.message)).toContain(message);
  };

  it('accept a well-formed body of every type', async () => {
    await fresh();
    ok('team.create', { name: 'x', user: uuid(1), email: 'a@example.com', keys });
    ok('member.invite', { email: 'a@example.com', role: 'admin' });
    ok('member.confirm', { user: uuid(1), email: 'a@example.com', keys, role: 'owner' });
    ok('member.role', { user: uuid(1), role: 'member' });
    ok('member.remove', { user: uuid(1), reason: 'removed' });
    ok('member.remove', { user: uuid(1), reason: 'offboarded' });
    ok('member.uninvite', { email: 'a@example.com' });
    ok('group.create', { group: uuid(2), name: '' });
    ok('group.add', { group: uuid(2), user: uuid(1) });
    ok('group.remove', { group: uuid(2), user: uuid(1) });
    ok('vault.create', { vault: uuid(3), generation: 1, keys: [{ user: uuid(1), keyHash: 'a-b_C' }] });
    ok('vault.grant', { vault: uuid(3), principal: { kind: 'user', id: uuid(1) }, role: 'view' });
    ok('vault.grant', { vault: uuid(3), principal: { kind: 'group', id: uuid(2) }, role: 'manage' });
    ok('vault.revoke', { vault: uuid(3), principal: { kind: 'group', id: uuid(2) } });
    ok('vault.rekey', { vault: uuid(3), generation: 2, keys: [] });
    ok('key.deliver', { vault: uuid(3), generation: 1, user: uuid(1), keyHash: '' });
    ok('vault.delete', { vault: uuid(3) });
    bad('vault.delete', { vault: uuid(3), generation: 1 });
    bad('vault.delete', { vault: 'prod' });
  });

  it('refuse keys and hashes that are not base64url, at either end', async () => {
    await fresh();
    for (const k of ['a+b', 'a/b', 'ab==', 'a b', '+ab', 'ab+', 'é'])
      bad(
        'team.create',
        { name: 'x', user: uuid(1), email: 'a@example.com', keys: { ...keys, boxPublicKey: k } },
        'must be base64url',
      );
    bad('key.deliver', { vault: uuid(3), generation: 1, user: uuid(1), keyHash: 'x=' }, 'must be base64url');
  });

  it('refuse an email with capitals, and roles, reasons and principals outside their lists', async () => {
    await fresh();
    bad('member.invite', { email: 'Bob@example.com', role: 'member' }, 'email must be lower case');
    bad('member.invite', { email: 'bob@example.com', role: 'root' });
    bad('member.role', { user: uuid(1), role: 'view' });
    bad('member.remove', { user: uuid(1), reason: 'banned' });
    bad('member.uninvite', { email: 'A@example.com' }, 'email must be lower case');
    bad('member.uninvite', { email: 'a@example.com', user: uuid(1) });
    bad('vault.grant', { vault: uuid(3), principal: { kind: 'team', id: uuid(1) }, role: 'view' });
    bad('vault.grant', { vault: uuid(3), principal: { kind: 'user', id: uuid(1) }, role: 'owner' });
  });

  it('a link itself: known types only, positive seq, base64url prev and signature', async () => {
    await fresh();
    const link = { seq: 2, prev: 'AA', type: 'group.create', author: uuid(1), body: {}, sig: 'AA' };
    expect(m.chainLinkSchema.safeParse(link).success).toBe(true);
    expect(m.chainLinkSchema.safeParse({ ...link, prev: null }).success).toBe(true);
    for (const change of [
      { type: 'team.delete' },
      { seq: 0 },
      { prev: 'A+' },
      { sig: 'A/' },
      { author: 'root' },
      { team: uuid(1) },
    ])
      expect(m.chainLinkSchema.safeParse({ ...link, ...change }).success, JSON.stringify(change)).toBe(false);
  });
});

describe('the rules, refusal by refusal', () => {
  it('member.invite: authority over the role, and never someone already in', () => {
    const { c, O, A, M } = team();
    refuses(
      c,
      A,
      'member.invite',
      { email: 'x@example.com', role: 'admin' },
      'a admin may not invite a admin',
    );
    refuses(
      c,
      M,
      'member.invite',
      { email: 'x@example.com', role: 'member' },
      'a member may not invite a member',
    );
    refuses(c, O, 'member.invite', { email: M.email, role: 'admin' }, `${M.email} is already a member`);
    c.invite(A, person('x'), 'member');
    expect([...c.state.invites]).toEqual([['x@example.com', 'member']]);
  });

  it('member.invite: someone removed may be invited again, and keeps nothing from before', () => {
    const { c, O, A, M } = team();
    const v = c.createVault(O);
    const g = uuid(50);
    c.add(A, 'group.create', { group: g, name: 'g' }).add(O, 'group.add', { group: g, user: M.id });
    c.add(O, 'vault.grant', { vault: v, principal: { kind: 'user', id: M.id }, role: 'edit' });
    c.add(A, 'member.remove', { user: M.id, reason: 'offboarded' });
    expect(c.state.members.get(M.id)).toMatchObject({ status: 'removed', removedReason: 'offboarded' });
    expect(c.state.vaults.get(v)!.grants.has(`user:${M.id}`)).toBe(false);
    expect(c.state.groups.get(g)!.members.has(M.id)).toBe(false);
    c.join(A, M, 'member');
    expect(activeMember(c.state, M.id)?.role).toBe('member');
    expect(vaultRoleOf(c.state, c.state.vaults.get(v)!, M.id)).toBeNull();
  });

  it('member.confirm: only what was invited, by someone who may invite it, for someone new', () => {
    const { c, O, A, M } = team();
    const x = person('x');
    const conf = (who: Actor, role: string) => ({ user: who.id, email: who.email, keys: who.keys, role });
    refuses(c, O, 'member.confirm', conf(x, 'member'), `${x.email} was not invited`);
    c.invite(O, x, 'admin');
    refuses(c, O, 'member.confirm', conf(x, 'member'), `${x.email} was invited as admin, not member`);
    refuses(c, A, 'member.confirm', conf(x, 'admin'), 'a admin may not confirm a admin');
    refuses(c, O, 'member.confirm', { ...conf(x, 'admin'), user: M.id }, `user ${M.id} is already a member`);
    c.add(O, 'member.confirm', conf(x, 'admin'));
    expect(c.state.invites.size).toBe(0);
    expect(c.state.members.get(x.id)).toEqual({
      user: x.id,
      email: x.email,
      role: 'admin',
      keys: x.keys,
      status: 'confirmed',
    });
  });

  it('member.role: members only, with authority over both roles', () => {
    const { c, O, A, M } = team();
    const stranger = person('s');
    refuses(c, O, 'member.role', { user: stranger.id, role: 'admin' }, `user ${stranger.id} is not a member`);
    refuses(c, A, 'member.role', { user: O.id, role: 'member' }, 'a admin may not change a owner to member');
    refuses(c, A, 'member.role', { user: M.id, role: 'owner' }, 'a admin may not change a member to owner');
    c.add(A, 'member.role', { user: M.id, role: 'admin' });
    expect(c.state.members.get(M.id)!.role).toBe('admin');
  });

  it('member.role: the last confirmed owner cannot step down, but may stay owner', () => {
    const { c, O, A } = team();
    // Admins and members do not count as owners.
    refuses(c, O, 'member.role', { user: O.id, role: 'admin' }, 'the team would have no owner');
    c.add(O, 'member.role', { user: O.id, role: 'owner' });
    // A second owner who was removed does not count either.
    const o2 = person('o2');
    c.join(O, o2, 'owner').add(O, 'member.remove', { user: o2.id, reason: 'removed' });
    refuses(c, O, 'member.role', { user: O.id, role: 'member' }, 'the team would have no owner');
    // With a second confirmed owner, either may step down.
    c.add(O, 'member.role', { user: A.id, role: 'owner' }).add(O, 'member.role', {
      user: O.id,
      role: 'admin',
    });
    expect(c.state.members.get(O.id)!.role).toBe('admin');
  });

  it('member.uninvite: an open invitation only, with authority over the invited role', () => {
    const { c, O, A, M } = team();
    const x = person('x');
    const y = person('y');
    refuses(c, O, 'member.uninvite', { email: x.email }, `${x.email} has no open invitation`);
    c.invite(O, x, 'owner').invite(A, y, 'member');
    refuses(c, A, 'member.uninvite', { email: x.email }, 'a admin may not revoke an invitation as owner');
    refuses(c, M, 'member.uninvite', { email: y.email }, 'a member may not revoke an invitation as member');
    c.add(A, 'member.uninvite', { email: y.email });
    expect([...c.state.invites]).toEqual([[x.email, 'owner']]);
    refuses(c, O, 'member.uninvite', { email: y.email }, `${y.email} has no open invitation`);
    c.add(O, 'member.uninvite', { email: x.email });
    expect(c.state.invites.size).toBe(0);
  });

  it('member.remove: members only, with authority over their role, never the last owner', () => {
    const { c, O, A, M } = team();
    const stranger = person('s');
    refuses(
      c,
      O,
      'member.remove',
      { user: stranger.id, reason: 'removed' },
      `user ${stranger.id} is not a member`,
    );
    refuses(c, A, 'member.remove', { user: O.id, reason: 'removed' }, 'a admin may not remove a owner');
    refuses(c, M, 'member.remove', { user: A.id, reason: 'removed' }, 'a member may not remove a admin');
    refuses(c, O, 'member.remove', { user: O.id, reason: 'removed' }, 'the team would have no owner');
    c.add(A, 'member.remove', { user: M.id, reason: 'removed' });
    refuses(c, O, 'member.remove', { user: M.id, reason: 'removed' }, `user ${M.id} is not a member`);
    const o2 = person('o2');
    c.join(O, o2, 'owner').add(o2, 'member.remove', { user: O.id, reason: 'offboarded' });
    expect(c.state.members.get(O.id)).toMatchObject({ status: 'removed', removedReason: 'offboarded' });
    refuses(c, o2, 'member.remove', { user: o2.id, reason: 'removed' }, 'the team would have no owner');
  });

  it('group.create, group.add, group.remove: each refusal', () => {
    const { c, O, A, M, N } = team();
    const g = uuid(60);
    const missing = uuid(61);
    refuses(c, M, 'group.create', { group: g, name: 'g' }, 'a member may not manage groups');
    c.add(A, 'group.create', { group: g, name: 'ops' });
    expect(c.state.groups.get(g)).toEqual({ name: 'ops', members: new Set() });
    refuses(c, O, 'group.create', { group: g, name: 'again' }, `group ${g} already exists`);
    refuses(c, M, 'group.add', { group: g, user: N.id }, 'a member may not manage groups');
    refuses(c, A, 'group.add', { group: missing, user: N.id }, `group ${missing} does not exist`);
    const stranger = person('s');
    refuses(c, A, 'group.add', { group: g, user: stranger.id }, `user ${stranger.id} is not a member`);
    c.add(A, 'group.add', { group: g, user: N.id });
    refuses(c, A, 'group.add', { group: g, user: N.id }, `user ${N.id} is already in the group`);
    refuses(c, M, 'group.remove', { group: g, user: N.id }, 'a member may not manage groups');
    refuses(c, A, 'group.remove', { group: g, user: M.id }, `user ${M.id} is not in group ${g}`);
    refuses(c, A, 'group.remove', { group: missing, user: N.id }, `user ${N.id} is not in group ${missing}`);
    c.add(A, 'group.remove', { group: g, user: N.id });
    expect(c.state.groups.get(g)!.members.size).toBe(0);
  });

  it('group.add to a group that holds a vault needs manage on that vault, not on the others', () => {
    const { c, O, A, M, N } = team();
    const g = uuid(62);
    const h = uuid(63);
    c.add(A, 'group.create', { group: g, name: 'g' }).add(A, 'group.create', { group: h, name: 'h' });
    const v = c.createVault(M);
    c.add(M, 'vault.grant', { vault: v, principal: { kind: 'group', id: g }, role: 'view' });
    refuses(c, A, 'group.add', { group: g, user: N.id }, `${A.email} does not manage vault ${v}`);
    c.add(A, 'group.add', { group: h, user: N.id });
    c.add(O, 'group.add', { group: g, user: N.id });
    expect(vaultRoleOf(c.state, c.state.vaults.get(v)!, N.id)).toBe('view');
  });

  it('vault.create: a new id, sealed to exactly the entitled readers, each once', () => {
    const { c, O, M } = team();
    const v = uuid(70);
    refuses(
      c,
      M,
      'vault.create',
      { vault: v, generation: 1, keys: readerKeys([M.id, M.id, O.id]) },
      'a reader is listed twice',
    );
    refuses(
      c,
      M,
      'vault.create',
      { vault: v, generation: 1, keys: readerKeys([M.id]) },
      'keys must go to exactly the entitled readers (2), not 1 others',
    );
    c.add(M, 'vault.create', { vault: v, generation: 1, keys: readerKeys([O.id, M.id]) });
    expect(c.state.vaults.get(v)).toEqual({
      id: v,
      generation: 1,
      creator: M.id,
      grants: new Map([[`user:${M.id}`, 'manage']]),
      keyHolders: new Map([
        [O.id, fakeKeyHash(O.id)],
        [M.id, fakeKeyHash(M.id)],
      ]),
    });
    refuses(
      c,
      O,
      'vault.create',
      { vault: v, generation: 1, keys: readerKeys([M.id, O.id].sort()) },
      `vault ${v} already exists`,
    );
  });

  it('vault.grant and vault.revoke: an existing vault, its manager, a principal in the team', () => {
    const { c, A, M, N } = team();
    const v = c.createVault(M);
    const missing = uuid(71);
    const g = uuid(72);
    c.add(A, 'group.create', { group: g, name: 'g' });
    const grant = (id: string, kind = 'user') => ({ vault: v, principal: { kind, id }, role: 'edit' });
    refuses(
      c,
      M,
      'vault.grant',
      { ...grant(N.id), vault: missing },
      `vault ${missing} does not exist in this chain`,
    );
    refuses(c, N, 'vault.grant', grant(N.id), `${N.email} does not manage vault ${v}`);
    const stranger = person('s');
    refuses(c, M, 'vault.grant', grant(stranger.id), `user ${stranger.id} is not in the team`);
    refuses(c, M, 'vault.grant', grant(missing, 'group'), `group ${missing} is not in the team`);
    refuses(c, M, 'vault.grant', grant(N.id, 'group'), `group ${N.id} is not in the team`);
    c.add(M, 'vault.grant', grant(N.id)).add(M, 'vault.grant', grant(g, 'group'));
    expect([...c.state.vaults.get(v)!.grants]).toEqual([
      [`user:${M.id}`, 'manage'],
      [`user:${N.id}`, 'edit'],
      [`group:${g}`, 'edit'],
    ]);
    const revoke = (id: string, kind = 'user') => ({ vault: v, principal: { kind, id } });
    refuses(c, N, 'vault.revoke', revoke(N.id), `${N.email} does not manage vault ${v}`);
    refuses(c, M, 'vault.revoke', revoke(A.id), `user ${A.id} holds no grant on vault ${v}`);
    refuses(
      c,
      M,
      'vault.revoke',
      { ...revoke(N.id), vault: missing },
      `vault ${missing} does not exist in this chain`,
    );
    c.add(M, 'vault.revoke', revoke(g, 'group'));
    expect(c.state.vaults.get(v)!.grants.has(`group:${g}`)).toBe(false);
  });

  it('vault.rekey and key.deliver: the manager, the right generation, the right readers', () => {
    const { c, O, M, N } = team();
    const v = c.createVault(M);
    const missing = uuid(73);
    c.add(M, 'vault.grant', { vault: v, principal: { kind: 'user', id: N.id }, role: 'view' });
    const key = (user: string, generation: number) => ({
      vault: v,
      generation,
      user,
      keyHash: fakeKeyHash(user, generation),
    });
    refuses(
      c,
      M,
      'key.deliver',
      { ...key(N.id, 1), vault: missing },
      `vault ${missing} does not exist in this chain`,
    );
    refuses(c, N, 'key.deliver', key(N.id, 1), `${N.email} does not manage vault ${v}`);
    refuses(c, M, 'key.deliver', key(N.id, 2), `vault ${v} is at generation 1, not 2`);
    const A = [...c.state.members.values()].find((m) => m.role === 'admin')!;
    refuses(c, M, 'key.deliver', key(A.user, 1), `user ${A.user} may not read vault ${v}`);
    refuses(c, M, 'key.deliver', key(O.id, 1), `user ${O.id} already holds the key`);
    c.add(M, 'key.deliver', key(N.id, 1));
    expect(c.state.vaults.get(v)!.keyHolders.get(N.id)).toBe(fakeKeyHash(N.id, 1));
    c.add(M, 'vault.revoke', { vault: v, principal: { kind: 'user', id: N.id } });
    const rekey = (generation: number, users: string[]) => ({
      vault: v,
      generation,
      keys: readerKeys(users, generation),
    });
    refuses(c, N, 'vault.rekey', rekey(2, [M.id, O.id].sort()), `${N.email} does not manage vault ${v}`);
    refuses(c, M, 'vault.rekey', rekey(3, [M.id, O.id].sort()), 're-key must go to generation 2, not 3');
    refuses(
      c,
      M,
      'vault.rekey',
      { ...rekey(2, []), vault: missing },
      `vault ${missing} does not exist in this chain`,
    );
    c.add(M, 'vault.rekey', rekey(2, [O.id, M.id]));
    const w = c.state.vaults.get(v)!;
    expect(w.generation).toBe(2);
    expect([...w.keyHolders.keys()].sort()).toEqual([M.id, O.id].sort());
    expect(w.keyHolders.get(M.id)).toBe(fakeKeyHash(M.id, 2));
    refuses(c, M, 'key.deliver', key(N.id, 2), `user ${N.id} may not read vault ${v}`);
  });

  it('a later link cannot create the team, and a malformed body says what is wrong', () => {
    const { c, O } = team();
    const again = { name: 'x', user: O.id, email: O.email, keys: O.keys };
    refuses(c, O, 'team.create', again, 'only link 1 may create the team');
    const body = { email: 'x@example.com' };
    const why = linkBodies['member.invite'].safeParse(body).error!.issues[0]!.message;
    refuses(c, O, 'member.invite', body, `malformed member.invite body: ${why}`);
  });

  it('applyLink on its own refuses an author who is not a member', () => {
    const { c, O, M } = team();
    c.add(O, 'member.remove', { user: M.id, reason: 'removed' });
    const link = c.next(M, 'member.invite', { email: 'x@example.com', role: 'member' });
    expect(() => applyLink(cloneState(c.state), link)).toThrow(
      new ChainError(link.seq, `author ${M.id} is not a member`),
    );
  });

  it('a ChainError names its link', () => {
    const e = new ChainError(7, 'why');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('ChainError');
    expect(e.seq).toBe(7);
    expect(e.message).toBe('team chain link 7: why');
  });
});

describe('state helpers', () => {
  function scene() {
    const { c, O, A, M, N } = team();
    const g = uuid(80);
    c.add(A, 'group.create', { group: g, name: 'g' });
    const v = c.createVault(M);
    c.add(M, 'vault.grant', { vault: v, principal: { kind: 'group', id: g }, role: 'view' });
    c.add(O, 'group.add', { group: g, user: N.id }).add(O, 'group.add', { group: g, user: A.id });
    c.add(M, 'vault.grant', { vault: v, principal: { kind: 'user', id: A.id }, role: 'edit' });
    return { c, O, A, M, N, g, v };
  }

  it('roles on a vault: the strongest of direct and group grants, manage for owners, none when removed', () => {
    const { c, O, A, M, N, v } = scene();
    const w = c.state.vaults.get(v)!;
    expect(vaultRoleOf(c.state, w, O.id)).toBe('manage');
    expect(vaultRoleOf(c.state, w, M.id)).toBe('manage');
    expect(vaultRoleOf(c.state, w, A.id)).toBe('edit');
    expect(vaultRoleOf(c.state, w, N.id)).toBe('view');
    expect(vaultRoleOf(c.state, w, person('s').id)).toBeNull();
    c.add(A, 'member.remove', { user: N.id, reason: 'removed' });
    expect(activeMember(c.state, N.id)).toBeUndefined();
    expect(c.state.members.get(N.id)).toBeDefined();
    expect(vaultRoleOf(c.state, c.state.vaults.get(v)!, N.id)).toBeNull();
  });

  it('readers are sorted; missing keys and a pending re-key follow from the grants alone', () => {
    const { c, O, A, M, N, v } = scene();
    const w = c.state.vaults.get(v)!;
    // The root was inserted first but sorts last.
    expect(readersOf(c.state, w)).toEqual([A.id, M.id, N.id, O.id]);
    expect(missingKeys(c.state, w)).toEqual([A.id, N.id]);
    expect(rekeyPending(c.state, w)).toBe(false);
    c.add(M, 'key.deliver', { vault: v, generation: 1, user: N.id, keyHash: fakeKeyHash(N.id) });
    expect(missingKeys(c.state, c.state.vaults.get(v)!)).toEqual([A.id]);
    c.add(A, 'member.remove', { user: N.id, reason: 'removed' });
    expect(rekeyPending(c.state, c.state.vaults.get(v)!)).toBe(true);
    expect(missingKeys(c.state, c.state.vaults.get(v)!)).toEqual([A.id]);
  });

  it('principal keys', () => {
    expect(principalKey({ kind: 'user', id: 'u1' })).toBe('user:u1');
    expect(principalKey({ kind: 'group', id: 'g1' })).toBe('group:g1');
  });

  it('a clone shares nothing that a rule changes with the original', () => {
    const { c, A, N, g, v } = scene();
    const before = JSON.stringify(stateToJson(c.state));
    const s = cloneState(c.state);
    expect(stateToJson(s)).toEqual(stateToJson(c.state));
    s.seq = 99;
    s.members.get(N.id)!.role = 'admin';
    s.members.get(N.id)!.keys.boxPublicKey = 'changed';
    s.members.delete(A.id);
    s.invites.set('z@example.com', 'member');
    s.groups.get(g)!.members.delete(N.id);
    s.groups.get(g)!.name = 'changed';
    s.vaults.get(v)!.grants.clear();
    s.vaults.get(v)!.keyHolders.clear();
    s.vaults.get(v)!.generation = 5;
    expect(JSON.stringify(stateToJson(c.state))).toBe(before);
  });

  it('the JSON form round-trips to an equal state, and is plain JSON', () => {
    const { c, v, g } = scene();
    c.invite(c.root, person('p'), 'member');
    const json = JSON.parse(JSON.stringify(stateToJson(c.state)));
    expect(json.groups).toEqual([{ id: g, name: 'g', members: [...c.state.groups.get(g)!.members] }]);
    expect(json.vaults[0].grants).toEqual([...c.state.vaults.get(v)!.grants]);
    const back: TeamState = stateFromJson(json);
    expect(back).toEqual(c.state);
    expect(back.members).toBeInstanceOf(Map);
    expect(back.groups.get(g)!.members).toBeInstanceOf(Set);
    expect(back.vaults.get(v)!.keyHolders).toBeInstanceOf(Map);
  });
});

describe('the verifier', () => {
  /** Accepts any signature: what stands in front of it must refuse malformed ones by itself. */
  const credulous: ChainCrypto = { verify: () => true, hash: (m) => chainCrypto.hash(m) };
  function genesis(root: Actor, change: Partial<ChainLink> = {}, body: Record<string, unknown> = {}) {
    const link = signLink(
      null,
      {
        seq: 1,
        prev: null,
        type: 'team.create',
        author: root.id,
        body: { name: 'sealed', user: root.id, email: root.email, keys: root.keys, ...body },
      },
      root.signSecretKey,
    );
    return { ...link, ...change };
  }
  const refusedAs = (fn: () => unknown, seq: number, message: string) =>
    expect(fn).toThrow(new ChainError(seq, message));

  it('link 1 gives the whole starting state, named by its hash', () => {
    const root = person('r');
    const link = genesis(root);
    const hash = chainCrypto.hash(utf8(hashedMessage(null, link)));
    expect(verifyGenesis(chainCrypto, link)).toEqual({
      team: teamIdFromHash(hash),
      name: 'sealed',
      seq: 1,
      head: toB64(hash),
      root: root.id,
      members: new Map([
        [root.id, { user: root.id, email: root.email, role: 'owner', keys: root.keys, status: 'confirmed' }],
      ]),
      invites: new Map(),
      groups: new Map(),
      vaults: new Map(),
    });
  });

  it('link 1 must be a self-authored team.create at seq 1 with no prev, well formed and signed', () => {
    const root = person('r');
    const first = 'the first link must be team.create at seq 1 with no prev';
    refusedAs(() => verifyGenesis(chainCrypto, genesis(root, { seq: 2 })), 1, first);
    refusedAs(() => verifyGenesis(chainCrypto, genesis(root, { prev: 'AAAA' })), 1, first);
    refusedAs(() => verifyGenesis(chainCrypto, genesis(root, { type: 'member.invite' })), 1, first);
    const extra = genesis(root, {}, { extra: 1 });
    const why = linkBodies['team.create'].safeParse(extra.body).error!.issues[0]!.message;
    refusedAs(() => verifyGenesis(chainCrypto, extra), 1, `malformed team.create body: ${why}`);
    const other = person('o');
    refusedAs(
      () => verifyGenesis(chainCrypto, genesis(root, {}, { user: other.id })),
      1,
      'the root must author its own team.create',
    );
    const link = genesis(root);
    const sig = fromB64(link.sig);
    sig[0]! ^= 1;
    refusedAs(
      () => verifyGenesis(chainCrypto, { ...link, sig: toB64(sig) }),
      1,
      `bad signature by ${root.id}`,
    );
    const unsigned = { ...link, sig: undefined };
    const whyLink = chainLinkSchema.safeParse(unsigned).error!.issues[0]!.message;
    refusedAs(() => verifyGenesis(chainCrypto, unsigned), 1, `malformed link: ${whyLink}`);
  });

  it('signatures and keys of the wrong size, or not base64url at all, are refused before the crypto sees them', () => {
    const root = person('r');
    const link = genesis(root);
    expect(verifyGenesis(credulous, link).root).toBe(root.id);
    const bad = `bad signature by ${root.id}`;
    refusedAs(() => verifyGenesis(credulous, { ...link, sig: toB64(new Uint8Array(63)) }), 1, bad);
    refusedAs(() => verifyGenesis(credulous, { ...link, sig: toB64(new Uint8Array(65)) }), 1, bad);
    refusedAs(() => verifyGenesis(credulous, { ...link, sig: 'A' }), 1, bad);
    const shortKey = { ...root.keys, signPublicKey: toB64(new Uint8Array(31)) };
    refusedAs(() => verifyGenesis(credulous, genesis(root, {}, { keys: shortKey })), 1, bad);
    const longKey = { ...root.keys, signPublicKey: toB64(new Uint8Array(33)) };
    refusedAs(() => verifyGenesis(credulous, genesis(root, {}, { keys: longKey })), 1, bad);
    const notB64 = { ...root.keys, signPublicKey: 'A' };
    refusedAs(() => verifyGenesis(credulous, genesis(root, {}, { keys: notB64 })), 1, bad);
  });

  it('the libsodium adapter verifies Ed25519, says no instead of throwing, and hashes with BLAKE2b-256', () => {
    const c = sodiumChainCrypto(sodium);
    const kp = sodium().crypto_sign_keypair();
    const msg = utf8('a link');
    const sig = sodium().crypto_sign_detached(msg, kp.privateKey);
    expect(c.verify(sig, msg, kp.publicKey)).toBe(true);
    expect(c.verify(sig, utf8('another link'), kp.publicKey)).toBe(false);
    expect(c.verify(sig.subarray(0, 10), msg, kp.publicKey)).toBe(false);
    expect(c.verify(sig, msg, kp.publicKey.subarray(0, 3))).toBe(false);
    expect(toB64(c.hash(msg))).toBe(toB64(sodium().crypto_generichash(32, msg, null)));
  });

  it('the real crypto never throws on malformed input: it says no', () => {
    expect(chainCrypto.verify(new Uint8Array(10), utf8('m'), new Uint8Array(32))).toBe(false);
    expect(chainCrypto.verify(new Uint8Array(64), utf8('m'), new Uint8Array(3))).toBe(false);
    expect(chainCrypto.hash(utf8('m'))).toHaveLength(32);
  });

  it('extending: nothing to add returns the very same state', () => {
    const c = new Chain(person('r'));
    expect(extendChain(chainCrypto, c.state, [])).toBe(c.state);
  });

  it('extending: seq, prev, author and signature are each checked, with the team bound in', () => {
    const { c, O, A } = team();
    const s = c.state;
    const next = c.next(O, 'member.invite', { email: 'x@example.com', role: 'member' });
    refusedAs(
      () => extendChain(chainCrypto, s, [{ ...next, seq: s.seq + 3 }]),
      s.seq + 1,
      `expected link ${s.seq + 1}, got ${s.seq + 3}`,
    );
    refusedAs(
      () => extendChain(chainCrypto, s, [{ ...next, prev: toB64(new Uint8Array(32)) }]),
      s.seq + 1,
      'prev does not match the hash of the link before',
    );
    const stranger = person('s');
    const byStranger = c.next(stranger, 'member.invite', { email: 'x@example.com', role: 'member' });
    refusedAs(
      () => extendChain(chainCrypto, s, [byStranger]),
      s.seq + 1,
      `author ${stranger.id} is not a member`,
    );
    // Signed for another team: the same fields, but the signature does not verify here.
    const elsewhere = signLink(uuid(90), { ...next }, O.signSecretKey);
    refusedAs(() => extendChain(chainCrypto, s, [elsewhere]), s.seq + 1, `bad signature by ${O.id}`);
    // Someone else's signature on O's link.
    const forged = { ...next, sig: signLink(s.team, { ...next }, A.signSecretKey).sig };
    refusedAs(() => extendChain(chainCrypto, s, [forged]), s.seq + 1, `bad signature by ${O.id}`);
    const unsigned = { ...next, sig: undefined };
    const why = chainLinkSchema.safeParse(unsigned).error!.issues[0]!.message;
    refusedAs(() => extendChain(chainCrypto, s, [unsigned]), s.seq + 1, `malformed link: ${why}`);
    const after = extendChain(chainCrypto, s, [next]);
    expect(after.seq).toBe(s.seq + 1);
    expect(after.head).toBe(toB64(chainCrypto.hash(utf8(hashedMessage(s.team, next)))));
    expect(after.team).toBe(s.team);
  });

  it('a whole chain: not empty, and from the team root the member was told of', () => {
    const { c } = team();
    refusedAs(() => verifyChain(chainCrypto, [], c.team), 1, 'the chain is empty');
    const other = uuid(91);
    refusedAs(
      () => verifyChain(chainCrypto, c.raw(), other),
      1,
      `link 1 hashes to team ${c.team}, not ${other}: a different team root`,
    );
    expect(stateToJson(verifyChain(chainCrypto, c.raw(), c.team))).toEqual(stateToJson(c.state));
  });

  it('freshly loaded chain modules verify a chain to the same state', async () => {
    const { c, O, A, M, N } = team();
    const g = uuid(92);
    c.add(A, 'group.create', { group: g, name: 'g' }).add(A, 'group.add', { group: g, user: N.id });
    const v = c.createVault(M);
    c.add(M, 'vault.grant', { vault: v, principal: { kind: 'group', id: g }, role: 'edit' });
    c.add(M, 'key.deliver', { vault: v, generation: 1, user: N.id, keyHash: fakeKeyHash(N.id) });
    c.add(A, 'group.remove', { group: g, user: N.id }).add(O, 'member.role', { user: M.id, role: 'admin' });
    c.add(M, 'vault.rekey', { vault: v, generation: 2, keys: readerKeys([O.id, M.id].sort(), 2) });
    c.add(A, 'member.remove', { user: N.id, reason: 'offboarded' });
    vi.resetModules();
    const fresh = await import('../../shared/chain/verify.ts');
    const freshState = await import('../../shared/chain/state.ts');
    const s = fresh.verifyChain(chainCrypto, c.raw(), c.team);
    expect(freshState.stateToJson(s)).toEqual(stateToJson(c.state));
    const solo = new Chain(person('solo'));
    const demote = solo.next(solo.root, 'member.role', { user: solo.root.id, role: 'admin' });
    expect(() => fresh.extendChain(chainCrypto, solo.state, [demote])).toThrow(
      new ChainError(2, 'the team would have no owner'),
    );
  });

  it('vault.create asks the role table (which today lets every member create a vault)', async () => {
    const { c, O, M } = team();
    vi.resetModules();
    vi.doMock('../../shared/roles.ts', async (importOriginal) => {
      const roles = await importOriginal<typeof import('../../shared/roles.ts')>();
      const mayInTeam: typeof roles.mayInTeam = (role, op) =>
        op === 'vault.create' ? role === 'owner' : roles.mayInTeam(role, op);
      return { ...roles, mayInTeam };
    });
    try {
      const fresh = await import('../../shared/chain/verify.ts');
      const body = { vault: uuid(99), generation: 1, keys: readerKeys([O.id, M.id].sort()) };
      expect(() => fresh.extendChain(chainCrypto, c.state, [c.next(M, 'vault.create', body)])).toThrow(
        new ChainError(c.state.seq + 1, 'a member may not create vaults'),
      );
      const byOwner = { ...body, keys: readerKeys([O.id]) };
      expect(fresh.extendChain(chainCrypto, c.state, [c.next(O, 'vault.create', byOwner)]).vaults.size).toBe(
        1,
      );
    } finally {
      vi.doUnmock('../../shared/roles.ts');
    }
  });

  it('rollback and fork: equal lengths are compared by hash, shorter ones refused', () => {
    const known = { seq: 3, head: 'h3' };
    expect(() => checkExtends(known, { seq: 3, hashAtKnownSeq: 'h3' })).not.toThrow();
    expect(() => checkExtends(known, { seq: 9, hashAtKnownSeq: 'h3' })).not.toThrow();
    refusedAs(
      () => checkExtends(known, { seq: 2, hashAtKnownSeq: 'h3' }),
      2,
      'the server offers 2 links; this client already verified 3',
    );
    refusedAs(
      () => checkExtends(known, { seq: 3, hashAtKnownSeq: 'x' }),
      3,
      'the server offers a different history (a fork)',
    );
    refusedAs(
      () => checkExtends(known, { seq: 4, hashAtKnownSeq: null }),
      3,
      'the server offers a different history (a fork)',
    );
  });
});
