// Process: core (trusted Node side; never imports electron).
// Every blob the server stores is an envelope, and every envelope is authenticated against
// associated data the reader rebuilds from what it expects (formats.ts `ad`). That is what
// turns "the server swapped two items" or "the server served last month's version" into an
// authentication failure instead of a wrong secret on screen. The reader also refuses any
// version or algorithm it does not know, so a server cannot push a blob down to a legacy or
// unauthenticated format (one of the published malicious-server attack classes, docs/design.md "Threat model").
import { fromB64, fromUtf8, toB64, utf8 } from '../../../shared/encoding.ts';
import { ENVELOPE_ALG, ENVELOPE_VERSION, type Envelope } from '../../../shared/formats.ts';
import { CryptoError, randomBytes, sodium, wipe } from './sodium.ts';

/** Associated data is nearly always ASCII (ids, numbers, fixed labels) and is encoded once per
 *  item at unlock, so skip TextEncoder's call overhead for it; anything else goes through UTF-8. */
function adBytes(ad: string): Uint8Array {
  const out = new Uint8Array(ad.length);
  for (let i = 0; i < ad.length; i++) {
    const c = ad.charCodeAt(i);
    if (c > 127) return utf8(ad);
    out[i] = c;
  }
  return out;
}

const KEY_BYTES = 32; // crypto_aead_xchacha20poly1305_ietf_KEYBYTES
const NONCE_BYTES = 24; // crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
const TAG_BYTES = 16; // crypto_aead_xchacha20poly1305_ietf_ABYTES

function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== KEY_BYTES) {
    throw new CryptoError(`envelope key must be ${KEY_BYTES} bytes`, 'internal');
  }
}

/** Describes an untrusted header value for an error message without echoing arbitrary text. */
function describe(x: unknown): string {
  if (typeof x === 'number' && Number.isFinite(x)) return String(x);
  if (typeof x === 'string' && /^[\w.-]{1,32}$/.test(x)) return `'${x}'`;
  return x === undefined ? '(missing)' : `(unrecognised ${typeof x})`;
}

export function sealEnvelope(key: Uint8Array, plaintext: Uint8Array, ad: string): Envelope {
  return sealEnvelopeWithNonce(key, plaintext, ad, randomBytes(NONCE_BYTES));
}

/** FOR TEST VECTORS ONLY. Reusing a nonce under the same key leaks the XOR of plaintexts and
 *  lets anyone forge tags, so production code always goes through sealEnvelope. */
export function sealEnvelopeWithNonce(
  key: Uint8Array,
  plaintext: Uint8Array,
  ad: string,
  nonce: Uint8Array,
): Envelope {
  checkKey(key);
  if (nonce.length !== NONCE_BYTES)
    throw new CryptoError(`envelope nonce must be ${NONCE_BYTES} bytes`, 'internal');
  const ct = sodium().crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, adBytes(ad), null, nonce, key);
  return { v: ENVELOPE_VERSION, alg: ENVELOPE_ALG, nonce: toB64(nonce), ct: toB64(ct) };
}

/** AD for the hot paths may come as bytes the caller built into a reused buffer (vault/index.ts);
 *  everything else passes the string from formats.ts `ad`. */
export type AdInput = string | Uint8Array;

export function openEnvelope(key: Uint8Array, envelope: unknown, ad: AdInput): Uint8Array {
  checkKey(key);
  // Stryker disable next-line StringLiteral: equivalent, libsodium encodes a string AD as UTF-8 itself (adBytes is for speed)
  const adb = typeof ad === 'string' ? adBytes(ad) : ad;
  // Its version, algorithm and lengths were checked when the item log was written and are
  // covered by the log's own authentication; only the item AEAD is left to do.
  if (envelope instanceof StoredEnvelope) return envelope.open(key, adb);
  // Version and algorithm first, so a downgrade is reported as what it is, not as "malformed".
  if (typeof envelope !== 'object' || envelope === null) throw new CryptoError('envelope is not an object');
  const head = envelope as { v?: unknown; alg?: unknown };
  if (head.v !== ENVELOPE_VERSION) {
    throw new CryptoError(
      `unknown envelope version ${describe(head.v)}: only version ${ENVELOPE_VERSION} is supported`,
    );
  }
  if (head.alg !== ENVELOPE_ALG) {
    throw new CryptoError(`envelope algorithm ${describe(head.alg)} is not supported: only ${ENVELOPE_ALG}`);
  }
  const { nonce, ct } = wireBytes(envelope);
  return aeadOpen(key, ct, adb, nonce);
}

/** Decodes a v1 envelope's nonce and ciphertext, checking shape and lengths. Checked by hand
 *  rather than with the zod schema: this runs once per item pulled from the server. */
function wireBytes(envelope: object): { nonce: Uint8Array; ct: Uint8Array } {
  const body = envelope as { nonce?: unknown; ct?: unknown };
  if (typeof body.nonce !== 'string' || typeof body.ct !== 'string' || Object.keys(envelope).length !== 4) {
    throw new CryptoError('envelope is malformed');
  }
  let nonce: Uint8Array;
  let ct: Uint8Array;
  try {
    nonce = fromB64(body.nonce);
    ct = fromB64(body.ct);
  } catch {
    throw new CryptoError('envelope nonce or ciphertext is not base64url');
  }
  if (nonce.length !== NONCE_BYTES) {
    throw new CryptoError(`envelope nonce is ${nonce.length} bytes, expected ${NONCE_BYTES}`);
  }
  if (ct.length < TAG_BYTES) throw new CryptoError('envelope ciphertext is shorter than its tag');
  return { nonce, ct };
}

function aeadOpen(key: Uint8Array, ct: Uint8Array, ad: Uint8Array, nonce: Uint8Array): Uint8Array {
  try {
    return sodium().crypto_aead_xchacha20poly1305_ietf_decrypt(null, ct, ad, nonce, key);
  } catch {
    throw new CryptoError('envelope failed authentication (wrong key, wrong context, or tampered)');
  }
}

/** A v1 envelope whose nonce and ciphertext are kept as raw bytes: a slice of the profile's
 *  decrypted item-log frame. Re-encoding 10,000 of them as base64 at unlock only to decode
 *  them again for the index cost more than the decryption, so the wire form is produced
 *  only when something asks for it (a comparison, a JSON serialisation). The bytes are
 *  ciphertext the server also holds; keeping the frame alive exposes nothing new. */
export class StoredEnvelope implements Envelope {
  readonly #buf: Uint8Array;
  readonly #at: number;
  readonly #end: number;

  /** `buf[at, at + len)` is nonce || ciphertext. */
  constructor(buf: Uint8Array, at: number, len: number) {
    if (!(at >= 0 && len >= NONCE_BYTES + TAG_BYTES && at + len <= buf.length)) {
      throw new CryptoError('stored envelope is shorter than its nonce and tag');
    }
    this.#buf = buf;
    this.#at = at;
    this.#end = at + len;
  }

  // Getters, not fields: nothing can relabel a stored envelope as another version, which
  // openEnvelope would not notice on this path.
  get v(): typeof ENVELOPE_VERSION {
    return ENVELOPE_VERSION;
  }

  get alg(): typeof ENVELOPE_ALG {
    return ENVELOPE_ALG;
  }

  get nonce(): string {
    return toB64(this.#buf.subarray(this.#at, this.#at + NONCE_BYTES));
  }

  get ct(): string {
    return toB64(this.#buf.subarray(this.#at + NONCE_BYTES, this.#end));
  }

  /** nonce || ciphertext, as a view (not a copy). */
  bytes(): Uint8Array {
    return this.#buf.subarray(this.#at, this.#end);
  }

  open(key: Uint8Array, ad: Uint8Array): Uint8Array {
    const at = this.#at;
    return aeadOpen(
      key,
      this.#buf.subarray(at + NONCE_BYTES, this.#end),
      ad,
      this.#buf.subarray(at, at + NONCE_BYTES),
    );
  }

  toJSON(): Envelope {
    return { v: this.v, alg: this.alg, nonce: this.nonce, ct: this.ct };
  }
}

/** nonce || ciphertext of a well-formed v1 envelope, for binary storage; null for anything
 *  else, which the caller then stores in its wire form. */
export function envelopeBytes(envelope: unknown): Uint8Array | null {
  if (envelope instanceof StoredEnvelope) return envelope.bytes();
  if (typeof envelope !== 'object' || envelope === null) return null;
  const head = envelope as { v?: unknown; alg?: unknown };
  if (head.v !== ENVELOPE_VERSION || head.alg !== ENVELOPE_ALG) return null;
  let parts: { nonce: Uint8Array; ct: Uint8Array };
  try {
    parts = wireBytes(envelope);
  } catch {
    return null;
  }
  const out = new Uint8Array(NONCE_BYTES + parts.ct.length);
  out.set(parts.nonce, 0);
  out.set(parts.ct, NONCE_BYTES);
  return out;
}

/** Seals JSON. The UTF-8 bytes are wiped; the JSON string itself is out of our reach. */
export function sealJson(key: Uint8Array, value: unknown, ad: string): Envelope {
  const text = JSON.stringify(value);
  if (text === undefined) throw new CryptoError('sealJson: value is not JSON-serialisable', 'internal');
  const bytes = utf8(text);
  try {
    return sealEnvelope(key, bytes, ad);
  } finally {
    wipe(bytes);
  }
}

export function openJson<T>(key: Uint8Array, envelope: unknown, ad: AdInput): T {
  const bytes = openEnvelope(key, envelope, ad);
  try {
    // JSON.parse and TextDecoder errors quote the input: rethrow without them.
    return JSON.parse(fromUtf8(bytes)) as T;
  } catch {
    throw new CryptoError('envelope plaintext is not valid JSON');
  } finally {
    wipe(bytes);
  }
}
