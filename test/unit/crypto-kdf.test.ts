// Process: test (plain Node, vitest).
// The KDF floor is a promise to users whose database gets stolen: no server, profile file or
// bug may talk the client into weaker Argon2id parameters. The refusals must happen before
// crypto_pwhash runs at all (checked with a spy). Argon2id at 64 MiB costs about 0.3 s here,
// so this file derives only three times.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { fromB64, toB64, utf8 } from '../../shared/encoding.ts';
import { KDF_FLOOR, type KdfParams } from '../../shared/formats.ts';
import {
  CryptoError,
  checkKdfParams,
  deriveMasterKey,
  deriveSubkey,
  initSodium,
  newKdfParams,
  randomBytes,
  SUBKEY_CACHE,
  SUBKEY_KEYSET,
  sodium,
} from '../../electron/core/crypto/index.ts';

const MiB = 1024 * 1024;
const PASSWORD = 'tr0ub4dor&3-secret';
let params: KdfParams;
let master: Uint8Array;

beforeAll(async () => {
  await initSodium();
  params = newKdfParams();
  master = deriveMasterKey(utf8(PASSWORD), params);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('new parameters', () => {
  it('are Argon2id at the floor with a fresh 16-byte salt', () => {
    expect(params).toMatchObject({ alg: 'argon2id13', opslimit: 3, memlimit: 64 * MiB });
    expect(fromB64(params.salt)).toHaveLength(16);
    expect(newKdfParams().salt).not.toBe(params.salt);
    expect(checkKdfParams(params)).toEqual(params);
  });
});

describe('refused parameters (whatever the server says)', () => {
  const base = () => ({ ...params });
  it.each([
    ['memlimit 8 MiB', { memlimit: 8 * MiB }, /memlimit 8 MiB is below the 64 MiB floor/],
    ['memlimit one byte short', { memlimit: KDF_FLOOR.memlimit - 1 }, /below the 64 MiB floor/],
    ['opslimit 1', { opslimit: 1 }, /opslimit 1 is below the floor of 3/],
    ['opslimit 2', { opslimit: 2 }, /opslimit 2 is below/],
    ['alg argon2i13', { alg: 'argon2i13' }, /algorithm 'argon2i13' is not supported/],
    ['alg scrypt', { alg: 'scrypt' }, /not supported/],
    ['memlimit above 4 GiB', { memlimit: 4096 * MiB + 1 }, /above the 4096 MiB ceiling/],
    ['opslimit 21', { opslimit: 21 }, /above the ceiling of 20/],
    ['a 15-byte salt', { salt: toB64(randomBytes(15)) }, /salt is 15 bytes, expected 16/],
    ['a 32-byte salt', { salt: toB64(randomBytes(32)) }, /salt is 32 bytes/],
    ['a non-base64url salt', { salt: 'a+b/c' }, /salt is not base64url/],
    ['a fractional opslimit', { opslimit: 3.5 }, /malformed/],
    ['a string memlimit', { memlimit: '67108864' }, /malformed/],
    ['an extra field', { parallelism: 1 }, /malformed/],
  ])('%s', (_what, change, message) => {
    const bad = { ...base(), ...change };
    const spy = vi.spyOn(sodium(), 'crypto_pwhash');
    for (const fn of [() => checkKdfParams(bad), () => deriveMasterKey(utf8(PASSWORD), bad as KdfParams)]) {
      try {
        fn();
        throw new Error('expected a refusal');
      } catch (err) {
        expect(err).toBeInstanceOf(CryptoError);
        expect((err as CryptoError).code).toBe('tampered');
        expect((err as CryptoError).message).toMatch(message);
        expect((err as CryptoError).message).not.toContain(PASSWORD);
      }
    }
    expect(spy).not.toHaveBeenCalled();
  });

  it('refuses missing or non-object parameters', () => {
    expect(() => checkKdfParams(null)).toThrow(CryptoError);
    expect(() => checkKdfParams({ alg: 'argon2id13' })).toThrow(/malformed/);
  });
});

describe('derivation', () => {
  it('is deterministic for the same password and salt, and 32 bytes', () => {
    expect(master).toHaveLength(32);
    expect(toB64(deriveMasterKey(utf8(PASSWORD), params))).toBe(toB64(master));
  });

  it('changes with the salt', () => {
    const other = deriveMasterKey(utf8(PASSWORD), newKdfParams());
    expect(toB64(other)).not.toBe(toB64(master));
  });

  it('derives distinct 32-byte subkeys per id, none equal to the master key', () => {
    const k1 = deriveSubkey(master, SUBKEY_KEYSET, 'tessera1');
    const k2 = deriveSubkey(master, SUBKEY_CACHE, 'tessera1');
    expect(SUBKEY_KEYSET).toBe(1);
    expect(SUBKEY_CACHE).toBe(2);
    expect(k1).toHaveLength(32);
    expect(new Set([toB64(k1), toB64(k2), toB64(master)]).size).toBe(3);
    expect(toB64(deriveSubkey(master, SUBKEY_KEYSET, 'tessera1'))).toBe(toB64(k1));
  });

  it('refuses bad subkey inputs', () => {
    expect(() => deriveSubkey(new Uint8Array(16), 1, 'tessera1')).toThrow(/32 bytes/);
    expect(() => deriveSubkey(master, 0, 'tessera1')).toThrow(/positive integer/);
    expect(() => deriveSubkey(master, 1, 'other' as 'tessera1')).toThrow(/context/);
  });
});
