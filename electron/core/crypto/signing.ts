// Process: core (trusted Node side; never imports electron).
// Signatures are how the client decides whom to trust without trusting the server: a member's
// keys count only with an admin's directory signature, and a vault key counts only with a
// grant signature from someone who may hand it out (DESIGN §3). Statements are rendered by
// formats.ts behind a per-purpose domain label, so a directory signature can never be replayed
// as a grant. Verification returns false on anything malformed instead of throwing, so a
// hostile input can never take a code path where an exception is mistaken for "no opinion".
import { fromB64, toB64, utf8 } from '../../../shared/encoding.ts';
import { type DirectoryStatement, type GrantStatement, statement } from '../../../shared/formats.ts';
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

export function signDirectory(s: DirectoryStatement, signSecretKey: Uint8Array): string {
  return sign(statement.directory(s), signSecretKey);
}

export function verifyDirectory(
  s: DirectoryStatement,
  signature: string,
  signPublicKey: string | Uint8Array,
): boolean {
  return verify(() => statement.directory(s), signature, signPublicKey);
}

export function signGrant(s: GrantStatement, signSecretKey: Uint8Array): string {
  return sign(statement.grant(s), signSecretKey);
}

export function verifyGrant(
  s: GrantStatement,
  signature: string,
  signPublicKey: string | Uint8Array,
): boolean {
  return verify(() => statement.grant(s), signature, signPublicKey);
}

/** GrantStatement.sealedKeyHash: base64url BLAKE2b-256 of the sealed key's raw bytes, so the
 *  grant signature covers the exact blob the recipient will open. */
export function hashSealedKey(sealedKey: string): string {
  let bytes: Uint8Array;
  try {
    bytes = fromB64(sealedKey);
  } catch {
    throw new CryptoError('sealed key is not base64url');
  }
  return toB64(sodium().crypto_generichash(32, bytes, null));
}
