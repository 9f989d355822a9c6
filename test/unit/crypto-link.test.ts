// Process: test (plain Node, vitest).
// One-time link crypto: what a server could try against a link it stores (alter it, serve it
// under another id, strip or weaken the passphrase) fails authentication, and neither the
// fragment key nor the passphrase opens a passphrase link alone. Real libsodium throughout.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromB64, toB64, utf8 } from '../../shared/encoding.ts';
import { KDF_FLOOR } from '../../shared/formats.ts';
import { LINK_KDF_FLOOR, type LinkEnvelope } from '../../shared/links.ts';
import {
  initSodium,
  type LinkContent,
  linkNeedsPassphrase,
  linkUrl,
  newLinkKey,
  openLink,
  parseLinkUrl,
  sealLink,
} from '../../electron/core/crypto/index.ts';

const ID = '0b3c1f2e-1111-4a2b-8c3d-123456789abc';
const OTHER = '0b3c1f2e-2222-4a2b-8c3d-123456789abc';
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const content = (): LinkContent => ({
  name: 'github',
  fields: [
    { key: 'password', label: 'Password', kind: 'concealed', value: utf8('hunter2-ü') },
    { key: 'username', label: 'Username', kind: 'text', value: utf8('ci-bot') },
  ],
});
const flip = (b64: string, at = 3) => {
  const b = fromB64(b64);
  b[at] = b[at]! ^ 1;
  return toB64(b);
};

let key: Uint8Array;
let plain: LinkEnvelope;
let withPass: LinkEnvelope;

beforeAll(async () => {
  await initSodium();
  key = newLinkKey();
  plain = sealLink(ID, key, content());
  withPass = sealLink(ID, key, content(), utf8('correct horse'));
});

describe('link envelopes', () => {
  it('round-trip every field, with and without a passphrase', () => {
    for (const [env, pass] of [
      [plain, undefined],
      [withPass, utf8('correct horse')],
    ] as const) {
      const got = openLink(ID, key, env, pass);
      expect(got.name).toBe('github');
      expect(got.fields.map((f) => [f.key, f.label, f.kind, text(f.value)])).toEqual([
        ['password', 'Password', 'concealed', 'hunter2-ü'],
        ['username', 'Username', 'text', 'ci-bot'],
      ]);
    }
    expect(linkNeedsPassphrase(plain)).toBe(false);
    expect(linkNeedsPassphrase(withPass)).toBe(true);
    expect(withPass.kdf).toMatchObject({ alg: 'argon2id13', ...LINK_KDF_FLOOR });
  });

  it('never holds the value or the key in the clear', () => {
    const json = JSON.stringify([plain, withPass]);
    expect(json).not.toContain('hunter2');
    expect(json).not.toContain(toB64(key));
  });

  it('a wrong or missing passphrase fails, and the key alone does not open a passphrase link', () => {
    expect(() => openLink(ID, key, withPass, utf8('wrong horse'))).toThrow(/wrong passphrase/);
    expect(() => openLink(ID, key, withPass)).toThrow(/needs a passphrase/);
    expect(() => openLink(ID, key, { ...withPass, kdf: null })).toThrow(/does not open/);
  });

  it('the passphrase without the fragment key fails', () => {
    expect(() => openLink(ID, newLinkKey(), withPass, utf8('correct horse'))).toThrow(/wrong passphrase/);
    expect(() => openLink(ID, newLinkKey(), plain)).toThrow(/does not open/);
  });

  it('tampered ciphertext or nonce fails', () => {
    expect(() => openLink(ID, key, { ...plain, ct: flip(plain.ct) })).toThrow(/does not open/);
    expect(() => openLink(ID, key, { ...plain, nonce: flip(plain.nonce) })).toThrow(/does not open/);
    expect(() => openLink(ID, key, { ...withPass, ct: flip(withPass.ct) }, utf8('correct horse'))).toThrow(
      /wrong passphrase, or the link was altered/,
    );
  });

  it('the same ciphertext served under another link id fails', () => {
    expect(() => openLink(OTHER, key, plain)).toThrow(/does not open/);
    expect(() => openLink(OTHER, key, withPass, utf8('correct horse'))).toThrow(/wrong passphrase/);
  });

  it('a changed salt fails, and weakened, unknown or absurd KDF parameters are refused unrun', () => {
    const kdf = withPass.kdf!;
    const salt = toB64(new Uint8Array(16).fill(7));
    expect(() => openLink(ID, key, { ...withPass, kdf: { ...kdf, salt } }, utf8('correct horse'))).toThrow(
      /wrong passphrase/,
    );
    expect(() =>
      openLink(ID, key, { ...withPass, kdf: { ...kdf, opslimit: 1 } }, utf8('correct horse')),
    ).toThrow(/below the floor/);
    expect(() =>
      openLink(ID, key, { ...withPass, kdf: { ...kdf, memlimit: 8 * 1024 * 1024 } }, utf8('x')),
    ).toThrow(/below the floor/);
    expect(() => openLink(ID, key, { ...withPass, kdf: { ...kdf, memlimit: 2 ** 40 } }, utf8('x'))).toThrow(
      /above the ceiling/,
    );
    expect(() => openLink(ID, key, { ...withPass, kdf: { ...kdf, alg: 'scrypt' } }, utf8('x'))).toThrow(
      /not argon2id13/,
    );
  });

  it('refuses unknown versions and algorithms', () => {
    expect(() => openLink(ID, key, { ...plain, v: 2 })).toThrow(/unknown link format/);
    expect(() => openLink(ID, key, { ...plain, alg: 'none' })).toThrow(/unsupported link algorithm/);
    expect(() => openLink(ID, key, null)).toThrow(/not an object/);
  });

  it('uses the account KDF floor', () => {
    expect(LINK_KDF_FLOOR).toEqual(KDF_FLOOR);
  });
});

describe('link URLs', () => {
  it('carry the key only after #, and parse back', () => {
    const url = linkUrl('https://vault.example.com/', ID, key);
    expect(url).toBe(`https://vault.example.com/s/${ID}#${toB64(key)}`);
    const p = parseLinkUrl(url);
    expect(p.server).toBe('https://vault.example.com');
    expect(p.id).toBe(ID);
    expect(toB64(p.key)).toBe(toB64(key));
  });

  it('refuse anything else', () => {
    for (const bad of [
      `https://x.test/s/${ID}`,
      `https://x.test/s/${ID}#short`,
      `https://x.test/s/not-an-id#${toB64(key)}`,
      `ftp://x.test/s/${ID}#${toB64(key)}`,
      `https://x.test/api/${ID}#${toB64(key)}`,
    ])
      expect(() => parseLinkUrl(bad), bad).toThrow(/not a Tessera link/);
  });

  it('the link module imports only libsodium and shared code, so a page can use it', () => {
    const src = readFileSync(new URL('../../electron/core/crypto/link.ts', import.meta.url), 'utf8');
    const imports = [...src.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    expect(imports.sort()).toEqual([
      '../../../shared/encoding.ts',
      '../../../shared/links.ts',
      './sodium.ts',
    ]);
    const sodiumSrc = readFileSync(new URL('../../electron/core/crypto/sodium.ts', import.meta.url), 'utf8');
    expect([...sodiumSrc.matchAll(/from '([^']+)'/g)].map((m) => m[1]).sort()).toEqual([
      '../../../shared/errors.ts',
      'libsodium-wrappers-sumo',
    ]);
  });
});
