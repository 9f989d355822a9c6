// Process: test (plain Node, vitest).
// Every link type against every author role: one base team, then one extra link per case,
// signed by an author who differs only in role. The expected answers are written out here,
// not read from shared/roles.ts, so a change to the table or to a rule shows up as a failure.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LinkType } from '../../shared/chain/links.ts';
import { missingKeys, readersOf, rekeyPending, type TeamState } from '../../shared/chain/state.ts';
import { ChainError, extendChain } from '../../shared/chain/verify.ts';
import { chainCrypto } from '../../electron/core/crypto/chain.ts';
import { initSodium } from '../../electron/core/crypto/sodium.ts';
import { type Actor, actor, Chain, fakeKeyHash } from '../helpers/chain.ts';

let c: Chain;
let base: TeamState;
const p: Record<string, Actor> = {};
let W: string; // vault created by member M; grants: V1 view, E edit, A edit, group H view
let G: string; // group holding T, no vault grants
let H: string; // group with a view grant on W; T is in it and lacks W's key

beforeAll(async () => {
  await initSodium();
  for (const n of ['O1', 'O2', 'A', 'A2', 'M', 'N', 'T', 'V1', 'E', 'R', 'P', 'Q'])
    p[n] = actor(n.toLowerCase());
  c = new Chain(p.O1!);
  c.join(p.O1!, p.O2!, 'owner').join(p.O1!, p.A!, 'admin').join(p.O1!, p.A2!, 'admin');
  for (const n of ['M', 'N', 'T', 'V1', 'E', 'R']) c.join(p.A!, p[n]!, 'member');
  c.add(p.A!, 'member.remove', { user: p.R!.id, reason: 'removed' });
  G = randomUUID();
  H = randomUUID();
  c.add(p.A!, 'group.create', { group: G, name: 'g' }).add(p.A!, 'group.create', { group: H, name: 'h' });
  c.add(p.A!, 'group.add', { group: G, user: p.T!.id });
  W = c.createVault(p.M!);
  for (const [who, role] of [
    ['V1', 'view'],
    ['E', 'edit'],
    ['A', 'edit'],
  ] as const) {
    c.add(p.M!, 'vault.grant', { vault: W, principal: { kind: 'user', id: p[who]!.id }, role });
    c.add(p.M!, 'key.deliver', {
      vault: W,
      generation: 1,
      user: p[who]!.id,
      keyHash: fakeKeyHash(p[who]!.id),
    });
  }
  c.add(p.M!, 'vault.grant', { vault: W, principal: { kind: 'group', id: H }, role: 'view' });
  c.add(p.O1!, 'group.add', { group: H, user: p.T!.id });
  c.invite(p.A!, p.P!, 'member').invite(p.O1!, p.Q!, 'owner');
  base = c.state;
});

type Case = () => { type: LinkType; body: Record<string, unknown> };
const confirmBody = (who: Actor, role: string) => ({ user: who.id, email: who.email, keys: who.keys, role });
const readerKeys = (users: string[], gen: number) =>
  users.map((user) => ({ user, keyHash: fakeKeyHash(user, gen) }));

const cases: Record<string, Case> = {
  'member.invite as member': () => ({
    type: 'member.invite',
    body: { email: 'new1@example.com', role: 'member' },
  }),
  'member.invite as admin': () => ({
    type: 'member.invite',
    body: { email: 'new2@example.com', role: 'admin' },
  }),
  'member.invite as owner': () => ({
    type: 'member.invite',
    body: { email: 'new3@example.com', role: 'owner' },
  }),
  'member.confirm of a member': () => ({ type: 'member.confirm', body: confirmBody(p.P!, 'member') }),
  'member.confirm of an owner': () => ({ type: 'member.confirm', body: confirmBody(p.Q!, 'owner') }),
  'member.role member to admin': () => ({ type: 'member.role', body: { user: p.T!.id, role: 'admin' } }),
  'member.role admin to owner': () => ({ type: 'member.role', body: { user: p.A2!.id, role: 'owner' } }),
  'member.role owner to member': () => ({ type: 'member.role', body: { user: p.O1!.id, role: 'member' } }),
  'member.remove of a member': () => ({
    type: 'member.remove',
    body: { user: p.T!.id, reason: 'offboarded' },
  }),
  'member.remove of an owner': () => ({ type: 'member.remove', body: { user: p.O1!.id, reason: 'removed' } }),
  'member.uninvite of a member invitation': () => ({ type: 'member.uninvite', body: { email: p.P!.email } }),
  'member.uninvite of an owner invitation': () => ({ type: 'member.uninvite', body: { email: p.Q!.email } }),
  'group.create': () => ({ type: 'group.create', body: { group: randomUUID(), name: 'x' } }),
  'group.add to a group without vaults': () => ({ type: 'group.add', body: { group: G, user: p.V1!.id } }),
  'group.add to a group sharing a vault': () => ({ type: 'group.add', body: { group: H, user: p.V1!.id } }),
  'group.remove': () => ({ type: 'group.remove', body: { group: G, user: p.T!.id } }),
  'vault.grant': () => ({
    type: 'vault.grant',
    body: { vault: W, principal: { kind: 'user', id: p.N!.id }, role: 'view' },
  }),
  'vault.revoke': () => ({
    type: 'vault.revoke',
    body: { vault: W, principal: { kind: 'user', id: p.V1!.id } },
  }),
  'vault.rekey': () => ({
    type: 'vault.rekey',
    body: { vault: W, generation: 2, keys: readerKeys(readersOf(base, base.vaults.get(W)!), 2) },
  }),
  'key.deliver': () => ({
    type: 'key.deliver',
    body: { vault: W, generation: 1, user: p.T!.id, keyHash: fakeKeyHash(p.T!.id) },
  }),
  'vault.delete': () => ({ type: 'vault.delete', body: { vault: W } }),
};

/** Authors by team role: none of them holds a grant on W, so vault links test team roles only. */
const teamAuthors = { owner: 'O2', admin: 'A2', member: 'N', removed: 'R' } as const;
const Y = true;
const n = false;
const teamExpect: Record<string, [owner: boolean, admin: boolean, member: boolean]> = {
  'member.invite as member': [Y, Y, n],
  'member.invite as admin': [Y, n, n],
  'member.invite as owner': [Y, n, n],
  'member.confirm of a member': [Y, Y, n],
  'member.confirm of an owner': [Y, n, n],
  'member.role member to admin': [Y, Y, n],
  'member.role admin to owner': [Y, n, n],
  'member.role owner to member': [Y, n, n],
  'member.remove of a member': [Y, Y, n],
  'member.remove of an owner': [Y, n, n],
  // Withdrawing an invitation takes the authority removing that role would.
  'member.uninvite of a member invitation': [Y, Y, n],
  'member.uninvite of an owner invitation': [Y, n, n],
  'group.create': [Y, Y, n],
  'group.add to a group without vaults': [Y, Y, n],
  // H shares W: only someone who manages W may add to it (owners manage every vault).
  'group.add to a group sharing a vault': [Y, n, n],
  'group.remove': [Y, Y, n],
  'vault.grant': [Y, n, n],
  'vault.revoke': [Y, n, n],
  'vault.rekey': [Y, n, n],
  'key.deliver': [Y, n, n],
  'vault.delete': [Y, n, n],
};

function tryLink(author: Actor, kase: Case): ChainError | null {
  const { type, body } = kase();
  const link = c.next(author, type, body);
  try {
    extendChain(chainCrypto, base, [link]);
    return null;
  } catch (e) {
    if (e instanceof ChainError) return e;
    throw e;
  }
}

describe('team role x link type', () => {
  for (const [name, expected] of Object.entries(teamExpect)) {
    (['owner', 'admin', 'member', 'removed'] as const).forEach((role, i) => {
      const allowed = role === 'removed' ? false : expected[i as 0 | 1 | 2];
      it(`${role} ${allowed ? 'may' : 'may not'} append ${name}`, () => {
        const err = tryLink(p[teamAuthors[role]]!, cases[name]!);
        if (allowed) expect(err).toBeNull();
        else expect(err?.message).toMatch(/may not|does not manage|is not a member/);
      });
    });
  }
  it('any confirmed member may create a vault; a removed one may not', () => {
    for (const role of ['owner', 'admin', 'member', 'removed'] as const) {
      const who = p[teamAuthors[role]]!;
      const owners = [p.O1!.id, p.O2!.id];
      const keys = readerKeys([...new Set([who.id, ...owners])].sort(), 1);
      const err = tryLink(who, () => ({
        type: 'vault.create',
        body: { vault: randomUUID(), generation: 1, keys },
      }));
      if (role === 'removed') expect(err?.message).toMatch(/is not a member/);
      else expect(err).toBeNull();
    }
  });
});

describe('vault role x vault link type', () => {
  const vaultAuthors = { manage: 'M', edit: 'E', view: 'V1', none: 'N' } as const;
  for (const name of ['vault.grant', 'vault.revoke', 'vault.rekey', 'key.deliver', 'vault.delete']) {
    for (const [role, who] of Object.entries(vaultAuthors)) {
      const allowed = role === 'manage';
      it(`${role} ${allowed ? 'may' : 'may not'} append ${name}`, () => {
        const err = tryLink(p[who]!, cases[name]!);
        if (allowed) expect(err).toBeNull();
        else expect(err?.message).toMatch(/does not manage/);
      });
    }
  }
});

describe('state the server cannot bend', () => {
  const refused = (author: Actor, type: LinkType, body: Record<string, unknown>, why: RegExp) =>
    expect(() => extendChain(chainCrypto, base, [c.next(author, type, body)])).toThrow(why);

  it('a confirm that inflates the invited role is refused', () => {
    refused(p.O1!, 'member.confirm', confirmBody(p.P!, 'owner'), /invited as member, not owner/);
  });
  it('a confirm of someone never invited is refused', () => {
    refused(p.O1!, 'member.confirm', confirmBody(actor('stranger'), 'member'), /was not invited/);
  });
  it('a second "creator" of an existing vault is refused', () => {
    refused(
      p.N!,
      'vault.create',
      { vault: W, generation: 1, keys: readerKeys([p.N!.id, p.O1!.id, p.O2!.id].sort(), 1) },
      /already exists/,
    );
  });
  it('vault.create must seal to exactly the author and the owners', () => {
    const v = randomUUID();
    refused(
      p.N!,
      'vault.create',
      { vault: v, generation: 1, keys: readerKeys([p.N!.id, p.O1!.id].sort(), 1) },
      /exactly the entitled readers/,
    );
    refused(
      p.N!,
      'vault.create',
      { vault: v, generation: 1, keys: readerKeys([p.N!.id, p.O1!.id, p.O2!.id, p.T!.id].sort(), 1) },
      /exactly the entitled readers/,
    );
  });
  it('a re-key must name exactly the entitled readers and the next generation', () => {
    const readers = readersOf(base, base.vaults.get(W)!);
    refused(
      p.M!,
      'vault.rekey',
      { vault: W, generation: 2, keys: readerKeys([...readers, p.N!.id].sort(), 2) },
      /exactly the entitled readers/,
    );
    refused(
      p.M!,
      'vault.rekey',
      { vault: W, generation: 2, keys: readerKeys(readers.slice(1), 2) },
      /exactly the entitled readers/,
    );
    refused(
      p.M!,
      'vault.rekey',
      { vault: W, generation: 3, keys: readerKeys(readers, 3) },
      /generation 2, not 3/,
    );
  });
  it('a key is delivered only to an entitled reader who lacks it, at the current generation', () => {
    refused(
      p.M!,
      'key.deliver',
      { vault: W, generation: 1, user: p.N!.id, keyHash: fakeKeyHash('x') },
      /may not read/,
    );
    refused(
      p.M!,
      'key.deliver',
      { vault: W, generation: 1, user: p.V1!.id, keyHash: fakeKeyHash('x') },
      /already holds/,
    );
    refused(
      p.M!,
      'key.deliver',
      { vault: W, generation: 2, user: p.T!.id, keyHash: fakeKeyHash('x') },
      /generation 1, not 2/,
    );
  });
  it('the last owner cannot be removed or demoted', () => {
    const solo = new Chain(actor('solo'));
    expect(() => solo.add(solo.root, 'member.remove', { user: solo.root.id, reason: 'removed' })).toThrow(
      /no owner/,
    );
    expect(() => solo.add(solo.root, 'member.role', { user: solo.root.id, role: 'admin' })).toThrow(
      /no owner/,
    );
  });
  it('a withdrawn invitation cannot be confirmed, and only an open one can be withdrawn', () => {
    const s = extendChain(chainCrypto, base, [c.next(p.A!, 'member.uninvite', { email: p.P!.email })]);
    expect(s.invites.has(p.P!.email)).toBe(false);
    expect(base.invites.get(p.P!.email)).toBe('member'); // the base state is untouched
    const confirm = signLink(
      s.team,
      {
        seq: s.seq + 1,
        prev: s.head,
        type: 'member.confirm',
        author: p.O1!.id,
        body: confirmBody(p.P!, 'member'),
      },
      p.O1!.signSecretKey,
    );
    expect(() => extendChain(chainCrypto, s, [confirm])).toThrow(/was not invited/);
    refused(p.O1!, 'member.uninvite', { email: 'never@example.com' }, /has no open invitation/);
    refused(p.O1!, 'member.uninvite', { email: p.M!.email }, /has no open invitation/);
  });
  it('a body with a field the signer did not define is refused', () => {
    refused(
      p.A!,
      'member.invite',
      { email: 'x@example.com', role: 'member', extra: 1 },
      /malformed member.invite/,
    );
  });
  it('a removed manager can no longer act on the vault', () => {
    const next = extendChain(chainCrypto, base, [
      c.next(p.A!, 'member.remove', { user: p.M!.id, reason: 'offboarded' }),
    ]);
    const link = {
      ...c.next(p.M!, 'vault.grant', { vault: W, principal: { kind: 'user', id: p.N!.id }, role: 'view' }),
      seq: next.seq + 1,
      prev: next.head,
    };
    expect(() => extendChain(chainCrypto, next, [link])).toThrow(/is not a member/);
  });
});

describe('derived access', () => {
  it('missing keys are the entitled readers without a key; revoking makes a re-key pending', () => {
    const w = base.vaults.get(W)!;
    expect(missingKeys(base, w)).toEqual([p.T!.id]);
    expect(rekeyPending(base, w)).toBe(false);
    const after = extendChain(chainCrypto, base, [
      c.next(p.M!, 'vault.revoke', { vault: W, principal: { kind: 'user', id: p.V1!.id } }),
    ]);
    expect(rekeyPending(after, after.vaults.get(W)!)).toBe(true);
    expect(base.vaults.get(W)!.grants.has(`user:${p.V1!.id}`)).toBe(true); // the base state is untouched
  });
  it('a removal through a group (even by an admin who cannot read) leaves a re-key pending that a manager clears', () => {
    let s = extendChain(chainCrypto, base, [c.next(p.A2!, 'group.remove', { group: H, user: p.T!.id })]);
    // T never held W's key here, so removing T leaves nothing to re-key...
    expect(rekeyPending(s, s.vaults.get(W)!)).toBe(false);
    s = extendChain(chainCrypto, base, [
      c.next(p.A2!, 'member.remove', { user: p.V1!.id, reason: 'offboarded' }),
    ]);
    // ...but V1 held it: pending until a manager re-keys to exactly the remaining readers.
    const w = s.vaults.get(W)!;
    expect(rekeyPending(s, w)).toBe(true);
    const rekey = {
      type: 'vault.rekey' as const,
      author: p.M!.id,
      seq: s.seq + 1,
      prev: s.head,
      body: { vault: W, generation: 2, keys: readerKeys(readersOf(s, w), 2) },
    };
    const signed = c.next(p.M!, rekey.type, rekey.body);
    const s2 = extendChain(chainCrypto, s, [
      { ...signed, seq: rekey.seq, prev: rekey.prev, sig: resign(p.M!, s, rekey) },
    ]);
    expect(rekeyPending(s2, s2.vaults.get(W)!)).toBe(false);
    expect(s2.vaults.get(W)!.generation).toBe(2);
  });
});

import { signLink } from '../../electron/core/crypto/chain.ts';
function resign(
  a: Actor,
  s: TeamState,
  l: { type: LinkType; seq: number; prev: string; author: string; body: Record<string, unknown> },
) {
  return signLink(s.team, l, a.signSecretKey).sig;
}
