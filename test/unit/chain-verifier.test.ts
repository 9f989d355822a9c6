// Process: test (plain Node, vitest).
// The verifier against a hostile server that edits the chain itself: a bad signature, an
// edited body, a dropped or swapped link at every position, a fork, a rollback, and a team
// root swapped at join. Every case is built from a valid chain of real signatures.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChainLink } from '../../shared/chain/links.ts';
import { inviteCodeOf, teamIdOfInviteCode } from '../../shared/chain/invite-code.ts';
import { stateFromJson, stateToJson } from '../../shared/chain/state.ts';
import { ChainError, checkExtends, extendChain, verifyChain } from '../../shared/chain/verify.ts';
import { fromB64, toB64 } from '../../shared/encoding.ts';
import { chainCrypto } from '../../electron/core/crypto/chain.ts';
import { initSodium } from '../../electron/core/crypto/sodium.ts';
import { type Actor, actor, Chain, fakeKeyHash } from '../helpers/chain.ts';

let c: Chain;
let raw: ChainLink[];
let owner: Actor;
let admin: Actor;
let bob: Actor;

beforeAll(async () => {
  await initSodium();
  owner = actor('owner');
  admin = actor('admin');
  bob = actor('bob');
  c = new Chain(owner);
  c.join(owner, admin, 'admin').join(admin, bob, 'member');
  const v = c.createVault(bob);
  c.add(bob, 'vault.grant', { vault: v, principal: { kind: 'user', id: admin.id }, role: 'view' });
  c.add(bob, 'key.deliver', { vault: v, generation: 1, user: admin.id, keyHash: fakeKeyHash(admin.id) });
  const g = randomUUID();
  c.add(admin, 'group.create', { group: g, name: 'ops' }).add(admin, 'group.add', { group: g, user: bob.id });
  c.add(bob, 'vault.revoke', { vault: v, principal: { kind: 'user', id: admin.id } });
  raw = c.raw() as ChainLink[];
});

const verify = (links: unknown[]) => verifyChain(chainCrypto, links, c.team);
const refusedAt = (links: unknown[]) => {
  try {
    verify(links);
  } catch (e) {
    if (e instanceof ChainError) return e.seq;
    throw e;
  }
  return null;
};

describe('whole chain', () => {
  it('a valid chain verifies and yields the same state as building it', () => {
    const s = verify(raw);
    expect(s.seq).toBe(raw.length);
    expect(s.head).toBe(c.state.head);
    expect(stateToJson(s)).toEqual(stateToJson(c.state));
  });

  it('a root other than the one the invite code names is refused at link 1', () => {
    const other = new Chain(actor('mallory'));
    expect(() => verifyChain(chainCrypto, other.raw(), c.team)).toThrow(/a different team root/);
  });

  it('the invite code round-trips, forgives case and spacing, and rejects a typo', () => {
    const code = inviteCodeOf(c.team);
    expect(teamIdOfInviteCode(code)).toBe(c.team);
    expect(teamIdOfInviteCode(` ${code.toUpperCase().replace(/-/g, ' ')} `)).toBe(c.team);
    expect(teamIdOfInviteCode(code.slice(0, -1))).toBeNull();
    expect(teamIdOfInviteCode(`${code.slice(0, -1)}u`)).toBeNull();
  });
});

describe('at every position', () => {
  it('a flipped signature byte is refused at that link', () => {
    for (let i = 0; i < raw.length; i++) {
      const links = structuredClone(raw);
      const sig = fromB64(links[i]!.sig);
      sig[5] = sig[5]! ^ 1;
      links[i]!.sig = toB64(sig);
      expect(refusedAt(links), `link ${i + 1}`).toBe(i + 1);
    }
  });

  it('a body edited after signing is refused at that link', () => {
    for (let i = 0; i < raw.length; i++) {
      const links = structuredClone(raw);
      const body = links[i]!.body as Record<string, unknown>;
      const key = Object.keys(body).find((k) => typeof body[k] === 'string')!;
      body[key] = `${body[key]}x`;
      expect(refusedAt(links), `link ${i + 1}`).toBe(i + 1);
    }
  });

  it('a dropped link is refused where the gap shows', () => {
    for (let i = 1; i < raw.length - 1; i++) {
      const links = structuredClone(raw);
      links.splice(i, 1);
      expect(refusedAt(links), `dropping link ${i + 1}`).toBe(i + 1);
    }
  });

  it('two neighbours swapped are refused', () => {
    for (let i = 1; i < raw.length - 1; i++) {
      const links = structuredClone(raw);
      [links[i], links[i + 1]] = [links[i + 1]!, links[i]!];
      expect(refusedAt(links), `swapping ${i + 1} and ${i + 2}`).toBe(i + 1);
    }
  });

  it('a link renumbered into place still fails on its prev hash', () => {
    for (let i = 1; i < raw.length - 1; i++) {
      const links = structuredClone(raw);
      const [moved] = links.splice(i, 1);
      links.push({ ...moved!, seq: raw.length });
      for (let k = i; k < links.length - 1; k++) links[k]!.seq = k + 1;
      expect(refusedAt(links), `moving link ${i + 1}`).not.toBeNull();
    }
  });
});

describe('rollback and fork against the head this client kept', () => {
  it('a truncated chain does not extend the kept head', () => {
    const kept = verify(raw);
    for (let len = 1; len < raw.length; len++) {
      const offered = verify(raw.slice(0, len));
      expect(() => checkExtends(kept, { seq: offered.seq, hashAtKnownSeq: null })).toThrow(
        /already verified/,
      );
    }
  });

  it('a fork, valid on its own, is told apart by the hash at the kept seq', () => {
    const k = 4;
    const kept = verify(raw.slice(0, k));
    // The same author re-signs a different link k: a chain that verifies by itself.
    const fork = new Chain(owner);
    Object.assign(fork, { state: verify(raw.slice(0, k - 1)) });
    const forked = [
      ...raw.slice(0, k - 1),
      fork.next(admin, 'member.invite', { email: 'eve@example.com', role: 'member' }),
    ];
    const offered = verify(forked);
    expect(offered.seq).toBe(k);
    expect(() => checkExtends(kept, { seq: offered.seq, hashAtKnownSeq: offered.head })).toThrow(
      /different history/,
    );
    expect(() => checkExtends(kept, { seq: raw.length, hashAtKnownSeq: verify(raw).head })).toThrow(
      /different history/,
    );
    expect(() => checkExtends(kept, { seq: raw.length, hashAtKnownSeq: kept.head })).not.toThrow();
  });

  it('incremental verification from a kept state equals verifying from scratch', () => {
    for (let k = 1; k < raw.length; k++) {
      const kept = stateFromJson(JSON.parse(JSON.stringify(stateToJson(verify(raw.slice(0, k))))));
      const s = extendChain(chainCrypto, kept, raw.slice(k));
      expect(s.head).toBe(c.state.head);
      expect(stateToJson(kept)).toEqual(stateToJson(verify(raw.slice(0, k)))); // untouched
    }
  });

  it('links that do not start right after the kept head are refused', () => {
    const kept = verify(raw.slice(0, 3));
    expect(() => extendChain(chainCrypto, kept, raw.slice(4))).toThrow(/expected link 4/);
    expect(() => extendChain(chainCrypto, kept, raw.slice(2))).toThrow(/expected link 4/);
  });
});
