// Process: shared. Verifies team chain links and derives the team's state (docs/design.md
// "The team chain"). Runs in the client, which trusts nothing else about membership or
// access, and in the server, which refuses to store a link the client would refuse. The two
// primitives come in from outside (libsodium in both), so this file stays free of Node and DOM.
import { fromB64, toB64, utf8 } from '../encoding.ts';
import {
  type ChainLink,
  chainLinkSchema,
  hashedMessage,
  linkBodies,
  signedMessage,
  teamIdFromHash,
} from './links.ts';
import { applyLink, ChainError } from './rules.ts';
import { cloneState, type TeamState } from './state.ts';

export interface ChainCrypto {
  /** Ed25519 detached verification; false on anything malformed, never a throw. */
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
  /** BLAKE2b-256. */
  hash(message: Uint8Array): Uint8Array;
}

export { ChainError };

/** The two primitives from a libsodium instance (client and server pass their own). */
export function sodiumChainCrypto(
  sodium: () => {
    crypto_sign_verify_detached(sig: Uint8Array, msg: Uint8Array, pk: Uint8Array): boolean;
    crypto_generichash(len: number, msg: Uint8Array, key: null): Uint8Array;
  },
): ChainCrypto {
  return {
    verify(signature, message, publicKey) {
      try {
        return sodium().crypto_sign_verify_detached(signature, message, publicKey);
      } catch {
        return false;
      }
    },
    hash: (message) => sodium().crypto_generichash(32, message, null),
  };
}

function checkSignature(c: ChainCrypto, team: string | null, link: ChainLink, signPublicKey: string): void {
  // Stryker disable next-line BooleanLiteral: equivalent, the try below either assigns ok or lands in the catch, which sets it false
  let ok = false;
  try {
    const sig = fromB64(link.sig);
    const pk = fromB64(signPublicKey);
    ok = sig.length === 64 && pk.length === 32 && c.verify(sig, utf8(signedMessage(team, link)), pk);
  } catch {
    ok = false;
  }
  if (!ok) throw new ChainError(link.seq, `bad signature by ${link.author}`);
}

function parse(raw: unknown, seq: number): ChainLink {
  const p = chainLinkSchema.safeParse(raw);
  // Stryker disable next-line OptionalChaining: equivalent, a failed zod parse always has at least one issue
  if (!p.success) throw new ChainError(seq, `malformed link: ${p.error.issues[0]?.message ?? 'invalid'}`);
  return p.data;
}

/** Link 1: self-signed by the root owner; its hash is the team id. */
export function verifyGenesis(c: ChainCrypto, raw: unknown): TeamState {
  const link = parse(raw, 1);
  if (link.seq !== 1 || link.prev !== null || link.type !== 'team.create')
    throw new ChainError(1, 'the first link must be team.create at seq 1 with no prev');
  const body = linkBodies['team.create'].safeParse(link.body);
  // Stryker disable next-line OptionalChaining: equivalent, a failed zod parse always has at least one issue
  if (!body.success) throw new ChainError(1, `malformed team.create body: ${body.error.issues[0]?.message}`);
  if (body.data.user !== link.author) throw new ChainError(1, 'the root must author its own team.create');
  checkSignature(c, null, link, body.data.keys.signPublicKey);
  const hash = c.hash(utf8(hashedMessage(null, link)));
  const b = body.data;
  return {
    team: teamIdFromHash(hash),
    name: b.name,
    seq: 1,
    head: toB64(hash),
    root: b.user,
    members: new Map([
      [b.user, { user: b.user, email: b.email, role: 'owner', keys: b.keys, status: 'confirmed' }],
    ]),
    invites: new Map(),
    groups: new Map(),
    vaults: new Map(),
  };
}

/**
 * Extends a verified state by `links`, which must start right after its head. Returns a new
 * state and leaves `from` untouched, so a refusal anywhere keeps the last good state.
 */
export function extendChain(c: ChainCrypto, from: TeamState, links: readonly unknown[]): TeamState {
  if (links.length === 0) return from;
  const s = cloneState(from);
  for (let i = 0; i < links.length; i++) {
    const expected = from.seq + i + 1;
    const link = parse(links[i], expected);
    if (link.seq !== expected) throw new ChainError(expected, `expected link ${expected}, got ${link.seq}`);
    if (link.prev !== s.head)
      throw new ChainError(expected, 'prev does not match the hash of the link before');
    const author = s.members.get(link.author);
    if (author?.status !== 'confirmed')
      throw new ChainError(expected, `author ${link.author} is not a member`);
    checkSignature(c, s.team, link, author.keys.signPublicKey);
    applyLink(s, link);
    s.seq = link.seq;
    s.head = toB64(c.hash(utf8(hashedMessage(s.team, link))));
  }
  return s;
}

/** A whole chain from link 1, checked against the team id the member was told out of band. */
export function verifyChain(c: ChainCrypto, links: readonly unknown[], expectedTeam: string): TeamState {
  if (links.length === 0) throw new ChainError(1, 'the chain is empty');
  const genesis = verifyGenesis(c, links[0]);
  if (genesis.team !== expectedTeam)
    throw new ChainError(
      1,
      `link 1 hashes to team ${genesis.team}, not ${expectedTeam}: a different team root`,
    );
  return extendChain(c, genesis, links.slice(1));
}

/**
 * The rollback and fork check: a server's chain must extend the head this client verified
 * before. `knownHash` is the hash it saw at `known.seq`; a shorter chain or another hash at
 * that seq means the server is hiding or rewriting history.
 */
export function checkExtends(
  known: { seq: number; head: string },
  offered: { seq: number; hashAtKnownSeq: string | null },
): void {
  if (offered.seq < known.seq)
    throw new ChainError(
      offered.seq,
      `the server offers ${offered.seq} links; this client already verified ${known.seq}`,
    );
  if (offered.hashAtKnownSeq !== known.head)
    throw new ChainError(known.seq, 'the server offers a different history (a fork)');
}
