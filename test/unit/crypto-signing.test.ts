// Process: test (plain Node, vitest).
// Item version signatures are why history can name an author the client checked rather than
// the one the server reports. Each test changes exactly one thing a hostile server would like
// to change and shows the signature stops verifying; malformed input gives false, never an
// exception.
import { beforeAll, describe, expect, it } from 'vitest';
import { fromB64, toB64 } from '../../shared/encoding.ts';
import { type Envelope, type ItemVersionStatement, statement } from '../../shared/formats.ts';
import {
  type AccountKeys,
  envelopeHash,
  generateAccountKeys,
  hashSealedKey,
  initSodium,
  newVaultKey,
  sealEnvelope,
  sealVaultKey,
  signItemVersion,
  sodium,
  verifyItemVersion,
} from '../../electron/core/crypto/index.ts';

let writer: AccountKeys;
let stranger: AccountKeys;
let envelope: Envelope;
let st: ItemVersionStatement;
let sig: string;

beforeAll(async () => {
  await initSodium();
  writer = generateAccountKeys();
  stranger = generateAccountKeys();
  envelope = sealEnvelope(newVaultKey(), new TextEncoder().encode('v'), 'ad');
  st = {
    team: 'team-1',
    vault: 'vault-1',
    item: 'item-1',
    version: 4,
    generation: 2,
    deleted: false,
    author: 'user-1',
    envelopeHash: envelopeHash(envelope),
  };
  sig = signItemVersion(st, writer.signSecretKey);
});

describe('item version signatures', () => {
  it('verify with the writer key as bytes or base64url', () => {
    expect(fromB64(sig)).toHaveLength(64);
    expect(verifyItemVersion(st, sig, writer.signPublicKey)).toBe(true);
    expect(verifyItemVersion(st, sig, toB64(writer.signPublicKey))).toBe(true);
  });

  it.each([
    ['team', { team: 'team-2' }],
    ['vault', { vault: 'vault-2' }],
    ['item', { item: 'item-2' }],
    ['version', { version: 5 }],
    ['generation', { generation: 1 }],
    ['deleted', { deleted: true }],
    ['author', { author: 'user-2' }],
  ])('fail when the %s differs', (_what, change) => {
    expect(verifyItemVersion({ ...st, ...change }, sig, writer.signPublicKey)).toBe(false);
  });

  it('fail when the envelope differs', () => {
    const other = envelopeHash({ ...envelope, ct: `${envelope.ct}A` });
    expect(verifyItemVersion({ ...st, envelopeHash: other }, sig, writer.signPublicKey)).toBe(false);
  });

  it('fail for another signer, and after flipping any single bit', () => {
    expect(verifyItemVersion(st, sig, stranger.signPublicKey)).toBe(false);
    expect(verifyItemVersion(st, signItemVersion(st, stranger.signSecretKey), writer.signPublicKey)).toBe(
      false,
    );
    const bytes = fromB64(sig);
    for (const i of [0, 31, 32, 63]) {
      const copy = bytes.slice();
      copy[i]! ^= 0x80;
      expect(verifyItemVersion(st, toB64(copy), writer.signPublicKey)).toBe(false);
    }
  });

  it('the envelope hash covers every field of the envelope', () => {
    for (const k of ['v', 'alg', 'nonce', 'ct'] as const) {
      const other = { ...envelope, [k]: k === 'v' ? 2 : `${envelope[k]}x` };
      expect(envelopeHash(other)).not.toBe(envelopeHash(envelope));
    }
  });

  it('the statement is domain-labelled', () => {
    expect(statement.itemVersion(st).startsWith('tessera/v1/item-version\n')).toBe(true);
  });
});

describe('malformed input returns false instead of throwing', () => {
  it.each([
    ['no signature', undefined, 'pk'],
    ['empty signature', '', 'pk'],
    ['non-base64 signature', '!!!', 'pk'],
    ['short signature', toB64(new Uint8Array(63)), 'pk'],
    ['non-string signature', 42 as unknown as string, 'pk'],
    ['short key', 'sig', toB64(new Uint8Array(31))],
    ['non-base64 key', 'sig', 'not base64!'],
    ['all-zero key', 'sig', toB64(new Uint8Array(32))],
    ['null key', 'sig', null as unknown as string],
  ])('%s', (_what, s, pk) => {
    const signature = s === 'sig' ? sig : s;
    const k = pk === 'pk' ? writer.signPublicKey : pk;
    expect(verifyItemVersion(st, signature, k)).toBe(false);
  });

  it('a statement missing fields', () => {
    expect(verifyItemVersion({} as ItemVersionStatement, sig, writer.signPublicKey)).toBe(false);
  });

  it('signing with a wrong-length key throws (a programming error, not input)', () => {
    expect(() => signItemVersion(st, new Uint8Array(32))).toThrow(/64 bytes/);
  });
});

describe('hashSealedKey', () => {
  it('is base64url BLAKE2b-256 of the raw sealed bytes', () => {
    const sealed = sealVaultKey(newVaultKey(), writer.boxPublicKey);
    const expected = toB64(sodium().crypto_generichash(32, fromB64(sealed), null));
    expect(hashSealedKey(sealed)).toBe(expected);
    expect(fromB64(hashSealedKey(sealed))).toHaveLength(32);
    expect(() => hashSealedKey('not base64!')).toThrow(/not base64url/);
  });
});
