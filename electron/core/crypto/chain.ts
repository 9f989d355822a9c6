// Process: core (trusted Node side; never imports electron).
// libsodium behind the team chain's two primitives, and the signing of new links. The chain's
// rules live in shared/chain so the server applies the very same checks (docs/design.md
// "The team chain").
import { type ChainCrypto, sodiumChainCrypto } from '../../../shared/chain/verify.ts';
import { type ChainLink, signedMessage } from '../../../shared/chain/links.ts';
import { auditSignedMessage, type ClientAuditEvent } from '../../../shared/audit/entry.ts';
import { toB64, utf8 } from '../../../shared/encoding.ts';
import { CryptoError, sodium } from './sodium.ts';

export const chainCrypto: ChainCrypto = sodiumChainCrypto(sodium);

/** Signs a new link for `team` (null for link 1, whose hash becomes the team id). */
export function signLink(
  team: string | null,
  unsigned: Omit<ChainLink, 'sig'>,
  signSecretKey: Uint8Array,
): ChainLink {
  if (!(signSecretKey instanceof Uint8Array) || signSecretKey.length !== 64)
    throw new CryptoError('signing key must be 64 bytes', 'internal');
  const sig = sodium().crypto_sign_detached(utf8(signedMessage(team, unsigned)), signSecretKey);
  return { ...unsigned, sig: toB64(sig) };
}

/** key hash of a sealed vault key as the chain records it: base64url BLAKE2b-256 of its bytes. */
export function chainKeyHash(sealedKey: Uint8Array): string {
  return toB64(sodium().crypto_generichash(32, sealedKey, null));
}

/** Signs a reveal or copy event this member reports to the team's audit log (docs/design.md
 *  "Audit"): the server chains it but cannot make one up. */
export function signAuditEvent(
  team: string,
  actor: string,
  unsigned: Omit<ClientAuditEvent, 'sig'>,
  signSecretKey: Uint8Array,
): ClientAuditEvent {
  if (!(signSecretKey instanceof Uint8Array) || signSecretKey.length !== 64)
    throw new CryptoError('signing key must be 64 bytes', 'internal');
  const sig = sodium().crypto_sign_detached(utf8(auditSignedMessage(team, unsigned, actor)), signSecretKey);
  return { ...unsigned, sig: toB64(sig) };
}
