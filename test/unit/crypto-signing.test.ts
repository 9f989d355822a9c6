// Process: test (plain Node, vitest).
// Directory and grant signatures are the client's only reason to trust a key the server hands
// it. Each test changes exactly one thing a hostile server would like to change and shows
// the signature stops verifying; malformed input must give false, never an exception.
import { beforeAll, describe, expect, it } from 'vitest';
import { fromB64, toB64 } from '../../shared/encoding.ts';
import type { DirectoryStatement, GrantStatement } from '../../shared/formats.ts';
import {
  type AccountKeys,
  generateAccountKeys,
  hashSealedKey,
  initSodium,
  newVaultKey,
  publicKeyset,
  sealVaultKey,
  signDirectory,
  signGrant,
  sodium,
  verifyDirectory,
  verifyGrant,
} from '../../electron/core/crypto/index.ts';

let admin: AccountKeys;
let member: AccountKeys;
let stranger: AccountKeys;
let directory: DirectoryStatement;
let grant: GrantStatement;
let dirSig: string;
let grantSig: string;

beforeAll(async () => {
  await initSodium();
  admin = generateAccountKeys();
  member = generateAccountKeys();
  stranger = generateAccountKeys();
  directory = {
    team: 'team-1',
    user: 'user-1',
    email: 'Bob@Example.com',
    ...publicKeyset(member),
    role: 'member',
  };
  const sealed = sealVaultKey(newVaultKey(), member.boxPublicKey);
  grant = {
    team: 'team-1',
    vault: 'vault-1',
    generation: 4,
    recipient: 'user-1',
    role: 'editor',
    sealedKeyHash: hashSealedKey(sealed),
  };
  dirSig = signDirectory(directory, admin.signSecretKey);
  grantSig = signGrant(grant, admin.signSecretKey);
});

describe('directory signatures', () => {
  it('verify with the signer key as bytes or base64url', () => {
    expect(fromB64(dirSig)).toHaveLength(64);
    expect(verifyDirectory(directory, dirSig, admin.signPublicKey)).toBe(true);
    expect(verifyDirectory(directory, dirSig, toB64(admin.signPublicKey))).toBe(true);
  });

  it('treat the email case-insensitively (it is lower-cased in the statement)', () => {
    expect(verifyDirectory({ ...directory, email: 'bob@example.com' }, dirSig, admin.signPublicKey)).toBe(
      true,
    );
  });

  it.each([
    ['email', { email: 'mallory@example.com' }],
    ['user', { user: 'user-2' }],
    ['team', { team: 'team-2' }],
    ['role', { role: 'admin' }],
    ['box key', { boxPublicKey: '' }],
    ['sign key', { signPublicKey: '' }],
  ])('fail for a different %s', (_what, change) => {
    const filled = { ...change } as Partial<DirectoryStatement>;
    if (filled.boxPublicKey === '') filled.boxPublicKey = publicKeyset(stranger).boxPublicKey;
    if (filled.signPublicKey === '') filled.signPublicKey = publicKeyset(stranger).signPublicKey;
    expect(verifyDirectory({ ...directory, ...filled }, dirSig, admin.signPublicKey)).toBe(false);
  });

  it('fail when the same statement is signed by another key, or checked against one', () => {
    const forged = signDirectory(directory, stranger.signSecretKey);
    expect(verifyDirectory(directory, forged, admin.signPublicKey)).toBe(false);
    expect(verifyDirectory(directory, dirSig, stranger.signPublicKey)).toBe(false);
  });

  it('cannot be replayed as a grant signature or vice versa', () => {
    expect(verifyGrant(grant, dirSig, admin.signPublicKey)).toBe(false);
    expect(verifyDirectory(directory, grantSig, admin.signPublicKey)).toBe(false);
  });
});

describe('grant signatures', () => {
  it('verify', () => {
    expect(verifyGrant(grant, grantSig, admin.signPublicKey)).toBe(true);
    expect(verifyGrant(JSON.parse(JSON.stringify(grant)), grantSig, toB64(admin.signPublicKey))).toBe(true);
  });

  it.each([
    ['recipient', { recipient: 'user-2' }],
    ['generation', { generation: 5 }],
    ['generation as a string', { generation: '4' as unknown as number }],
    ['role', { role: 'manager' }],
    ['sealedKeyHash', { sealedKeyHash: '' }],
    ['vault', { vault: 'vault-2' }],
    ['team', { team: 'team-2' }],
  ])('fail after changing %s', (_what, change) => {
    const changed = { ...grant, ...change };
    if (changed.sealedKeyHash === '')
      changed.sealedKeyHash = hashSealedKey(sealVaultKey(newVaultKey(), member.boxPublicKey));
    expect(verifyGrant(changed, grantSig, admin.signPublicKey)).toBe(false);
  });

  it('fail when signed by another key', () => {
    expect(verifyGrant(grant, signGrant(grant, stranger.signSecretKey), admin.signPublicKey)).toBe(false);
  });

  it('fail after flipping any single bit of the signature', () => {
    const bytes = fromB64(grantSig);
    for (const i of [0, 31, 32, 63]) {
      const copy = bytes.slice();
      copy[i]! ^= 0x80;
      expect(verifyGrant(grant, toB64(copy), admin.signPublicKey)).toBe(false);
    }
  });
});

describe('malformed input returns false instead of throwing', () => {
  it.each([
    ['empty signature', '', 'pk'],
    ['non-base64 signature', '!!!', 'pk'],
    ['short signature', toB64(new Uint8Array(63)), 'pk'],
    ['non-string signature', 42 as unknown as string, 'pk'],
    ['short key', 'sig', toB64(new Uint8Array(31))],
    ['non-base64 key', 'sig', 'not base64!'],
    ['all-zero key', 'sig', toB64(new Uint8Array(32))],
    ['null key', 'sig', null as unknown as string],
  ])('%s', (_what, sig, pk) => {
    const s = sig === 'sig' ? dirSig : sig;
    const k = pk === 'pk' ? admin.signPublicKey : pk;
    expect(verifyDirectory(directory, s, k)).toBe(false);
    expect(verifyGrant(grant, s === dirSig ? grantSig : s, k)).toBe(false);
  });

  it('a statement missing fields', () => {
    expect(verifyDirectory({} as DirectoryStatement, dirSig, admin.signPublicKey)).toBe(false);
    expect(verifyGrant(null as unknown as GrantStatement, grantSig, admin.signPublicKey)).toBe(false);
  });

  it('signing with a wrong-length key throws (a programming error, not input)', () => {
    expect(() => signGrant(grant, new Uint8Array(32))).toThrow(/64 bytes/);
  });
});

describe('hashSealedKey', () => {
  it('is base64url BLAKE2b-256 of the raw sealed bytes', () => {
    const sealed = sealVaultKey(newVaultKey(), member.boxPublicKey);
    const expected = toB64(sodium().crypto_generichash(32, fromB64(sealed), null));
    expect(hashSealedKey(sealed)).toBe(expected);
    expect(fromB64(hashSealedKey(sealed))).toHaveLength(32);
    expect(() => hashSealedKey('not base64!')).toThrow(/not base64url/);
  });
});
