// Process: core (trusted Node side; never imports electron). Also meant for the recipient
// page: it imports only libsodium (through sodium.ts) and shared/, never a Node API.
// One-time link crypto (docs/design.md "One-time links"). A fresh 32-byte key K per link
// travels only in the URL fragment. The AEAD key is a keyed BLAKE2b of K over a label, and
// with a passphrase also over Argon2id(passphrase, salt): whoever holds only the URL, or only
// the passphrase, or the server's copy of the salt, cannot open it. The associated data binds
// the link id, the format version and the KDF parameters (shared/links.ts linkAd).
import { fromB64, toB64, utf8 } from '../../../shared/encoding.ts';
import {
  LINK_ALG,
  LINK_FORMAT_VERSION,
  LINK_KDF_ALG,
  LINK_KDF_CEILING,
  LINK_KDF_FLOOR,
  type LinkEnvelope,
  type LinkKdf,
  linkAd,
  linkPagePath,
} from '../../../shared/links.ts';
import { CryptoError, randomBytes, sodium, wipe } from './sodium.ts';

export const LINK_KEY_BYTES = 32;
const NONCE_BYTES = 24;
const SALT_BYTES = 16;
const LABEL_PLAIN = 'tessera/v1/link-key|fragment';
const LABEL_PASS = 'tessera/v1/link-key|fragment+passphrase';

export interface LinkField {
  key: string;
  label: string;
  kind: string;
  value: Uint8Array;
}

/** What a link carries: the item's name and the fields the sender picked. */
export interface LinkContent {
  name: string;
  fields: LinkField[];
}

export function newLinkKey(): Uint8Array {
  return randomBytes(LINK_KEY_BYTES);
}

function checkLinkKdf(k: unknown): LinkKdf {
  const p = k as Partial<LinkKdf> | null;
  if (typeof p !== 'object' || p === null || p.alg !== LINK_KDF_ALG)
    throw new CryptoError('link passphrase KDF is not argon2id13');
  const { opslimit, memlimit, salt } = p;
  if (!Number.isSafeInteger(opslimit) || !Number.isSafeInteger(memlimit) || typeof salt !== 'string')
    throw new CryptoError('link passphrase KDF parameters are malformed');
  if (opslimit! < LINK_KDF_FLOOR.opslimit || memlimit! < LINK_KDF_FLOOR.memlimit)
    throw new CryptoError('link passphrase KDF parameters are below the floor');
  if (opslimit! > LINK_KDF_CEILING.opslimit || memlimit! > LINK_KDF_CEILING.memlimit)
    throw new CryptoError('link passphrase KDF parameters are above the ceiling');
  let saltBytes: Uint8Array;
  try {
    saltBytes = fromB64(salt);
  } catch {
    throw new CryptoError('link passphrase salt is not base64url');
  }
  if (saltBytes.length !== SALT_BYTES)
    throw new CryptoError(`link passphrase salt must be ${SALT_BYTES} bytes`);
  return { alg: LINK_KDF_ALG, opslimit: opslimit!, memlimit: memlimit!, salt };
}

/** The AEAD key. The caller wipes it. */
function encryptionKey(key: Uint8Array, kdf: LinkKdf | null, passphrase?: Uint8Array): Uint8Array {
  const s = sodium();
  if (!(key instanceof Uint8Array) || key.length !== LINK_KEY_BYTES)
    throw new CryptoError('the link key is malformed: check that the whole link was copied', 'bad_request');
  if (!kdf) return s.crypto_generichash(32, utf8(LABEL_PLAIN), key);
  if (!passphrase || passphrase.length === 0)
    throw new CryptoError('this link needs a passphrase', 'wrong_password');
  const stretched = s.crypto_pwhash(
    32,
    passphrase,
    fromB64(kdf.salt),
    kdf.opslimit,
    kdf.memlimit,
    s.crypto_pwhash_ALG_ARGON2ID13,
  );
  const label = utf8(LABEL_PASS);
  const msg = new Uint8Array(label.length + stretched.length);
  msg.set(label);
  msg.set(stretched, label.length);
  try {
    return s.crypto_generichash(32, msg, key);
  } finally {
    wipe(stretched, msg);
  }
}

/** Encrypts `content` for link `id` under `key` (and `passphrase` when given). */
export function sealLink(
  id: string,
  key: Uint8Array,
  content: LinkContent,
  passphrase?: Uint8Array,
  kdfCost: { opslimit: number; memlimit: number } = LINK_KDF_FLOOR,
): LinkEnvelope {
  const kdf: LinkKdf | null =
    passphrase && passphrase.length > 0
      ? checkLinkKdf({ alg: LINK_KDF_ALG, ...kdfCost, salt: toB64(randomBytes(SALT_BYTES)) })
      : null;
  const ek = encryptionKey(key, kdf, passphrase);
  const plain = encodeContent(content);
  const nonce = randomBytes(NONCE_BYTES);
  try {
    const ct = sodium().crypto_aead_xchacha20poly1305_ietf_encrypt(
      plain,
      utf8(linkAd(id, kdf)),
      null,
      nonce,
      ek,
    );
    return { v: LINK_FORMAT_VERSION, alg: LINK_ALG, nonce: toB64(nonce), ct: toB64(ct), kdf };
  } finally {
    wipe(ek, plain);
  }
}

/** Whether opening `envelope` will need a passphrase (ask before running Argon2id). */
export function linkNeedsPassphrase(envelope: unknown): boolean {
  return (envelope as { kdf?: unknown } | null)?.kdf != null;
}

/** Decrypts a link the server handed back; any tampering, a swapped id or a wrong
 *  passphrase fails authentication. The caller wipes the field values. */
export function openLink(
  id: string,
  key: Uint8Array,
  envelope: unknown,
  passphrase?: Uint8Array,
): LinkContent {
  const e = envelope as Partial<LinkEnvelope> | null;
  if (typeof e !== 'object' || e === null) throw new CryptoError('link envelope is not an object');
  if (e.v !== LINK_FORMAT_VERSION) throw new CryptoError('unknown link format version');
  if (e.alg !== LINK_ALG) throw new CryptoError('unsupported link algorithm');
  if (typeof e.nonce !== 'string' || typeof e.ct !== 'string')
    throw new CryptoError('link envelope is malformed');
  const kdf = e.kdf == null ? null : checkLinkKdf(e.kdf);
  let nonce: Uint8Array;
  let ct: Uint8Array;
  try {
    nonce = fromB64(e.nonce);
    ct = fromB64(e.ct);
  } catch {
    throw new CryptoError('link envelope is not base64url');
  }
  if (nonce.length !== NONCE_BYTES) throw new CryptoError('link nonce has the wrong length');
  const ek = encryptionKey(key, kdf, passphrase);
  let plain: Uint8Array;
  try {
    plain = sodium().crypto_aead_xchacha20poly1305_ietf_decrypt(null, ct, utf8(linkAd(id, kdf)), nonce, ek);
  } catch {
    throw kdf
      ? new CryptoError('wrong passphrase, or the link was altered', 'wrong_password')
      : new CryptoError('the link does not open: it was altered, or its key is wrong');
  } finally {
    wipe(ek);
  }
  try {
    return decodeContent(plain);
  } finally {
    wipe(plain);
  }
}

// ---- the URL ---------------------------------------------------------------------------

export function linkUrl(server: string, id: string, key: Uint8Array): string {
  return `${server.replace(/\/+$/, '')}${linkPagePath(id)}#${toB64(key)}`;
}

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Splits `<server>/s/<id>#<key>`. The key is returned as bytes for the caller to wipe. */
export function parseLinkUrl(url: string): { server: string; id: string; key: Uint8Array } {
  const bad = () => new CryptoError('not a Tessera link: expected <server>/s/<id>#<key>', 'usage');
  const hash = url.indexOf('#');
  if (hash < 0) throw bad();
  let u: URL;
  try {
    u = new URL(url.slice(0, hash));
  } catch {
    throw bad();
  }
  const m = /^\/s\/([^/]+)\/?$/.exec(u.pathname);
  if (!m || !ID.test(m[1]!) || (u.protocol !== 'https:' && u.protocol !== 'http:')) throw bad();
  let key: Uint8Array;
  try {
    key = fromB64(url.slice(hash + 1).trim());
  } catch {
    throw bad();
  }
  if (key.length !== LINK_KEY_BYTES) throw bad();
  return { server: u.origin, id: m[1]!.toLowerCase(), key };
}

// ---- the plaintext -----------------------------------------------------------------------
// A small length-prefixed binary layout rather than JSON, so a value goes from the item's
// bytes to the ciphertext without ever being a JavaScript string.

const CONTENT_VERSION = 1;

function encodeContent(c: LinkContent): Uint8Array {
  const texts = [utf8(c.name), ...c.fields.flatMap((f) => [utf8(f.key), utf8(f.label), utf8(f.kind)])];
  if (c.fields.length > 255) throw new CryptoError('a link holds at most 255 fields', 'usage');
  let size = 2;
  for (const f of c.fields) size += 4 + f.value.length;
  for (const t of texts) size += 2 + t.length;
  for (const t of texts) if (t.length > 0xffff) throw new CryptoError('a link label is too long', 'usage');
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  let o = 0;
  const put = (b: Uint8Array, wide: boolean) => {
    if (wide) dv.setUint32(o, b.length);
    else dv.setUint16(o, b.length);
    o += wide ? 4 : 2;
    out.set(b, o);
    o += b.length;
  };
  out[o++] = CONTENT_VERSION;
  out[o++] = c.fields.length;
  put(texts[0]!, false);
  c.fields.forEach((f, i) => {
    put(texts[1 + i * 3]!, false);
    put(texts[2 + i * 3]!, false);
    put(texts[3 + i * 3]!, false);
    put(f.value, true);
  });
  return out;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function decodeContent(b: Uint8Array): LinkContent {
  const bad = () => new CryptoError('link content is malformed');
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let o = 0;
  const take = (wide: boolean) => {
    if (o + (wide ? 4 : 2) > b.length) throw bad();
    const n = wide ? dv.getUint32(o) : dv.getUint16(o);
    o += wide ? 4 : 2;
    if (o + n > b.length) throw bad();
    const s = b.subarray(o, o + n);
    o += n;
    return s;
  };
  const text = (x: Uint8Array) => {
    try {
      return decoder.decode(x);
    } catch {
      throw bad();
    }
  };
  if (b.length < 2 || b[0] !== CONTENT_VERSION) throw bad();
  const count = b[1]!;
  o = 2;
  const name = text(take(false));
  const fields: LinkField[] = [];
  for (let i = 0; i < count; i++) {
    const key = text(take(false));
    const label = text(take(false));
    const kind = text(take(false));
    fields.push({ key, label, kind, value: take(true).slice() });
  }
  if (o !== b.length) throw bad();
  return { name, fields };
}
