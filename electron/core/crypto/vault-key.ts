// Process: core (trusted Node side; never imports electron).
// A vault key reaches a member only as a sealed box to their X25519 public key, so the
// cryptography, not the server's access table, decides who can read a vault. Sealed boxes are
// anonymous: whoever sealed it is proven by the grant signature (signing.ts), never by this
// layer. Opening checks the exact sizes so a truncated or padded blob is refused outright.
import { fromB64, toB64 } from '../../../shared/encoding.ts';
import type { AccountKeys } from './keyset.ts';
import { CryptoError, randomBytes, sodium, wipe } from './sodium.ts';

const VAULT_KEY_BYTES = 32;
const PUBLIC_BYTES = 32;
const SEAL_OVERHEAD = 48; // crypto_box_SEALBYTES: ephemeral public key + tag

export function newVaultKey(): Uint8Array {
  return randomBytes(VAULT_KEY_BYTES);
}

export function sealVaultKey(vaultKey: Uint8Array, recipientBoxPublicKey: string | Uint8Array): string {
  if (vaultKey.length !== VAULT_KEY_BYTES)
    throw new CryptoError(`vault key must be ${VAULT_KEY_BYTES} bytes`, 'internal');
  let pk: Uint8Array;
  try {
    pk = typeof recipientBoxPublicKey === 'string' ? fromB64(recipientBoxPublicKey) : recipientBoxPublicKey;
  } catch {
    throw new CryptoError('recipient box public key is not base64url');
  }
  if (pk.length !== PUBLIC_BYTES)
    throw new CryptoError(`recipient box public key must be ${PUBLIC_BYTES} bytes`);
  try {
    return toB64(sodium().crypto_box_seal(vaultKey, pk));
  } catch {
    throw new CryptoError('recipient box public key is not a usable X25519 key');
  }
}

export function openVaultKey(sealed: string, keys: AccountKeys): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = fromB64(sealed);
  } catch {
    throw new CryptoError('sealed vault key is not base64url');
  }
  if (bytes.length !== VAULT_KEY_BYTES + SEAL_OVERHEAD) {
    throw new CryptoError(
      `sealed vault key is ${bytes.length} bytes, expected ${VAULT_KEY_BYTES + SEAL_OVERHEAD}`,
    );
  }
  let key: Uint8Array;
  try {
    key = sodium().crypto_box_seal_open(bytes, keys.boxPublicKey, keys.boxSecretKey);
  } catch {
    throw new CryptoError('sealed vault key did not open with this account key');
  }
  // Stryker disable next-line BlockStatement: unreachable, an 80-byte sealed box that opens always holds 32 bytes
  if (key.length !== VAULT_KEY_BYTES) {
    wipe(key);
    // Stryker disable next-line StringLiteral: unreachable, see the check above
    throw new CryptoError('sealed vault key has the wrong length');
  }
  return key;
}
