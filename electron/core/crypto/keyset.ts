// Process: core (trusted Node side; never imports electron).
// The account keyset is what a member is known by: others seal vault keys to its X25519 half
// and trust its Ed25519 half's signatures. The private halves leave the device only sealed
// under a password-derived subkey, in a fixed binary layout rather than JSON so the secret
// keys never become immutable JavaScript strings that cannot be wiped.
// The public halves travel in the clear beside the sealed private halves, so a hostile server
// could swap them for keys it controls (public-key substitution, docs/design.md "Threat model"). After decrypting,
// we therefore recompute both public keys from the secret halves and refuse any mismatch.
// The fingerprint is what two humans compare to confirm a member, so it is short, stable and
// domain-separated from every other hash in the system.
import { fromB64, toB64, utf8 } from '../../../shared/encoding.ts';
import {
  type EncryptedKeyset,
  type KdfParams,
  type PublicKeyset,
  ad,
  encryptedKeysetSchema,
} from '../../../shared/formats.ts';
import { openEnvelope, sealEnvelope } from './envelope.ts';
import { SUBKEY_KEYSET, checkKdfParams, deriveSubkey } from './kdf.ts';
import { CryptoError, sodium, wipe } from './sodium.ts';

export interface AccountKeys {
  boxPublicKey: Uint8Array;
  boxSecretKey: Uint8Array;
  signPublicKey: Uint8Array;
  signSecretKey: Uint8Array;
}

const BOX_SK = 32;
const SIGN_SK = 64; // libsodium's Ed25519 secret key: seed || public key
const PUBLIC_BYTES = 32;
const FINGERPRINT_LABEL = 'tessera/v1/fingerprint';

export function generateAccountKeys(): AccountKeys {
  const s = sodium();
  const box = s.crypto_box_keypair();
  const sign = s.crypto_sign_keypair();
  return {
    boxPublicKey: box.publicKey,
    boxSecretKey: box.privateKey,
    signPublicKey: sign.publicKey,
    signSecretKey: sign.privateKey,
  };
}

export function publicKeyset(keys: AccountKeys): PublicKeyset {
  return { boxPublicKey: toB64(keys.boxPublicKey), signPublicKey: toB64(keys.signPublicKey) };
}

/** Private layout (inside the envelope): boxSecretKey (32) || signSecretKey (64). */
export function encryptKeyset(
  keys: AccountKeys,
  masterKey: Uint8Array,
  kdf: KdfParams,
  email: string,
): EncryptedKeyset {
  if (keys.boxSecretKey.length !== BOX_SK || keys.signSecretKey.length !== SIGN_SK) {
    throw new CryptoError('account keys have the wrong length', 'internal');
  }
  const params = checkKdfParams(kdf); // never persist parameters we would refuse to read back
  const subkey = deriveSubkey(masterKey, SUBKEY_KEYSET);
  const plain = new Uint8Array(BOX_SK + SIGN_SK);
  try {
    plain.set(keys.boxSecretKey, 0);
    plain.set(keys.signSecretKey, BOX_SK);
    return {
      public: publicKeyset(keys),
      kdf: params,
      sealedPrivate: sealEnvelope(subkey, plain, ad.keyset(email)),
    };
  } finally {
    wipe(subkey, plain);
  }
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && sodium().memcmp(a, b);
}

function publicKeyBytes(b64: string, what: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = fromB64(b64);
  } catch {
    throw new CryptoError(`${what} is not base64url`);
  }
  if (bytes.length !== PUBLIC_BYTES)
    throw new CryptoError(`${what} is ${bytes.length} bytes, expected ${PUBLIC_BYTES}`);
  return bytes;
}

/** Opens a keyset from the server or the local profile. A failed decryption is reported as
 *  'wrong_password': it cannot be told apart from tampering, and a mistyped password is far
 *  more common. A public half that does not match the secret halves is 'tampered'. */
export function decryptKeyset(enc: unknown, masterKey: Uint8Array, email: string): AccountKeys {
  const parsed = encryptedKeysetSchema.safeParse(enc);
  if (!parsed.success) throw new CryptoError('encrypted keyset is malformed');
  checkKdfParams(parsed.data.kdf);
  const boxPublicKey = publicKeyBytes(parsed.data.public.boxPublicKey, 'keyset box public key');
  const signPublicKey = publicKeyBytes(parsed.data.public.signPublicKey, 'keyset sign public key');

  const subkey = deriveSubkey(masterKey, SUBKEY_KEYSET);
  let plain: Uint8Array;
  try {
    plain = openEnvelope(subkey, parsed.data.sealedPrivate, ad.keyset(email));
  } catch (err) {
    if (err instanceof CryptoError && err.message.startsWith('envelope failed authentication')) {
      throw new CryptoError(
        'keyset failed authentication: wrong password, or the keyset was tampered with',
        'wrong_password',
      );
    }
    throw err;
  } finally {
    wipe(subkey);
  }

  const s = sodium();
  let keys: AccountKeys | null = null;
  let derivedBox: Uint8Array | null = null;
  let seed: Uint8Array | null = null;
  let fromSeed: { publicKey: Uint8Array; privateKey: Uint8Array } | null = null;
  try {
    if (plain.length !== BOX_SK + SIGN_SK)
      throw new CryptoError('keyset private layout has the wrong length');
    keys = {
      boxPublicKey,
      boxSecretKey: plain.slice(0, BOX_SK),
      signPublicKey,
      signSecretKey: plain.slice(BOX_SK),
    };
    derivedBox = s.crypto_scalarmult_base(keys.boxSecretKey);
    if (!same(derivedBox, boxPublicKey)) {
      throw new CryptoError(
        'keyset box public key does not belong to its secret key (substituted public key)',
      );
    }
    // sk_to_pk only reads the copy stored in the secret key; re-deriving from the seed also
    // proves that stored copy is the real one.
    seed = s.crypto_sign_ed25519_sk_to_seed(keys.signSecretKey);
    fromSeed = s.crypto_sign_seed_keypair(seed);
    if (
      !same(s.crypto_sign_ed25519_sk_to_pk(keys.signSecretKey), signPublicKey) ||
      !same(fromSeed.publicKey, signPublicKey)
    ) {
      throw new CryptoError(
        'keyset sign public key does not belong to its secret key (substituted public key)',
      );
    }
    const ok = keys;
    keys = null;
    return ok;
  } finally {
    wipe(plain, derivedBox, seed, fromSeed?.privateKey);
    wipeAccountKeys(keys);
  }
}

export function wipeAccountKeys(keys: AccountKeys | null | undefined): void {
  if (!keys) return;
  wipe(keys.boxSecretKey, keys.signSecretKey);
}

/** 128-bit BLAKE2b over a domain label and both public keys, as 8 groups of 4 hex digits. */
export function fingerprint(keys: PublicKeyset): string {
  const box = publicKeyBytes(keys.boxPublicKey, 'box public key');
  const sign = publicKeyBytes(keys.signPublicKey, 'sign public key');
  const label = utf8(FINGERPRINT_LABEL);
  const input = new Uint8Array(label.length + 2 * PUBLIC_BYTES);
  input.set(label, 0);
  input.set(box, label.length);
  input.set(sign, label.length + PUBLIC_BYTES);
  const hex = sodium()
    .to_hex(sodium().crypto_generichash(16, input, null))
    .toUpperCase();
  return hex.match(/.{4}/g)!.join(' ');
}

/** What a human typed or pasted, reduced to comparable form. */
export function normaliseFingerprint(text: string): string {
  return text.replace(/[\s-]+/g, '').toUpperCase();
}
