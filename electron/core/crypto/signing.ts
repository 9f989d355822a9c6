// Process: core (trusted Node side; never imports electron).
// Signatures on item versions, so history names an author the client checked (membership and
// access are signed as team chain links, crypto/chain.ts). Statements are rendered by
// formats.ts behind a per-purpose domain label, so a signature made for one purpose can never
// verify for another. Verification returns false on anything malformed instead of throwing, so a
// hostile input can never take a code path where an exception is mistaken for "no opinion".
import { fromB64, toB64, utf8 } from '../../../shared/encoding.ts';
import {
  type Envelope,
  type ItemVersionStatement,
  type RotationFlagStatement,
  statement,
} from '../../../shared/formats.ts';
import { CryptoError, sodium } from './sodium.ts';

const SECRET_BYTES = 64;
const PUBLIC_BYTES = 32;
const SIGNATURE_BYTES = 64;

function sign(message: string, signSecretKey: Uint8Array): string {
  if (!(signSecretKey instanceof Uint8Array) || signSecretKey.length !== SECRET_BYTES) {
    throw new CryptoError(`signing key must be ${SECRET_BYTES} bytes`, 'internal');
  }
  return toB64(sodium().crypto_sign_detached(utf8(message), signSecretKey));
}

function verify(render: () => string, signature: string, signPublicKey: string | Uint8Array): boolean {
  try {
    if (typeof signature !== 'string') return false;
    const sig = fromB64(signature);
    const pk = typeof signPublicKey === 'string' ? fromB64(signPublicKey) : signPublicKey;
    if (!(pk instanceof Uint8Array) || sig.length !== SIGNATURE_BYTES || pk.length !== PUBLIC_BYTES)
      return false;
    return sodium().crypto_sign_verify_detached(sig, utf8(render()), pk);
  } catch {
    return false;
  }
}

/** base64url BLAKE2b-256 over the envelope's fields in a fixed order. */
export function envelopeHash(e: Envelope): string {
  return toB64(sodium().crypto_generichash(32, utf8(JSON.stringify([e.v, e.alg, e.nonce, e.ct])), null));
}

export function signItemVersion(s: ItemVersionStatement, signSecretKey: Uint8Array): string {
  return sign(statement.itemVersion(s), signSecretKey);
}

export function verifyItemVersion(
  s: ItemVersionStatement,
  signature: string | undefined,
  signPublicKey: string | Uint8Array,
): boolean {
  return signature !== undefined && verify(() => statement.itemVersion(s), signature, signPublicKey);
}

export function signRotationFlag(s: RotationFlagStatement, signSecretKey: Uint8Array): string {
  return sign(statement.rotationFlag(s), signSecretKey);
}

export function verifyRotationFlag(
  s: RotationFlagStatement,
  signature: string,
  signPublicKey: string | Uint8Array,
): boolean {
  return verify(() => statement.rotationFlag(s), signature, signPublicKey);
}

/** The hash a chain link records for a sealed vault key: base64url BLAKE2b-256 of its raw
 *  bytes, so the link vouches for the exact blob the recipient will open. */
export function hashSealedKey(sealedKey: string): string {
  let bytes: Uint8Array;
  try {
    bytes = fromB64(sealedKey);
  } catch {
    throw new CryptoError('sealed key is not base64url');
  }
  return toB64(sodium().crypto_generichash(32, bytes, null));
}
