// Process: core (trusted Node side; never imports electron).
// Binary AEAD frames (nonce || ciphertext) for the profile's append-only item log. Same
// XChaCha20-Poly1305 and associated-data rules as envelopes, minus the base64 and JSON
// wrapping, which at 10,000 items cost more than the encryption itself.
import { CryptoError, randomBytes, sodium } from './sodium.ts';

const NONCE = 24;

export function sealFrame(key: Uint8Array, plaintext: Uint8Array, ad: string): Uint8Array {
  const nonce = randomBytes(NONCE);
  const ct = sodium().crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, ad, null, nonce, key);
  const out = new Uint8Array(NONCE + ct.length);
  out.set(nonce, 0);
  out.set(ct, NONCE);
  return out;
}

export function openFrame(key: Uint8Array, frame: Uint8Array, ad: string): Uint8Array {
  if (frame.length < NONCE + 16) throw new CryptoError('frame too short');
  try {
    return sodium().crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      frame.subarray(NONCE),
      ad,
      frame.subarray(0, NONCE),
      key,
    );
  } catch {
    throw new CryptoError('frame failed authentication');
  }
}
