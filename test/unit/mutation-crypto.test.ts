// Process: test (plain Node, vitest).
// The crypto layer's edges that the other crypto suites leave open, found by `npm run mutate`:
// exact refusal messages and their boundaries, the stored-envelope and frame paths, what is
// wiped, the guards in front of libsodium (checked with a spy: malformed input must be refused
// before it reaches the primitive), and a failed libsodium start being retried. Tests that load
// the layer afresh do so because its labels, sizes and limits are set when a module loads.
// No Argon2id here: master keys are random or taken from the known-answer vectors.
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { fromB64, fromUtf8, toB64, utf8 } from '../../shared/encoding.ts';
import { TesseraError } from '../../shared/errors.ts';
import {
  ad,
  type EncryptedKeyset,
  type Envelope,
  type ItemVersionStatement,
  statement,
} from '../../shared/formats.ts';
import { chainCrypto, chainKeyHash, signLink } from '../../electron/core/crypto/chain.ts';
import {
  type AccountKeys,
  CryptoError,
  checkKdfParams,
  contentDigest,
  decryptKeyset,
  deriveSubkey,
  encryptKeyset,
  envelopeBytes,
  envelopeHash,
  fingerprint,
  generateAccountKeys,
  initSodium,
  newKdfParams,
  newVaultKey,
  normaliseFingerprint,
  openEnvelope,
  openFrame,
  openJson,
  openVaultKey,
  randomBytes,
  SUBKEY_KEYSET,
  StoredEnvelope,
  sealEnvelope,
  sealEnvelopeWithNonce,
  sealFrame,
  sealJson,
  sealVaultKey,
  signItemVersion,
  sodium,
  verifyItemVersion,
  wipe,
} from '../../electron/core/crypto/index.ts';
import { accountKeysFromSeeds, VECTORS_PATH } from '../../tools/make-crypto-vectors.ts';

type Crypto = typeof import('../../electron/core/crypto/index.ts');
/** The whole crypto layer loaded again (sodium.ts included, so not yet initialised). */
async function freshCrypto(): Promise<Crypto> {
  vi.resetModules();
  return await import('../../electron/core/crypto/index.ts');
}

const MiB = 1024 * 1024;
let key: Uint8Array;

beforeAll(async () => {
  await initSodium();
  key = randomBytes(32);
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.doUnmock('libsodium-wrappers-sumo');
});

/** The CryptoError `fn` throws (failing the test if it throws anything else or nothing). */
function refusal(fn: () => unknown): CryptoError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CryptoError);
    return err as CryptoError;
  }
  throw new Error('expected a CryptoError, but the call succeeded');
}
function refused(fn: () => unknown, message: string, code = 'tampered') {
  const e = refusal(fn);
  expect(e.message).toBe(message);
  expect(e.code).toBe(code);
}

/** Every buffer handed to libsodium's memzero while `fn` runs: what it held, and the buffer. */
function wipedDuring(fn: () => unknown): { held: Uint8Array; buffer: Uint8Array }[] {
  const s = sodium();
  const memzero = s.memzero.bind(s);
  const wiped: { held: Uint8Array; buffer: Uint8Array }[] = [];
  vi.spyOn(s, 'memzero').mockImplementation((b: Uint8Array) => {
    wiped.push({ held: b.slice(), buffer: b });
    memzero(b);
  });
  try {
    fn();
  } catch {
    // the caller checks what was thrown separately
  } finally {
    vi.mocked(s.memzero).mockRestore();
  }
  return wiped;
}
/** Whether `bytes` were among the wiped buffers, and that buffer is now all zero. */
const wasWiped = (wiped: ReturnType<typeof wipedDuring>, bytes: Uint8Array) =>
  wiped.some((w) => toB64(w.held) === toB64(bytes) && allZero(w.buffer));
const allZero = (b: Uint8Array) => b.every((x) => x === 0);

describe('sodium', () => {
  it('refuses use before start, starts once, and is usable after', async () => {
    const fresh = await freshCrypto();
    expect(() => fresh.sodium()).toThrow(
      new TesseraError('internal', 'libsodium is not initialised: await initSodium() first'),
    );
    try {
      fresh.sodium();
    } catch (e) {
      expect((e as TesseraError).code).toBe('internal');
    }
    await fresh.initSodium();
    await fresh.initSodium();
    expect(fresh.sodium().crypto_generichash(32, utf8('x'), null)).toHaveLength(32);
  });

  it('a failed start is not cached: the next call tries again', async () => {
    let attempts = 0;
    const real = sodium();
    vi.resetModules();
    vi.doMock('libsodium-wrappers-sumo', () => ({
      default: new Proxy(real, {
        get(target, prop, receiver) {
          if (prop !== 'ready') return Reflect.get(target, prop, receiver);
          attempts++;
          return attempts === 1 ? Promise.reject(new Error('wasm failed to start')) : Promise.resolve();
        },
      }),
    }));
    const fresh = await import('../../electron/core/crypto/sodium.ts');
    await expect(fresh.initSodium()).rejects.toThrow('wasm failed to start');
    expect(() => fresh.sodium()).toThrow(/not initialised/);
    await fresh.initSodium();
    expect(attempts).toBe(2);
    expect(() => fresh.sodium()).not.toThrow();
  });

  it('CryptoError is a TesseraError named CryptoError, tampered unless told otherwise', () => {
    const e = new CryptoError('why');
    expect(e).toBeInstanceOf(TesseraError);
    expect(e.name).toBe('CryptoError');
    expect(e.code).toBe('tampered');
    expect(e.message).toBe('why');
    expect(new CryptoError('x', 'internal').code).toBe('internal');
  });

  it('wipe works before start too, when the wrappers have no memzero yet', async () => {
    const real = sodium();
    vi.resetModules();
    vi.doMock('libsodium-wrappers-sumo', () => ({
      default: new Proxy(real, {
        get: (target, prop, receiver) =>
          prop === 'memzero' ? undefined : Reflect.get(target, prop, receiver),
      }),
    }));
    const fresh = await import('../../electron/core/crypto/sodium.ts');
    const b = Uint8Array.of(1, 2, 3);
    fresh.wipe(b);
    expect(allZero(b)).toBe(true);
  });

  it('randomBytes refuses lengths that are not whole and non-negative', () => {
    for (const n of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => randomBytes(n)).toThrow(new TesseraError('internal', 'randomBytes: bad length'));
    }
    expect(randomBytes(1)).toHaveLength(1);
  });

  it('randomBytes fills every chunk, up to the last byte', () => {
    for (const n of [65_536, 65_537, 131_073]) {
      const b = randomBytes(n);
      expect(b).toHaveLength(n);
      // 64 random bytes all zero would be a 2^-512 event: each chunk was filled.
      expect(allZero(b.subarray(n - 64))).toBe(false);
      expect(allZero(b.subarray(65_536 - 64, 65_536))).toBe(false);
    }
  });

  it('wipe zeroes buffers before and after start, and skips null', async () => {
    const fresh = await freshCrypto();
    const before = Uint8Array.of(1, 2, 3);
    fresh.wipe(null, before, undefined);
    expect(allZero(before)).toBe(true);
    await fresh.initSodium();
    const after = Uint8Array.of(4, 5, 6);
    fresh.wipe(after, null, undefined);
    expect(allZero(after)).toBe(true);
    const a = Uint8Array.of(7);
    const b = Uint8Array.of(8, 9);
    wipe(undefined, a, null, b);
    expect(allZero(a) && allZero(b)).toBe(true);
  });
});

describe('the freshly loaded layer still reproduces the known-answer vectors', () => {
  const vectors = JSON.parse(readFileSync(VECTORS_PATH, 'utf8'));
  const { inputs, committed, outputs } = vectors;

  it('subkeys, keyset, fingerprint, envelope, signatures and hashes', async () => {
    const c = await freshCrypto();
    await c.initSodium();
    const s = c.sodium();
    const master = s.from_hex(outputs.masterKey);
    expect(c.KDF_CONTEXT).toBe('tessera1');
    expect(c.KDF_CEILING).toEqual({ opslimit: 20, memlimit: 4096 * MiB });
    expect(c.checkKdfParams(inputs.kdf)).toEqual(inputs.kdf);
    expect(s.to_hex(c.deriveSubkey(master, c.SUBKEY_KEYSET))).toBe(outputs.keysetSubkey);
    expect(s.to_hex(c.deriveSubkey(master, c.SUBKEY_CACHE))).toBe(outputs.cacheSubkey);
    const keys = accountKeysFromSeeds(inputs.boxSeed, inputs.signSeed);
    const opened = c.decryptKeyset(committed.encryptedKeyset, master, inputs.email);
    expect(toB64(opened.signSecretKey)).toBe(toB64(keys.signSecretKey));
    expect(c.fingerprint(outputs.publicKeyset)).toBe(outputs.fingerprint);
    const e = inputs.envelope;
    const itemAd = ad.item(e.team, e.vault, e.item, e.generation, e.version);
    const vaultKey = s.from_hex(inputs.vaultKey);
    expect(c.sealEnvelopeWithNonce(vaultKey, utf8(e.plaintext), itemAd, s.from_hex(e.nonce))).toEqual(
      outputs.envelope,
    );
    expect(fromUtf8(c.openEnvelope(vaultKey, outputs.envelope, itemAd))).toBe(e.plaintext);
    expect(s.to_hex(c.openVaultKey(committed.sealedVaultKey, keys))).toBe(inputs.vaultKey);
    expect(c.hashSealedKey(committed.sealedVaultKey)).toBe(outputs.sealedKeyHash);
    expect(c.envelopeHash(outputs.envelope)).toBe(outputs.envelopeHash);
    const admin = s.crypto_sign_seed_keypair(s.from_hex(inputs.adminSignSeed));
    const st = { ...inputs.itemVersion, envelopeHash: outputs.envelopeHash };
    expect(c.signItemVersion(st, admin.privateKey)).toBe(outputs.itemVersionSignature);
    expect(c.verifyItemVersion(st, outputs.itemVersionSignature, admin.publicKey)).toBe(true);
    const plain = utf8('same text');
    const label = utf8('tessera/v1/content-digest');
    const joined = new Uint8Array([...label, ...plain]);
    expect(c.contentDigest(plain, vaultKey)).toBe(toB64(s.crypto_generichash(32, joined, vaultKey)));
    const frame = c.sealFrame(vaultKey, plain, 'frame-ad');
    expect(fromUtf8(c.openFrame(vaultKey, frame, 'frame-ad'))).toBe('same text');
  });
});

describe('team chain crypto', () => {
  it('verify says no, never throws, on malformed input; hash is BLAKE2b-256', () => {
    expect(chainCrypto.verify(new Uint8Array(3), utf8('m'), new Uint8Array(32))).toBe(false);
    expect(chainCrypto.verify(new Uint8Array(64), utf8('m'), new Uint8Array(5))).toBe(false);
    expect(toB64(chainCrypto.hash(utf8('m')))).toBe(toB64(sodium().crypto_generichash(32, utf8('m'), null)));
  });

  it('signLink needs a 64-byte Ed25519 secret key', () => {
    const unsigned = { seq: 1, prev: null, type: 'team.create' as const, author: 'a', body: {} };
    const msg = 'signing key must be 64 bytes';
    refused(() => signLink(null, unsigned, new Uint8Array(32)), msg, 'internal');
    refused(() => signLink(null, unsigned, Array(64).fill(1) as unknown as Uint8Array), msg, 'internal');
    const kp = sodium().crypto_sign_keypair();
    expect(fromB64(signLink(null, unsigned, kp.privateKey).sig)).toHaveLength(64);
  });

  it('chainKeyHash is base64url BLAKE2b-256 of the sealed bytes', () => {
    const bytes = randomBytes(80);
    expect(chainKeyHash(bytes)).toBe(toB64(sodium().crypto_generichash(32, bytes, null)));
    expect(chainKeyHash(bytes)).not.toBe(chainKeyHash(randomBytes(80)));
  });
});

describe('content digest', () => {
  it('is keyed, covers the whole plaintext, and is stable', () => {
    const other = randomBytes(32);
    const a = contentDigest(utf8('secret'), key);
    expect(fromB64(a)).toHaveLength(32);
    expect(contentDigest(utf8('secret'), key)).toBe(a);
    expect(contentDigest(utf8('secret'), other)).not.toBe(a);
    expect(contentDigest(utf8('secreT'), key)).not.toBe(a);
    expect(contentDigest(new Uint8Array(0), key)).not.toBe(a);
  });
});

describe('envelopes: keys, nonces and associated data', () => {
  it('refuses keys that are not 32-byte Uint8Arrays, both ways', () => {
    const env = sealEnvelope(key, utf8('x'), 'ad');
    for (const bad of [new Uint8Array(31), new Uint8Array(33), Array(32).fill(0) as unknown as Uint8Array]) {
      refused(() => sealEnvelope(bad, utf8('x'), 'ad'), 'envelope key must be 32 bytes', 'internal');
      refused(() => openEnvelope(bad, env, 'ad'), 'envelope key must be 32 bytes', 'internal');
    }
  });

  it('a test-vector nonce must be 24 bytes', () => {
    for (const n of [23, 25])
      refused(
        () => sealEnvelopeWithNonce(key, utf8('x'), 'ad', new Uint8Array(n)),
        'envelope nonce must be 24 bytes',
        'internal',
      );
    const env = sealEnvelopeWithNonce(key, utf8('x'), 'ad', new Uint8Array(24));
    expect(fromB64(env.nonce)).toEqual(new Uint8Array(24));
  });

  it('associated data outside ASCII is bound as UTF-8, as string or as bytes', () => {
    const text = 'tessera/v1/item|équipe|ü|Ω|😀';
    const env = sealEnvelope(key, utf8('x'), text);
    expect(fromUtf8(openEnvelope(key, env, text))).toBe('x');
    expect(fromUtf8(openEnvelope(key, env, utf8(text)))).toBe('x');
    const latin = Uint8Array.from(text, (ch) => ch.charCodeAt(0) & 0xff);
    refused(
      () => openEnvelope(key, env, latin),
      'envelope failed authentication (wrong key, wrong context, or tampered)',
    );
    // Every character outside ASCII, so no ASCII character sends the whole string to UTF-8.
    const accents = 'éüñΩ';
    const wide = sealEnvelope(key, utf8('z'), accents);
    expect(fromUtf8(openEnvelope(key, wide, utf8(accents)))).toBe('z');
    const ascii = sealEnvelope(key, utf8('y'), 'plain|ad|1');
    expect(fromUtf8(openEnvelope(key, ascii, utf8('plain|ad|1')))).toBe('y');
    refused(
      () => openEnvelope(key, ascii, 'plain|ad|2'),
      'envelope failed authentication (wrong key, wrong context, or tampered)',
    );
  });
});

describe('envelopes: what a hostile server can send', () => {
  let env: Envelope;
  beforeAll(() => {
    env = sealEnvelope(key, utf8('secret'), 'ad');
  });

  it('names an unknown version without echoing arbitrary text', () => {
    const msg = (shown: string) => `unknown envelope version ${shown}: only version 1 is supported`;
    const cases: [unknown, string][] = [
      [2, '2'],
      [0, '0'],
      [-3, '-3'],
      [Number.NaN, '(unrecognised number)'],
      [Number.POSITIVE_INFINITY, '(unrecognised number)'],
      ['1', "'1'"],
      ['v1.0-beta_2', "'v1.0-beta_2'"],
      ['a'.repeat(32), `'${'a'.repeat(32)}'`],
      ['a'.repeat(33), '(unrecognised string)'],
      ['', '(unrecognised string)'],
      ['<b>ok', '(unrecognised string)'],
      ['ok<b>', '(unrecognised string)'],
      ['two words', '(unrecognised string)'],
      [null, '(unrecognised object)'],
      [{ v: 1 }, '(unrecognised object)'],
      [true, '(unrecognised boolean)'],
      [undefined, '(missing)'],
    ];
    for (const [v, shown] of cases) refused(() => openEnvelope(key, { ...env, v }, 'ad'), msg(shown));
  });

  it('names an unknown algorithm the same way', () => {
    refused(
      () => openEnvelope(key, { ...env, alg: 'none' }, 'ad'),
      "envelope algorithm 'none' is not supported: only xchacha20poly1305-ietf",
    );
    refused(
      () => openEnvelope(key, { ...env, alg: undefined }, 'ad'),
      'envelope algorithm (missing) is not supported: only xchacha20poly1305-ietf',
    );
  });

  it('refuses what is not an object, or not exactly the four fields', () => {
    for (const x of [null, undefined, 'v1', 7])
      refused(() => openEnvelope(key, x, 'ad'), 'envelope is not an object');
    for (const x of [
      { ...env, nonce: 5 },
      { ...env, ct: null },
      { v: env.v, alg: env.alg, nonce: env.nonce },
      { v: env.v, alg: env.alg, ct: env.ct },
      { ...env, extra: 1 },
    ])
      refused(() => openEnvelope(key, x, 'ad'), 'envelope is malformed');
  });

  it('refuses nonce or ciphertext that is not base64url, and a nonce of the wrong size', () => {
    const msg = 'envelope nonce or ciphertext is not base64url';
    refused(() => openEnvelope(key, { ...env, nonce: 'A' }, 'ad'), msg);
    refused(() => openEnvelope(key, { ...env, ct: 'A' }, 'ad'), msg);
    refused(
      () => openEnvelope(key, { ...env, nonce: toB64(new Uint8Array(25)) }, 'ad'),
      'envelope nonce is 25 bytes, expected 24',
    );
  });

  it('a ciphertext of exactly a tag is tried (and fails), one byte less is refused unread', () => {
    refused(
      () => openEnvelope(key, { ...env, ct: toB64(new Uint8Array(16)) }, 'ad'),
      'envelope failed authentication (wrong key, wrong context, or tampered)',
    );
    refused(
      () => openEnvelope(key, { ...env, ct: toB64(new Uint8Array(15)) }, 'ad'),
      'envelope ciphertext is shorter than its tag',
    );
    const empty = sealEnvelope(key, new Uint8Array(0), 'ad');
    expect(fromB64(empty.ct)).toHaveLength(16);
    expect(openEnvelope(key, empty, 'ad')).toHaveLength(0);
  });
});

describe('stored envelopes (slices of the item log)', () => {
  function frameOf(env: Envelope, before = 3, after = 2) {
    const nonce = fromB64(env.nonce);
    const ct = fromB64(env.ct);
    const buf = new Uint8Array(before + nonce.length + ct.length + after).fill(0xee);
    buf.set(nonce, before);
    buf.set(ct, before + nonce.length);
    return { buf, at: before, len: nonce.length + ct.length };
  }

  it('show the wire form, open, and serialise as the envelope they came from', () => {
    const env = sealEnvelope(key, utf8('stored secret'), 'ad');
    const { buf, at, len } = frameOf(env);
    const stored = new StoredEnvelope(buf, at, len);
    expect(stored.v).toBe(1);
    expect(stored.alg).toBe('xchacha20poly1305-ietf');
    expect(stored.nonce).toBe(env.nonce);
    expect(stored.ct).toBe(env.ct);
    expect(stored.toJSON()).toEqual(env);
    expect(JSON.parse(JSON.stringify(stored))).toEqual(env);
    expect(fromUtf8(openEnvelope(key, stored, 'ad'))).toBe('stored secret');
    expect(fromUtf8(openEnvelope(key, stored, utf8('ad')))).toBe('stored secret');
    refused(
      () => openEnvelope(key, stored, 'other ad'),
      'envelope failed authentication (wrong key, wrong context, or tampered)',
    );
    const bytes = stored.bytes();
    expect(toB64(bytes)).toBe(toB64(buf.subarray(at, at + len)));
    buf[at] = buf[at]! ^ 1; // a view, not a copy
    expect(bytes[0]).toBe(buf[at]);
  });

  it('must lie inside the buffer and hold at least a nonce and a tag', () => {
    const buf = new Uint8Array(50);
    const msg = 'stored envelope is shorter than its nonce and tag';
    expect(new StoredEnvelope(buf, 0, 40).bytes()).toHaveLength(40);
    expect(new StoredEnvelope(buf, 10, 40).bytes()).toHaveLength(40);
    expect(new StoredEnvelope(buf, 0, 50).bytes()).toHaveLength(50);
    refused(() => new StoredEnvelope(buf, 0, 39), msg);
    refused(() => new StoredEnvelope(buf, -1, 40), msg);
    refused(() => new StoredEnvelope(buf, 11, 40), msg);
    refused(() => new StoredEnvelope(buf, 0, 51), msg);
  });

  it('envelopeBytes: nonce || ciphertext of a well-formed v1 envelope, null for anything else', () => {
    const env = sealEnvelope(key, utf8('x'), 'ad');
    const bytes = envelopeBytes(env)!;
    expect(toB64(bytes.subarray(0, 24))).toBe(env.nonce);
    expect(toB64(bytes.subarray(24))).toBe(env.ct);
    expect(bytes).toHaveLength(24 + fromB64(env.ct).length);
    const { buf, at, len } = frameOf(env);
    const stored = new StoredEnvelope(buf, at, len);
    expect(toB64(envelopeBytes(stored)!)).toBe(toB64(bytes));
    for (const x of [
      null,
      'v1',
      { ...env, v: 2 },
      { ...env, alg: 'none' },
      { ...env, v: 2, alg: 'none' },
      { ...env, nonce: 'A' },
      { ...env, extra: 1 },
      undefined,
      7,
    ])
      expect(envelopeBytes(x), JSON.stringify(x)).toBeNull();
  });
});

describe('JSON envelopes', () => {
  it('refuse a value JSON cannot hold', () => {
    for (const v of [undefined, () => 1])
      refused(() => sealJson(key, v, 'ad'), 'sealJson: value is not JSON-serialisable', 'internal');
  });

  it('wipe the plaintext bytes they seal and open', () => {
    const value = { password: 'hunter2', n: [1, 2, 3] };
    let env: Envelope | undefined;
    const onSeal = wipedDuring(() => {
      env = sealJson(key, value, 'ad');
    });
    expect(wasWiped(onSeal, utf8(JSON.stringify(value)))).toBe(true);
    let back: unknown;
    const onOpen = wipedDuring(() => {
      back = openJson(key, env, 'ad');
    });
    expect(back).toEqual(value);
    expect(wasWiped(onOpen, utf8(JSON.stringify(value)))).toBe(true);
  });

  it('refuse authenticated bytes that are not UTF-8 JSON, and wipe them too', () => {
    const env = sealEnvelope(key, Uint8Array.of(0xff, 0xfe, 0x7b), 'ad');
    const wiped = wipedDuring(() => openJson(key, env, 'ad'));
    refused(() => openJson(key, env, 'ad'), 'envelope plaintext is not valid JSON');
    expect(wasWiped(wiped, Uint8Array.of(0xff, 0xfe, 0x7b))).toBe(true);
  });
});

describe('frames (the item log)', () => {
  it('are nonce || ciphertext and open only with the same key and associated data', () => {
    const plain = utf8('frame secret');
    const frame = sealFrame(key, plain, 'log|1');
    expect(frame).toHaveLength(24 + plain.length + 16);
    const direct = sodium().crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      frame.subarray(24),
      'log|1',
      frame.subarray(0, 24),
      key,
    );
    expect(fromUtf8(direct)).toBe('frame secret');
    expect(fromUtf8(openFrame(key, frame, 'log|1'))).toBe('frame secret');
    expect(toB64(sealFrame(key, plain, 'log|1').subarray(0, 24))).not.toBe(toB64(frame.subarray(0, 24)));
    const fail = 'frame failed authentication';
    refused(() => openFrame(key, frame, 'log|2'), fail);
    refused(() => openFrame(randomBytes(32), frame, 'log|1'), fail);
    const tampered = frame.slice();
    tampered[30] = tampered[30]! ^ 1;
    refused(() => openFrame(key, tampered, 'log|1'), fail);
  });

  it('shorter than a nonce and a tag is refused unread; exactly that is an empty plaintext', () => {
    const empty = sealFrame(key, new Uint8Array(0), 'ad');
    expect(empty).toHaveLength(40);
    expect(openFrame(key, empty, 'ad')).toHaveLength(0);
    refused(() => openFrame(key, empty.subarray(0, 39), 'ad'), 'frame too short');
    refused(() => openFrame(key, new Uint8Array(10), 'ad'), 'frame too short');
    refused(() => openFrame(key, new Uint8Array(40), 'ad'), 'frame failed authentication');
  });
});

describe('KDF parameters', () => {
  const base = () => newKdfParams();

  it('accept the floor and the ceiling themselves, and return only the four fields', () => {
    for (const change of [
      {},
      { opslimit: 20 },
      { memlimit: 4096 * MiB },
      { opslimit: 20, memlimit: 4096 * MiB },
      { memlimit: 64 * MiB + 1 },
    ]) {
      const p = { ...base(), ...change };
      expect(checkKdfParams(p)).toEqual(p);
    }
    const p = base();
    expect(Object.keys(checkKdfParams(p)).sort()).toEqual(['alg', 'memlimit', 'opslimit', 'salt']);
    expect(checkKdfParams(p)).not.toBe(p);
  });

  it('name each refusal exactly, in MiB when whole and in bytes when not', () => {
    const cases: [object, string][] = [
      [{ opslimit: 2 }, 'KDF opslimit 2 is below the floor of 3 passes'],
      [{ opslimit: 21 }, 'KDF opslimit 21 is above the ceiling of 20 passes'],
      [{ memlimit: 8 * MiB }, 'KDF memlimit 8 MiB is below the 64 MiB floor'],
      [{ memlimit: 64 * MiB - 1 }, 'KDF memlimit 67108863 bytes is below the 64 MiB floor'],
      [{ memlimit: 8192 * MiB }, 'KDF memlimit 8192 MiB is above the 4096 MiB ceiling'],
      [{ memlimit: 4096 * MiB + 1 }, 'KDF memlimit 4294967297 bytes is above the 4096 MiB ceiling'],
      [{ alg: 'argon2i13' }, "KDF algorithm 'argon2i13' is not supported: only argon2id13 is accepted"],
      [{ alg: 'x<script>' }, 'KDF algorithm (unrecognised) is not supported: only argon2id13 is accepted'],
      [{ alg: '<b>x' }, 'KDF algorithm (unrecognised) is not supported: only argon2id13 is accepted'],
      [
        { alg: 'a'.repeat(32) },
        `KDF algorithm '${'a'.repeat(32)}' is not supported: only argon2id13 is accepted`,
      ],
      [{ alg: '' }, 'KDF algorithm (unrecognised) is not supported: only argon2id13 is accepted'],
      [{ salt: 'A' }, 'KDF salt is not base64url'],
      [{ salt: toB64(new Uint8Array(15)) }, 'KDF salt is 15 bytes, expected 16'],
      [{ salt: toB64(new Uint8Array(17)) }, 'KDF salt is 17 bytes, expected 16'],
      [{ opslimit: '3' }, 'KDF parameters are malformed'],
    ];
    for (const [change, message] of cases) refused(() => checkKdfParams({ ...base(), ...change }), message);
  });

  it('new parameters carry a fresh 16-byte salt', () => {
    const a = base();
    expect(fromB64(a.salt)).toHaveLength(16);
    expect(base().salt).not.toBe(a.salt);
  });
});

describe('subkeys', () => {
  it('are crypto_kdf subkeys of the master under the tessera1 context, for positive integer ids', () => {
    const master = randomBytes(32);
    const want = sodium().crypto_kdf_derive_from_key(32, 1, 'tessera1', master);
    expect(toB64(deriveSubkey(master, 1))).toBe(toB64(want));
    expect(toB64(deriveSubkey(master, 1, 'tessera1'))).toBe(toB64(want));
    expect(toB64(deriveSubkey(master, 1000))).not.toBe(toB64(want));
    for (const id of [0, -1, 1.5, Number.NaN])
      refused(() => deriveSubkey(master, id), 'subkey id must be a positive integer', 'internal');
    for (const n of [31, 33])
      refused(() => deriveSubkey(new Uint8Array(n), 1), 'master key must be 32 bytes', 'internal');
    refused(() => deriveSubkey(master, 1, 'tessera2' as 'tessera1'), 'unknown subkey context', 'internal');
  });
});

describe('keysets', () => {
  const EMAIL = 'alice@example.com';
  let keys: AccountKeys;
  let master: Uint8Array;
  beforeAll(() => {
    keys = generateAccountKeys();
    master = randomBytes(32);
  });

  it('refuse to seal secret halves of the wrong size', () => {
    const msg = 'account keys have the wrong length';
    refused(
      () => encryptKeyset({ ...keys, boxSecretKey: new Uint8Array(31) }, master, newKdfParams(), EMAIL),
      msg,
      'internal',
    );
    refused(
      () => encryptKeyset({ ...keys, signSecretKey: new Uint8Array(63) }, master, newKdfParams(), EMAIL),
      msg,
      'internal',
    );
  });

  it('sealing and opening wipe the subkey, the private layout and what was derived from it', () => {
    const subkey = deriveSubkey(master, SUBKEY_KEYSET);
    const layout = new Uint8Array([...keys.boxSecretKey, ...keys.signSecretKey]);
    let enc: EncryptedKeyset | undefined;
    const onSeal = wipedDuring(() => {
      enc = encryptKeyset(keys, master, newKdfParams(), EMAIL);
    });
    expect(wasWiped(onSeal, subkey)).toBe(true);
    expect(wasWiped(onSeal, layout)).toBe(true);
    expect(allZero(keys.boxSecretKey)).toBe(false); // the caller's keys are its own
    let opened: AccountKeys | undefined;
    const onOpen = wipedDuring(() => {
      opened = decryptKeyset(enc, master, EMAIL);
    });
    expect(toB64(opened!.signSecretKey)).toBe(toB64(keys.signSecretKey));
    expect(wasWiped(onOpen, subkey)).toBe(true);
    expect(wasWiped(onOpen, layout)).toBe(true);
    expect(wasWiped(onOpen, keys.boxPublicKey)).toBe(true); // the public key derived to compare
    expect(wasWiped(onOpen, keys.signSecretKey.subarray(0, 32))).toBe(true); // the seed
    expect(allZero(opened!.boxSecretKey)).toBe(false); // what it returns is left whole
  });

  it('a private layout of the wrong size is refused (and nothing else breaks on the way out)', () => {
    const enc = encryptKeyset(keys, master, newKdfParams(), EMAIL);
    const subkey = deriveSubkey(master, SUBKEY_KEYSET);
    for (const n of [95, 97, 0]) {
      const odd = { ...enc, sealedPrivate: sealEnvelope(subkey, randomBytes(n), ad.keyset(EMAIL)) };
      refused(() => decryptKeyset(odd, master, EMAIL), 'keyset private layout has the wrong length');
    }
  });

  it('a wrong master key is wrong_password; other envelope refusals keep their own code', () => {
    const enc = encryptKeyset(keys, master, newKdfParams(), EMAIL);
    refused(
      () => decryptKeyset(enc, randomBytes(32), EMAIL),
      'keyset failed authentication: wrong password, or the keyset was tampered with',
      'wrong_password',
    );
    refused(
      () => decryptKeyset({ ...enc, sealedPrivate: { ...enc.sealedPrivate, alg: 'none' } }, master, EMAIL),
      "envelope algorithm 'none' is not supported: only xchacha20poly1305-ietf",
    );
    refused(
      () =>
        decryptKeyset(
          { ...enc, sealedPrivate: { ...enc.sealedPrivate, ct: toB64(new Uint8Array(4)) } },
          master,
          EMAIL,
        ),
      'envelope ciphertext is shorter than its tag',
    );
  });

  it('a signing key whose stored public copy or seed belongs to someone else is refused', () => {
    const other = sodium().crypto_sign_keypair();
    const seed = (sk: Uint8Array) => sk.subarray(0, 32);
    const msg = 'keyset sign public key does not belong to its secret key (substituted public key)';
    // The stored copy names the real public key, but the seed is another key's.
    const otherSeed = new Uint8Array([...seed(other.privateKey), ...keys.signPublicKey]);
    // The seed is the real one, but the stored copy names another public key.
    const otherCopy = new Uint8Array([...seed(keys.signSecretKey), ...other.publicKey]);
    for (const signSecretKey of [otherSeed, otherCopy]) {
      const enc = encryptKeyset({ ...keys, signSecretKey }, master, newKdfParams(), EMAIL);
      const wiped = wipedDuring(() => decryptKeyset(enc, master, EMAIL));
      refused(() => decryptKeyset(enc, master, EMAIL), msg);
      // The secret halves it had copied out are wiped before the refusal leaves.
      expect(wasWiped(wiped, keys.boxSecretKey)).toBe(true);
      expect(wasWiped(wiped, signSecretKey)).toBe(true);
    }
    const box = sodium().crypto_box_keypair();
    const enc = encryptKeyset({ ...keys, boxSecretKey: box.privateKey }, master, newKdfParams(), EMAIL);
    refused(
      () => decryptKeyset(enc, master, EMAIL),
      'keyset box public key does not belong to its secret key (substituted public key)',
    );
  });

  it('public halves must be 32 bytes of base64url', () => {
    const pub = { boxPublicKey: toB64(keys.boxPublicKey), signPublicKey: toB64(keys.signPublicKey) };
    refused(() => fingerprint({ ...pub, boxPublicKey: 'A' }), 'box public key is not base64url');
    refused(
      () => fingerprint({ ...pub, signPublicKey: toB64(new Uint8Array(31)) }),
      'sign public key is 31 bytes, expected 32',
    );
    refused(
      () => fingerprint({ ...pub, boxPublicKey: toB64(new Uint8Array(33)) }),
      'box public key is 33 bytes, expected 32',
    );
    const enc = encryptKeyset(keys, master, newKdfParams(), EMAIL);
    refused(
      () => decryptKeyset({ ...enc, public: { ...enc.public, signPublicKey: 'A' } }, master, EMAIL),
      'keyset sign public key is not base64url',
    );
    refused(
      () => decryptKeyset({ ...enc, public: { ...enc.public, boxPublicKey: 'A' } }, master, EMAIL),
      'keyset box public key is not base64url',
    );
  });
});

describe('fingerprints', () => {
  it('are the 16-byte BLAKE2b of the label and both keys, in 8 groups of 4 upper-case hex digits', () => {
    const k = generateAccountKeys();
    const label = utf8('tessera/v1/fingerprint');
    const input = new Uint8Array([...label, ...k.boxPublicKey, ...k.signPublicKey]);
    const hex = sodium()
      .to_hex(sodium().crypto_generichash(16, input, null))
      .toUpperCase();
    const want = hex.match(/.{4}/g)!.join(' ');
    const fp = fingerprint({ boxPublicKey: toB64(k.boxPublicKey), signPublicKey: toB64(k.signPublicKey) });
    expect(fp).toBe(want);
    expect(fp).toMatch(/^[0-9A-F]{4}( [0-9A-F]{4}){7}$/);
  });

  it('normalise away spaces, tabs, newlines and dashes, in any runs, and case', () => {
    expect(normaliseFingerprint(' ab-cd\tEF\n12 -- 34\r\n')).toBe('ABCDEF1234');
    expect(normaliseFingerprint('0a0b')).toBe('0A0B');
    expect(normaliseFingerprint('')).toBe('');
  });
});

describe('item version signatures: guards in front of libsodium', () => {
  let writer: AccountKeys;
  let st: ItemVersionStatement;
  let sig: string;
  beforeAll(() => {
    writer = generateAccountKeys();
    st = {
      team: 't',
      vault: 'v',
      item: 'i',
      version: 1,
      generation: 1,
      deleted: false,
      author: 'u',
      envelopeHash: envelopeHash(sealEnvelope(key, utf8('x'), 'ad')),
    };
    sig = signItemVersion(st, writer.signSecretKey);
  });

  it('sign over the statement as formats.ts renders it', () => {
    expect(
      sodium().crypto_sign_verify_detached(
        fromB64(sig),
        utf8(statement.itemVersion(st)),
        writer.signPublicKey,
      ),
    ).toBe(true);
    refused(() => signItemVersion(st, new Uint8Array(32)), 'signing key must be 64 bytes', 'internal');
    refused(
      () => signItemVersion(st, Array(64).fill(0) as unknown as Uint8Array),
      'signing key must be 64 bytes',
      'internal',
    );
  });

  it('hand libsodium nothing malformed: no signature, wrong sizes, or a key that is not bytes', () => {
    const spy = vi.spyOn(sodium(), 'crypto_sign_verify_detached');
    const pk = writer.signPublicKey;
    expect(verifyItemVersion(st, undefined, pk)).toBe(false);
    expect(verifyItemVersion(st, 42 as unknown as string, pk)).toBe(false);
    expect(verifyItemVersion(st, toB64(fromB64(sig).subarray(0, 63)), pk)).toBe(false);
    expect(verifyItemVersion(st, toB64(new Uint8Array([...fromB64(sig), 0])), pk)).toBe(false);
    expect(verifyItemVersion(st, sig, pk.subarray(0, 31))).toBe(false);
    expect(verifyItemVersion(st, sig, toB64(new Uint8Array([...pk, 0])))).toBe(false);
    expect(verifyItemVersion(st, sig, Array.from(pk) as unknown as Uint8Array)).toBe(false);
    expect(verifyItemVersion(st, 'A', pk)).toBe(false);
    expect(spy).not.toHaveBeenCalled();
    expect(verifyItemVersion(st, sig, pk)).toBe(true);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('the envelope hash covers every field, in order', () => {
    const e = sealEnvelope(key, utf8('x'), 'ad');
    const want = toB64(
      sodium().crypto_generichash(32, utf8(JSON.stringify([e.v, e.alg, e.nonce, e.ct])), null),
    );
    expect(envelopeHash(e)).toBe(want);
    expect(envelopeHash({ ...e, ct: e.nonce, nonce: e.ct })).not.toBe(want);
  });
});

describe('vault keys', () => {
  it('seal only a 32-byte key, only to a usable 32-byte X25519 key', () => {
    const k = generateAccountKeys();
    const vaultKey = newVaultKey();
    refused(() => sealVaultKey(new Uint8Array(31), k.boxPublicKey), 'vault key must be 32 bytes', 'internal');
    refused(() => sealVaultKey(new Uint8Array(33), k.boxPublicKey), 'vault key must be 32 bytes', 'internal');
    refused(() => sealVaultKey(vaultKey, 'A'), 'recipient box public key is not base64url');
    refused(() => sealVaultKey(vaultKey, new Uint8Array(31)), 'recipient box public key must be 32 bytes');
    refused(() => sealVaultKey(vaultKey, new Uint8Array(33)), 'recipient box public key must be 32 bytes');
    refused(
      () => sealVaultKey(vaultKey, new Uint8Array(32)),
      'recipient box public key is not a usable X25519 key',
    );
    expect(toB64(openVaultKey(sealVaultKey(vaultKey, k.boxPublicKey), k))).toBe(toB64(vaultKey));
  });

  it('open only an 80-byte sealed box meant for this account, naming why not', () => {
    const k = generateAccountKeys();
    const sealed = fromB64(sealVaultKey(newVaultKey(), k.boxPublicKey));
    refused(() => openVaultKey('A', k), 'sealed vault key is not base64url');
    refused(
      () => openVaultKey(toB64(sealed.subarray(0, 79)), k),
      'sealed vault key is 79 bytes, expected 80',
    );
    refused(
      () => openVaultKey(toB64(sealed), generateAccountKeys()),
      'sealed vault key did not open with this account key',
    );
  });
});
