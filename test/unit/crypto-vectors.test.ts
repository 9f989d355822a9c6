// Process: test (plain Node, vitest).
// Recomputes every known-answer vector in test/fixtures/crypto-vectors.json from its fixed
// inputs. Stored keysets and items outlive any one version of this code: if a change to the
// KDF, the subkey ids, the envelope, the statements or the fingerprint makes this fail, it
// would also lock users out of data they already have. Regenerate the file
// (npx tsx tools/make-crypto-vectors.ts) only for a deliberate, migrated format change.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromB64, fromUtf8, toB64, utf8 } from '../../shared/encoding.ts';
import { ad } from '../../shared/formats.ts';
import {
  type AccountKeys,
  decryptKeyset,
  deriveMasterKey,
  deriveSubkey,
  fingerprint,
  hashSealedKey,
  initSodium,
  openEnvelope,
  openVaultKey,
  publicKeyset,
  SUBKEY_CACHE,
  SUBKEY_KEYSET,
  sealEnvelopeWithNonce,
  envelopeHash,
  signItemVersion,
  sodium,
  verifyItemVersion,
} from '../../electron/core/crypto/index.ts';
import { accountKeysFromSeeds, fixedInputs, VECTORS_PATH } from '../../tools/make-crypto-vectors.ts';

const vectors = JSON.parse(readFileSync(VECTORS_PATH, 'utf8'));
const { inputs, committed, outputs } = vectors;
const hex = (b: Uint8Array) => sodium().to_hex(b);

let master: Uint8Array;
let keys: AccountKeys;
let admin: { publicKey: Uint8Array; privateKey: Uint8Array };
let vaultKey: Uint8Array;

beforeAll(async () => {
  await initSodium();
  const s = sodium();
  master = deriveMasterKey(utf8(inputs.password), inputs.kdf); // the one Argon2id call
  keys = accountKeysFromSeeds(inputs.boxSeed, inputs.signSeed);
  admin = s.crypto_sign_seed_keypair(s.from_hex(inputs.adminSignSeed));
  vaultKey = s.from_hex(inputs.vaultKey);
});

describe('crypto known-answer vectors', () => {
  it('the committed inputs are the generator fixed inputs', () => {
    expect(inputs).toEqual(fixedInputs());
  });

  it('Argon2id master key', () => {
    expect(hex(master)).toBe(outputs.masterKey);
  });

  it('subkeys 1 (keyset) and 2 (profile cache)', () => {
    expect(hex(deriveSubkey(master, SUBKEY_KEYSET, 'tessera1'))).toBe(outputs.keysetSubkey);
    expect(hex(deriveSubkey(master, SUBKEY_CACHE, 'tessera1'))).toBe(outputs.cacheSubkey);
  });

  it('seeded account keys and their fingerprint', () => {
    expect(publicKeyset(keys)).toEqual(outputs.publicKeyset);
    expect(toB64(admin.publicKey)).toBe(outputs.adminSignPublicKey);
    expect(fingerprint(outputs.publicKeyset)).toBe(outputs.fingerprint);
  });

  it('envelope with a fixed nonce, and it opens with the same associated data', () => {
    const e = inputs.envelope;
    const itemAd = ad.item(e.team, e.vault, e.item, e.generation, e.version);
    expect(itemAd).toBe(outputs.envelopeAd);
    const env = sealEnvelopeWithNonce(vaultKey, utf8(e.plaintext), itemAd, sodium().from_hex(e.nonce));
    expect(env).toEqual(outputs.envelope);
    expect(hex(fromB64(env.ct))).toBe(outputs.envelopeCtHex);
    expect(fromUtf8(openEnvelope(vaultKey, outputs.envelope, itemAd))).toBe(e.plaintext);
  });

  it('item version signature (Ed25519 is deterministic) over the envelope hash', () => {
    expect(envelopeHash(outputs.envelope)).toBe(outputs.envelopeHash);
    const st = { ...inputs.itemVersion, envelopeHash: outputs.envelopeHash };
    expect(signItemVersion(st, admin.privateKey)).toBe(outputs.itemVersionSignature);
    expect(verifyItemVersion(st, outputs.itemVersionSignature, outputs.adminSignPublicKey)).toBe(true);
    expect(
      verifyItemVersion({ ...st, version: 8 }, outputs.itemVersionSignature, outputs.adminSignPublicKey),
    ).toBe(false);
  });

  it('committed sealed vault key still opens to the expected key, and its hash', () => {
    expect(hex(openVaultKey(committed.sealedVaultKey, keys))).toBe(inputs.vaultKey);
    expect(hashSealedKey(committed.sealedVaultKey)).toBe(outputs.sealedKeyHash);
  });

  it('committed encrypted keyset still opens to the seeded keys (pins the private layout)', () => {
    expect(committed.encryptedKeyset.public).toEqual(outputs.publicKeyset);
    const opened = decryptKeyset(committed.encryptedKeyset, master, inputs.email);
    for (const k of ['boxPublicKey', 'boxSecretKey', 'signPublicKey', 'signSecretKey'] as const) {
      expect(toB64(opened[k])).toBe(toB64(keys[k]));
    }
  });
});
