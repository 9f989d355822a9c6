// Process: test (plain Node, vitest).
// Plays the hostile server against envelopes: every way it could move, alter or downgrade a
// stored blob must end in a CryptoError, never in plaintext. Also pins the basics of the
// sodium module (initialisation, randomness, wiping) everything else leans on.
import { beforeAll, describe, expect, it } from 'vitest';
import { fromB64, fromUtf8, toB64, utf8 } from '../../shared/encoding.ts';
import { TesseraError } from '../../shared/errors.ts';
import { ad, type Envelope } from '../../shared/formats.ts';
import {
  CryptoError,
  initSodium,
  openEnvelope,
  openJson,
  randomBytes,
  sealEnvelope,
  sealJson,
  wipe,
} from '../../electron/core/crypto/index.ts';

const SECRET = 'hunter2-very-secret';
let key: Uint8Array;
const itemAd = ad.item('team-1', 'vault-1', 'item-1', 2, 5);

beforeAll(async () => {
  await initSodium();
  key = randomBytes(32);
});

function expectRefused(fn: () => unknown, message: RegExp): CryptoError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CryptoError);
    expect(err).toBeInstanceOf(TesseraError);
    const e = err as CryptoError;
    expect(e.code).toBe('tampered');
    expect(e.message).toMatch(message);
    // Nothing secret in the message: not the key, not the plaintext.
    expect(e.message).not.toContain(SECRET);
    expect(e.message).not.toContain(toB64(key));
    return e;
  }
  throw new Error('expected a CryptoError, but the call succeeded');
}

function flipByte(b64: string, index: number): string {
  const bytes = fromB64(b64);
  bytes[index]! ^= 0x01;
  return toB64(bytes);
}

describe('sodium basics', () => {
  it('randomBytes gives the asked length, also above the 64 KiB getRandomValues limit', () => {
    expect(randomBytes(0)).toHaveLength(0);
    expect(randomBytes(24)).toHaveLength(24);
    const big = randomBytes(200_000);
    expect(big).toHaveLength(200_000);
    expect(big.subarray(150_000).some((b) => b !== 0)).toBe(true);
    expect(toB64(randomBytes(32))).not.toBe(toB64(randomBytes(32)));
  });

  it('wipe zeroes every buffer and ignores null', () => {
    const a = randomBytes(32);
    const b = Uint8Array.of(1, 2, 3);
    wipe(a, null, b, undefined);
    expect(a.every((x) => x === 0) && b.every((x) => x === 0)).toBe(true);
  });
});

describe('envelope round trips', () => {
  it('seals and opens bytes with the v1 XChaCha20-Poly1305 header', () => {
    const env = sealEnvelope(key, utf8(SECRET), itemAd);
    expect(env.v).toBe(1);
    expect(env.alg).toBe('xchacha20poly1305-ietf');
    expect(fromB64(env.nonce)).toHaveLength(24);
    expect(fromB64(env.ct)).toHaveLength(utf8(SECRET).length + 16);
    expect(fromUtf8(openEnvelope(key, env, itemAd))).toBe(SECRET);
  });

  it('uses a fresh nonce every time', () => {
    const a = sealEnvelope(key, utf8(SECRET), itemAd);
    const b = sealEnvelope(key, utf8(SECRET), itemAd);
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.ct).not.toBe(b.ct);
  });

  it('seals and opens JSON, and the empty plaintext', () => {
    const value = { title: 'db', password: SECRET, n: [1, 2] };
    expect(openJson(key, sealJson(key, value, itemAd), itemAd)).toEqual(value);
    expect(openEnvelope(key, sealEnvelope(key, new Uint8Array(0), itemAd), itemAd)).toHaveLength(0);
  });

  it('survives a JSON round trip of the envelope itself (as the server stores it)', () => {
    const env = JSON.parse(JSON.stringify(sealJson(key, { a: 1 }, itemAd)));
    expect(openJson(key, env, itemAd)).toEqual({ a: 1 });
  });
});

describe('a hostile server cannot move or alter an envelope', () => {
  let env: Envelope;
  beforeAll(() => {
    env = sealEnvelope(key, utf8(SECRET), itemAd);
  });

  it.each([
    ['another item', ad.item('team-1', 'vault-1', 'item-2', 2, 5)],
    ['an older version (rollback)', ad.item('team-1', 'vault-1', 'item-1', 2, 4)],
    ['another key generation', ad.item('team-1', 'vault-1', 'item-1', 1, 5)],
    ['another vault', ad.item('team-1', 'vault-2', 'item-1', 2, 5)],
    ['another team', ad.item('team-2', 'vault-1', 'item-1', 2, 5)],
    ['another kind of blob', ad.vaultName('team-1', 'vault-1', 2)],
  ])('refuses the blob presented as %s', (_what, otherAd) => {
    expectRefused(() => openEnvelope(key, env, otherAd), /failed authentication/);
  });

  it('refuses a different key', () => {
    expectRefused(() => openEnvelope(randomBytes(32), env, itemAd), /failed authentication/);
  });

  it('refuses a flipped bit anywhere in ct (body and tag) or the nonce', () => {
    const ctLength = fromB64(env.ct).length;
    for (const i of [0, 5, ctLength - 16, ctLength - 1]) {
      expectRefused(
        () => openEnvelope(key, { ...env, ct: flipByte(env.ct, i) }, itemAd),
        /failed authentication/,
      );
    }
    expectRefused(
      () => openEnvelope(key, { ...env, nonce: flipByte(env.nonce, 0) }, itemAd),
      /failed authentication/,
    );
  });

  it('refuses truncated ciphertext and a wrong nonce length', () => {
    expectRefused(
      () => openEnvelope(key, { ...env, ct: toB64(fromB64(env.ct).subarray(1)) }, itemAd),
      /authentication/,
    );
    expectRefused(
      () => openEnvelope(key, { ...env, ct: toB64(new Uint8Array(15)) }, itemAd),
      /shorter than its tag/,
    );
    expectRefused(
      () => openEnvelope(key, { ...env, nonce: toB64(new Uint8Array(12)) }, itemAd),
      /nonce is 12 bytes/,
    );
  });
});

describe('downgrades and unknown formats are refused', () => {
  let env: Envelope;
  beforeAll(() => {
    env = sealEnvelope(key, utf8(SECRET), itemAd);
  });

  it.each([0, 2, '1', undefined])('refuses envelope version %s', (v) => {
    expectRefused(() => openEnvelope(key, { ...env, v }, itemAd), /unknown envelope version/);
  });

  it.each(['none', 'plaintext', 'xsalsa20poly1305', 'aes-256-gcm'])('refuses alg %s', (alg) => {
    expectRefused(
      () => openEnvelope(key, { ...env, alg }, itemAd),
      new RegExp(`algorithm '${alg}' is not supported`),
    );
  });

  it("refuses an 'unauthenticated' plaintext format, even when it carries the real plaintext", () => {
    const fake = { v: 1, alg: 'plaintext', ct: toB64(utf8(SECRET)) };
    expectRefused(() => openEnvelope(key, fake, itemAd), /algorithm 'plaintext' is not supported/);
    expectRefused(() => openJson(key, { v: 1, alg: 'none', ct: SECRET }, itemAd), /not supported/);
  });

  it('does not echo attacker-chosen header text', () => {
    const e = expectRefused(
      () => openEnvelope(key, { ...env, alg: `${SECRET} <script>` }, itemAd),
      /algorithm/,
    );
    expect(e.message).not.toContain('<script>');
  });

  it('refuses malformed envelopes', () => {
    expectRefused(() => openEnvelope(key, null, itemAd), /not an object/);
    expectRefused(() => openEnvelope(key, 'v1.abc', itemAd), /not an object/);
    expectRefused(() => openEnvelope(key, { ...env, extra: 1 }, itemAd), /malformed/);
    expectRefused(() => openEnvelope(key, { ...env, ct: 'not base64!' }, itemAd), /base64url/);
  });

  it('refuses authenticated bytes that are not JSON without quoting them', () => {
    const env2 = sealEnvelope(key, utf8(`${SECRET} not json`), itemAd);
    expectRefused(() => openJson(key, env2, itemAd), /not valid JSON/);
  });

  it('rejects a wrong-length key as a programming error', () => {
    expect(() => sealEnvelope(new Uint8Array(16), utf8('x'), itemAd)).toThrow(/32 bytes/);
  });
});
