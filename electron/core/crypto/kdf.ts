// Process: core (trusted Node side; never imports electron).
// The password is the root of everything a stolen server database could be attacked with
// offline, so the Argon2id cost is a client-side floor, not a setting: a hostile server that
// hands out weak parameters (the "KDF downgrade" attack) or absurd ones (a memory bomb that
// hangs the app) is refused before a single derivation runs. Subkeys come from the master key
// through crypto_kdf with distinct ids so the keyset key and the local cache key can never be
// the same key, and neither is the password-derived key itself.
import { fromB64, toB64 } from '../../../shared/encoding.ts';
import { KDF_ALG, KDF_FLOOR, type KdfParams, kdfParamsSchema } from '../../../shared/formats.ts';
import { CryptoError, randomBytes, sodium } from './sodium.ts';

export const KDF_CONTEXT = 'tessera1' as const;
export const SUBKEY_KEYSET = 1;
export const SUBKEY_CACHE = 2;

const MiB = 1024 * 1024;
/** Ceilings: above these a derivation would take minutes or exhaust memory, which is a denial
 *  of service, not extra safety. */
export const KDF_CEILING = { opslimit: 20, memlimit: 4096 * MiB } as const;
const SALT_BYTES = 16; // crypto_pwhash_SALTBYTES
const MASTER_KEY_BYTES = 32;

function mib(bytes: number): string {
  return bytes % MiB === 0 ? `${bytes / MiB} MiB` : `${bytes} bytes`;
}

/** Parameters for a new account: the floor itself, with a fresh per-account salt. */
export function newKdfParams(): KdfParams {
  return {
    alg: KDF_ALG,
    opslimit: KDF_FLOOR.opslimit,
    memlimit: KDF_FLOOR.memlimit,
    salt: toB64(randomBytes(sodium().crypto_pwhash_SALTBYTES)),
  };
}

/** Validates parameters from any untrusted source (server, profile file) against the floor. */
export function checkKdfParams(p: unknown): KdfParams {
  const parsed = kdfParamsSchema.safeParse(p);
  if (!parsed.success) throw new CryptoError('KDF parameters are malformed');
  const { alg, opslimit, memlimit, salt } = parsed.data;
  if (alg !== KDF_ALG) {
    const shown = /^[\w.-]{1,32}$/.test(alg) ? `'${alg}'` : '(unrecognised)';
    throw new CryptoError(`KDF algorithm ${shown} is not supported: only ${KDF_ALG} is accepted`);
  }
  if (opslimit < KDF_FLOOR.opslimit) {
    throw new CryptoError(`KDF opslimit ${opslimit} is below the floor of ${KDF_FLOOR.opslimit} passes`);
  }
  if (memlimit < KDF_FLOOR.memlimit) {
    throw new CryptoError(`KDF memlimit ${mib(memlimit)} is below the ${mib(KDF_FLOOR.memlimit)} floor`);
  }
  if (opslimit > KDF_CEILING.opslimit) {
    throw new CryptoError(`KDF opslimit ${opslimit} is above the ceiling of ${KDF_CEILING.opslimit} passes`);
  }
  if (memlimit > KDF_CEILING.memlimit) {
    throw new CryptoError(`KDF memlimit ${mib(memlimit)} is above the ${mib(KDF_CEILING.memlimit)} ceiling`);
  }
  let saltBytes: Uint8Array;
  try {
    saltBytes = fromB64(salt);
  } catch {
    throw new CryptoError('KDF salt is not base64url');
  }
  if (saltBytes.length !== SALT_BYTES) {
    throw new CryptoError(`KDF salt is ${saltBytes.length} bytes, expected ${SALT_BYTES}`);
  }
  return { alg: KDF_ALG, opslimit, memlimit, salt };
}

/** Argon2id master key (32 bytes). The caller owns and wipes both the password and the key. */
export function deriveMasterKey(password: Uint8Array, params: KdfParams): Uint8Array {
  const p = checkKdfParams(params);
  const s = sodium();
  return s.crypto_pwhash(
    MASTER_KEY_BYTES,
    password,
    fromB64(p.salt),
    p.opslimit,
    p.memlimit,
    s.crypto_pwhash_ALG_ARGON2ID13,
  );
}

/** A 32-byte purpose-bound subkey of the master key. */
export function deriveSubkey(
  master: Uint8Array,
  id: number,
  context: typeof KDF_CONTEXT = KDF_CONTEXT,
): Uint8Array {
  const s = sodium();
  if (master.length !== s.crypto_kdf_KEYBYTES) {
    throw new CryptoError(`master key must be ${s.crypto_kdf_KEYBYTES} bytes`, 'internal');
  }
  if (!Number.isSafeInteger(id) || id < 1)
    throw new CryptoError('subkey id must be a positive integer', 'internal');
  if (context !== KDF_CONTEXT) throw new CryptoError('unknown subkey context', 'internal');
  return s.crypto_kdf_derive_from_key(32, id, context, master);
}
