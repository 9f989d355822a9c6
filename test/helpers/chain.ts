// Process: test (plain Node, vitest).
// Builds real team chains for the verifier's tests: real Ed25519 keys, real signatures, each
// link extending the one before. `Chain.raw` hands back every link as sent, so a test can play
// a hostile server by dropping, swapping, re-signing or editing any of them.
import { randomUUID } from 'node:crypto';
import type { ChainLink, LinkType } from '../../shared/chain/links.ts';
import type { TeamState } from '../../shared/chain/state.ts';
import { extendChain, verifyGenesis } from '../../shared/chain/verify.ts';
import { toB64 } from '../../shared/encoding.ts';
import { chainCrypto, signLink } from '../../electron/core/crypto/chain.ts';
import { sodium } from '../../electron/core/crypto/sodium.ts';

export interface Actor {
  id: string;
  email: string;
  keys: { boxPublicKey: string; signPublicKey: string };
  signSecretKey: Uint8Array;
}

export function actor(name: string): Actor {
  const sign = sodium().crypto_sign_keypair();
  const box = sodium().crypto_box_keypair();
  return {
    id: randomUUID(),
    email: `${name}@example.com`,
    keys: { boxPublicKey: toB64(box.publicKey), signPublicKey: toB64(sign.publicKey) },
    signSecretKey: sign.privateKey,
  };
}

/** A stand-in for the hash of a sealed key: the chain only compares these strings. */
export const fakeKeyHash = (user: string, generation = 1) =>
  toB64(sodium().crypto_generichash(32, `${user}|${generation}`, null));

export class Chain {
  readonly links: ChainLink[] = [];
  state: TeamState;

  constructor(readonly root: Actor) {
    const link = signLink(
      null,
      {
        seq: 1,
        prev: null,
        type: 'team.create',
        author: root.id,
        body: { name: 'sealed-name', user: root.id, email: root.email, keys: root.keys },
      },
      root.signSecretKey,
    );
    this.links.push(link);
    this.state = verifyGenesis(chainCrypto, link);
  }

  get team(): string {
    return this.state.team;
  }

  /** Signs the next link without appending it (for cases that must be refused). */
  next(author: Actor, type: LinkType, body: Record<string, unknown>): ChainLink {
    return signLink(
      this.team,
      { seq: this.state.seq + 1, prev: this.state.head, type, author: author.id, body },
      author.signSecretKey,
    );
  }

  /** Signs, verifies and appends; throws what the verifier throws. */
  add(author: Actor, type: LinkType, body: Record<string, unknown>): this {
    const link = this.next(author, type, body);
    this.state = extendChain(chainCrypto, this.state, [link]);
    this.links.push(link);
    return this;
  }

  invite(by: Actor, who: Actor, role: 'owner' | 'admin' | 'member'): this {
    return this.add(by, 'member.invite', { email: who.email, role });
  }

  join(by: Actor, who: Actor, role: 'owner' | 'admin' | 'member'): this {
    return this.invite(by, who, role).add(by, 'member.confirm', {
      user: who.id,
      email: who.email,
      keys: who.keys,
      role,
    });
  }

  /** vault.create with a key for exactly the entitled readers: the author and every owner. */
  createVault(by: Actor, vault = randomUUID()): string {
    const readers = new Set([by.id]);
    for (const m of this.state.members.values())
      if (m.status === 'confirmed' && m.role === 'owner') readers.add(m.user);
    const keys = [...readers].sort().map((user) => ({ user, keyHash: fakeKeyHash(user) }));
    this.add(by, 'vault.create', { vault, generation: 1, keys });
    return vault;
  }

  raw(): unknown[] {
    return this.links.map((l) => structuredClone(l));
  }
}
