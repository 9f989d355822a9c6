// Process: test (plain Node, vitest).
// `vault.delete` in the verifier (docs/design.md "Renaming and deleting a vault"): who may
// append it, and that nothing touching the vault is accepted after it. Real Ed25519 chains
// (test/helpers/chain.ts); the expected answers are written out, not read from the role table.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LinkType } from '../../shared/chain/links.ts';
import {
  missingKeys,
  readersOf,
  rekeyPending,
  stateFromJson,
  stateToJson,
  type TeamState,
} from '../../shared/chain/state.ts';
import { ChainError, extendChain } from '../../shared/chain/verify.ts';
import { chainCrypto } from '../../electron/core/crypto/chain.ts';
import { initSodium } from '../../electron/core/crypto/sodium.ts';
import { type Actor, actor, Chain, fakeKeyHash } from '../helpers/chain.ts';

let c: Chain;
let base: TeamState;
const p: Record<string, Actor> = {};
let W: string; // created by M; E edit, V view, group G view (T in G)
let G: string;
let W2: string; // the vault of the second chain, deleted by M
let G2: string; // a group holding a view grant on W2

beforeAll(async () => {
  await initSodium();
  for (const n of ['O', 'A', 'M', 'E', 'V', 'T', 'N', 'R']) p[n] = actor(n.toLowerCase());
  c = new Chain(p.O!);
  c.join(p.O!, p.A!, 'admin');
  for (const n of ['M', 'E', 'V', 'T', 'N', 'R']) c.join(p.A!, p[n]!, 'member');
  c.add(p.A!, 'member.remove', { user: p.R!.id, reason: 'removed' });
  G = randomUUID();
  c.add(p.A!, 'group.create', { group: G, name: 'g' });
  W = c.createVault(p.M!);
  for (const [who, role] of [
    ['E', 'edit'],
    ['V', 'view'],
  ] as const) {
    c.add(p.M!, 'vault.grant', { vault: W, principal: { kind: 'user', id: p[who]!.id }, role });
    c.add(p.M!, 'key.deliver', {
      vault: W,
      generation: 1,
      user: p[who]!.id,
      keyHash: fakeKeyHash(p[who]!.id),
    });
  }
  c.add(p.M!, 'vault.grant', { vault: W, principal: { kind: 'group', id: G }, role: 'view' });
  base = c.state;
});

function attempt(from: TeamState, author: Actor, type: LinkType, body: Record<string, unknown>) {
  const link = c.next(author, type, body);
  try {
    return { state: extendChain(chainCrypto, from, [link]), error: null };
  } catch (e) {
    if (e instanceof ChainError) return { state: null, error: e };
    throw e;
  }
}

describe('who may append vault.delete', () => {
  const expected: [string, boolean, RegExp?][] = [
    ['O', true], // owner, no grant: owners manage every vault
    ['M', true], // the creator, who manages it
    ['A', false, /does not manage vault/], // an admin without a grant
    ['E', false, /does not manage vault/],
    ['V', false, /does not manage vault/],
    ['T', false, /does not manage vault/], // view through a group
    ['N', false, /does not manage vault/], // no access at all
    ['R', false, /is not a member/],
  ];
  for (const [who, allowed, why] of expected) {
    it(`${who} ${allowed ? 'may' : 'may not'}`, () => {
      const r = attempt(base, p[who]!, 'vault.delete', { vault: W });
      if (allowed) {
        expect(r.error).toBeNull();
        expect(r.state!.vaults.get(W)!.deleted).toBe(true);
      } else expect(r.error?.message).toMatch(why!);
    });
  }

  it('a manager through a group may; a vault that does not exist, or a body with more, may not', () => {
    const x = new Chain(p.O!);
    x.join(p.O!, p.A!, 'admin').join(p.A!, p.M!, 'member').join(p.A!, p.T!, 'member');
    const g = randomUUID();
    x.add(p.A!, 'group.create', { group: g, name: 'managers' }).add(p.A!, 'group.add', {
      group: g,
      user: p.T!.id,
    });
    const v = x.createVault(p.M!);
    x.add(p.M!, 'vault.grant', { vault: v, principal: { kind: 'group', id: g }, role: 'manage' });
    expect(() =>
      extendChain(chainCrypto, x.state, [x.next(p.T!, 'vault.delete', { vault: randomUUID() })]),
    ).toThrow(/does not exist in this chain/);
    expect(() =>
      extendChain(chainCrypto, x.state, [x.next(p.T!, 'vault.delete', { vault: v, reason: 'tidy' })]),
    ).toThrow(/malformed vault.delete body/);
    x.add(p.T!, 'vault.delete', { vault: v });
    expect(x.state.vaults.get(v)!.deleted).toBe(true);
  });
});

describe('after vault.delete', () => {
  let d: Chain;
  let gen1Readers: string[];
  beforeAll(() => {
    d = new Chain(p.O!);
    d.join(p.O!, p.A!, 'admin');
    for (const n of ['M', 'E', 'N']) d.join(p.A!, p[n]!, 'member');
    G2 = randomUUID();
    d.add(p.A!, 'group.create', { group: G2, name: 'g' });
    W2 = d.createVault(p.M!);
    d.add(p.M!, 'vault.grant', { vault: W2, principal: { kind: 'user', id: p.E!.id }, role: 'edit' });
    d.add(p.M!, 'vault.grant', { vault: W2, principal: { kind: 'group', id: G2 }, role: 'view' });
    gen1Readers = readersOf(d.state, d.state.vaults.get(W2)!);
    // E has no key yet, and a revoke below would leave a re-key pending: both are duties a
    // manager's client would take up, and neither may outlive the vault.
    d.add(p.M!, 'vault.delete', { vault: W2 });
  });

  const refusedAfter: [string, LinkType, () => Record<string, unknown>][] = [
    ['a grant', 'vault.grant', () => ({ vault: W2, principal: { kind: 'user', id: p.N!.id }, role: 'view' })],
    ['a revoke', 'vault.revoke', () => ({ vault: W2, principal: { kind: 'user', id: p.E!.id } })],
    [
      'a re-key',
      'vault.rekey',
      () => ({
        vault: W2,
        generation: 2,
        keys: gen1Readers.map((user) => ({ user, keyHash: fakeKeyHash(user, 2) })),
      }),
    ],
    [
      'a delivery',
      'key.deliver',
      () => ({ vault: W2, generation: 1, user: p.E!.id, keyHash: fakeKeyHash(p.E!.id) }),
    ],
    ['a second delete', 'vault.delete', () => ({ vault: W2 })],
  ];
  for (const [what, type, body] of refusedAfter) {
    it(`refuses ${what}, even by an owner`, () => {
      for (const who of [p.M!, p.O!])
        expect(() => extendChain(chainCrypto, d.state, [d.next(who, type, body())])).toThrow(
          new RegExp(`vault ${W2} was deleted`),
        );
    });
  }

  it('refuses a new vault.create under the same id', () => {
    const keys = [p.M!.id, p.O!.id].sort().map((user) => ({ user, keyHash: fakeKeyHash(user) }));
    expect(() =>
      extendChain(chainCrypto, d.state, [d.next(p.M!, 'vault.create', { vault: W2, generation: 1, keys })]),
    ).toThrow(/already exists/);
  });

  it('leaves no key to deliver and no re-key pending', () => {
    const v = d.state.vaults.get(W2)!;
    expect(readersOf(d.state, v)).toContain(p.E!.id); // the grants are still recorded...
    expect(missingKeys(d.state, v)).toEqual([]); // ...but nobody is owed the key
    expect(rekeyPending(d.state, v)).toBe(false);
  });

  it('no longer asks for manage on it when someone joins a group that held a grant on it', () => {
    // Before the delete, an admin without manage on W2 could not add to G (G shares W2).
    expect(() =>
      extendChain(chainCrypto, base, [c.next(p.A!, 'group.add', { group: G, user: p.V!.id })]),
    ).toThrow(/does not manage vault/);
    d.add(p.A!, 'group.add', { group: G2, user: p.N!.id });
    expect(d.state.groups.get(G2)!.members.has(p.N!.id)).toBe(true);
  });

  it('survives the profile round trip', () => {
    const back = stateFromJson(JSON.parse(JSON.stringify(stateToJson(d.state))));
    expect(back.vaults.get(W2)!.deleted).toBe(true);
    expect(() => extendChain(chainCrypto, back, [d.next(p.O!, 'vault.delete', { vault: W2 })])).toThrow(
      /was deleted/,
    );
  });
});
