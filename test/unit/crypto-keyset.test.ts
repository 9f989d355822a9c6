// Process: test (plain Node, vitest).
// The keyset is where public-key substitution would bite: a server that swaps the public
// halves beside a user's own sealed private halves could get vault keys sealed to itself.
// These tests play that server. Most use a random master key; the one Argon2id derivation is
// in beforeAll, to show the real password path end to end.
import { beforeAll, describe, expect, it } from 'vitest';
import { toB64, utf8 } from '../../shared/encoding.ts';
import type { EncryptedKeyset, KdfParams } from '../../shared/formats.ts';
import {
  type AccountKeys,
  CryptoError,
  decryptKeyset,
  deriveMasterKey,
  encryptKeyset,
  fingerprint,
  generateAccountKeys,
  initSodium,
  newKdfParams,
  normaliseFingerprint,
  publicKeyset,
  randomBytes,
  wipeAccountKeys,
} from '../../electron/core/crypto/index.ts';

const EMAIL = 'Alice@Example.com';
const PASSWORD = 'correct horse battery staple';
let kdf: KdfParams;
let master: Uint8Array;
let keys: AccountKeys;
let enc: EncryptedKeyset;

beforeAll(async () => {
  await initSodium();
  kdf = newKdfParams();
  master = deriveMasterKey(utf8(PASSWORD), kdf);
  keys = generateAccountKeys();
  enc = encryptKeyset(keys, master, kdf, EMAIL);
});

function same(a: AccountKeys, b: AccountKeys): boolean {
  return (['boxPublicKey', 'boxSecretKey', 'signPublicKey', 'signSecretKey'] as const).every(
    (k) => toB64(a[k]) === toB64(b[k]),
  );
}

function expectCode(fn: () => unknown, code: string, message: RegExp): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CryptoError);
    expect((err as CryptoError).code).toBe(code);
    expect((err as CryptoError).message).toMatch(message);
    expect((err as CryptoError).message).not.toContain(PASSWORD);
    expect((err as CryptoError).message).not.toContain(toB64(keys.boxSecretKey));
    return;
  }
  throw new Error('expected a CryptoError');
}

describe('account keys', () => {
  it('generates X25519 and Ed25519 pairs of the right sizes, different every time', () => {
    expect(keys.boxPublicKey).toHaveLength(32);
    expect(keys.boxSecretKey).toHaveLength(32);
    expect(keys.signPublicKey).toHaveLength(32);
    expect(keys.signSecretKey).toHaveLength(64);
    expect(toB64(generateAccountKeys().boxPublicKey)).not.toBe(toB64(keys.boxPublicKey));
  });

  it('wipeAccountKeys zeroes the secret halves', () => {
    const k = generateAccountKeys();
    wipeAccountKeys(k);
    wipeAccountKeys(null);
    expect(k.boxSecretKey.every((b) => b === 0) && k.signSecretKey.every((b) => b === 0)).toBe(true);
  });
});

describe('encrypted keyset', () => {
  it('round-trips through the password-derived key and JSON, email case-insensitively', () => {
    expect(enc.public).toEqual(publicKeyset(keys));
    expect(enc.kdf).toEqual(kdf);
    const stored = JSON.parse(JSON.stringify(enc));
    expect(same(decryptKeyset(stored, master, EMAIL), keys)).toBe(true);
    expect(same(decryptKeyset(stored, master, EMAIL.toLowerCase()), keys)).toBe(true);
  });

  it('does not contain the secret keys in the clear', () => {
    const text = JSON.stringify(enc);
    expect(text).not.toContain(toB64(keys.boxSecretKey));
    expect(text).not.toContain(toB64(keys.signSecretKey.subarray(0, 32)));
  });

  it('a wrong password (master key) is reported as wrong_password', () => {
    expectCode(
      () => decryptKeyset(enc, randomBytes(32), EMAIL),
      'wrong_password',
      /keyset failed authentication/,
    );
  });

  it("another user's keyset served under this email does not open", () => {
    const bob = encryptKeyset(generateAccountKeys(), master, kdf, 'bob@example.com');
    expectCode(() => decryptKeyset(bob, master, EMAIL), 'wrong_password', /keyset failed authentication/);
  });

  it('refuses swapped public box key (server substitutes its own)', () => {
    const attacker = publicKeyset(generateAccountKeys());
    const swapped = { ...enc, public: { ...enc.public, boxPublicKey: attacker.boxPublicKey } };
    expectCode(() => decryptKeyset(swapped, master, EMAIL), 'tampered', /box public key does not belong/);
  });

  it('refuses swapped public sign key', () => {
    const attacker = publicKeyset(generateAccountKeys());
    const swapped = { ...enc, public: { ...enc.public, signPublicKey: attacker.signPublicKey } };
    expectCode(() => decryptKeyset(swapped, master, EMAIL), 'tampered', /sign public key does not belong/);
  });

  it('refuses both public halves swapped for a whole other keyset', () => {
    const swapped = { ...enc, public: publicKeyset(generateAccountKeys()) };
    expectCode(() => decryptKeyset(swapped, master, EMAIL), 'tampered', /does not belong/);
  });

  it('refuses KDF parameters below the floor on the stored keyset', () => {
    const weak = { ...enc, kdf: { ...enc.kdf, memlimit: 8 * 1024 * 1024 } };
    expectCode(() => decryptKeyset(weak, master, EMAIL), 'tampered', /below the 64 MiB floor/);
    const argon2i = { ...enc, kdf: { ...enc.kdf, alg: 'argon2i13' } };
    expectCode(() => decryptKeyset(argon2i, master, EMAIL), 'tampered', /not supported/);
    expect(() => encryptKeyset(keys, master, { ...kdf, opslimit: 1 }, EMAIL)).toThrow(/opslimit 1/);
  });

  it('refuses malformed keysets and downgraded envelopes', () => {
    expectCode(() => decryptKeyset({ ...enc, extra: 1 }, master, EMAIL), 'tampered', /malformed/);
    expectCode(() => decryptKeyset(null, master, EMAIL), 'tampered', /malformed/);
    const bad = { ...enc, public: { ...enc.public, boxPublicKey: toB64(new Uint8Array(31)) } };
    expectCode(() => decryptKeyset(bad, master, EMAIL), 'tampered', /31 bytes/);
    const v2 = { ...enc, sealedPrivate: { ...enc.sealedPrivate, v: 2 } };
    expectCode(() => decryptKeyset(v2, master, EMAIL), 'tampered', /unknown envelope version 2/);
  });
});

describe('fingerprint', () => {
  it('is 8 groups of 4 upper-case hex digits, stable for the same keys', () => {
    const fp = fingerprint(publicKeyset(keys));
    expect(fp).toMatch(/^[0-9A-F]{4}( [0-9A-F]{4}){7}$/);
    expect(fingerprint(JSON.parse(JSON.stringify(publicKeyset(keys))))).toBe(fp);
  });

  it('differs when either key differs, and when the halves are exchanged', () => {
    const pub = publicKeyset(keys);
    const other = publicKeyset(generateAccountKeys());
    const fps = new Set([
      fingerprint(pub),
      fingerprint(other),
      fingerprint({ ...pub, boxPublicKey: other.boxPublicKey }),
      fingerprint({ ...pub, signPublicKey: other.signPublicKey }),
      fingerprint({ boxPublicKey: pub.signPublicKey, signPublicKey: pub.boxPublicKey }),
    ]);
    expect(fps.size).toBe(5);
  });

  it('refuses malformed keys', () => {
    expect(() => fingerprint({ boxPublicKey: 'AAAA', signPublicKey: 'AAAA' })).toThrow(CryptoError);
  });

  it('normalises what a human typed', () => {
    const fp = fingerprint(publicKeyset(keys));
    const typed = ` ${fp
      .toLowerCase()
      .replace(/ /g, '-')
      .replace(/-(?=[0-9a-f]{4}$)/, '  ')}\n`;
    expect(normaliseFingerprint(typed)).toBe(normaliseFingerprint(fp));
    expect(normaliseFingerprint(fp)).toMatch(/^[0-9A-F]{32}$/);
  });
});
