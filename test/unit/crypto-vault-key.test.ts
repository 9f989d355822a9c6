// Process: test (plain Node, vitest).
// A vault key sealed to one member must open for that member only, and a blob the server
// trimmed, padded or altered must be refused rather than yield some other 32 bytes.
import { beforeAll, describe, expect, it } from 'vitest';
import { fromB64, toB64 } from '../../shared/encoding.ts';
import {
  type AccountKeys,
  CryptoError,
  generateAccountKeys,
  initSodium,
  newVaultKey,
  openVaultKey,
  publicKeyset,
  sealVaultKey,
} from '../../electron/core/crypto/index.ts';

let alice: AccountKeys;
let bob: AccountKeys;
let vaultKey: Uint8Array;
let sealed: string;

beforeAll(async () => {
  await initSodium();
  alice = generateAccountKeys();
  bob = generateAccountKeys();
  vaultKey = newVaultKey();
  sealed = sealVaultKey(vaultKey, alice.boxPublicKey);
});

describe('vault keys', () => {
  it('are 32 random bytes', () => {
    expect(vaultKey).toHaveLength(32);
    expect(toB64(newVaultKey())).not.toBe(toB64(vaultKey));
  });

  it('seal to a public key (bytes or base64url) and open with the matching keyset', () => {
    expect(fromB64(sealed)).toHaveLength(80);
    expect(toB64(openVaultKey(sealed, alice))).toBe(toB64(vaultKey));
    const viaB64 = sealVaultKey(vaultKey, publicKeyset(alice).boxPublicKey);
    expect(toB64(openVaultKey(viaB64, alice))).toBe(toB64(vaultKey));
    expect(viaB64).not.toBe(sealed); // sealed boxes are randomised
  });

  it('do not open with the wrong keyset', () => {
    expect(() => openVaultKey(sealed, bob)).toThrow(CryptoError);
    try {
      openVaultKey(sealed, bob);
    } catch (err) {
      expect((err as CryptoError).code).toBe('tampered');
      expect((err as CryptoError).message).toMatch(/did not open/);
      expect((err as CryptoError).message).not.toContain(toB64(bob.boxSecretKey));
    }
  });

  it('refuse a keyset whose public half was swapped for the recipient one', () => {
    const mixed = { ...bob, boxPublicKey: alice.boxPublicKey };
    expect(() => openVaultKey(sealed, mixed)).toThrow(/did not open/);
  });

  it('refuse altered, truncated or padded blobs', () => {
    const bytes = fromB64(sealed);
    for (const i of [0, 40, 79]) {
      const copy = bytes.slice();
      copy[i]! ^= 0x01;
      expect(() => openVaultKey(toB64(copy), alice)).toThrow(/did not open/);
    }
    expect(() => openVaultKey(toB64(bytes.subarray(0, 79)), alice)).toThrow(/79 bytes, expected 80/);
    expect(() => openVaultKey(toB64(Uint8Array.of(...bytes, 0)), alice)).toThrow(/81 bytes/);
    expect(() => openVaultKey('not base64!', alice)).toThrow(/not base64url/);
  });

  it('refuse to seal a wrong-length key or to a malformed recipient key', () => {
    expect(() => sealVaultKey(new Uint8Array(16), alice.boxPublicKey)).toThrow(/32 bytes/);
    expect(() => sealVaultKey(vaultKey, toB64(new Uint8Array(31)))).toThrow(/public key must be 32 bytes/);
    expect(() => sealVaultKey(vaultKey, 'not base64!')).toThrow(/not base64url/);
  });
});
