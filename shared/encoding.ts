// Process: shared (pure TypeScript; runs in main, renderer, server and CLI alike).
// Binary values travel in JSON as unpadded base64url. Table-driven and allocation-light:
// every envelope of every item passes through here at unlock, so this is on the hot path
// (the built-in btoa route over String.fromCharCode cost ~70x more on a 5 MB cache).

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const ENC = new Uint8Array(64);
const DEC = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) {
  ENC[i] = ALPHABET.charCodeAt(i);
  DEC[ALPHABET.charCodeAt(i)] = i;
}
const decoder = new TextDecoder('utf-8', { fatal: true });
const latin = new TextDecoder('latin1');

export function toB64(bytes: Uint8Array): string {
  const n = bytes.length;
  const out = new Uint8Array(Math.ceil((n * 4) / 3));
  let o = 0;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = ENC[v >> 18]!;
    out[o++] = ENC[(v >> 12) & 63]!;
    out[o++] = ENC[(v >> 6) & 63]!;
    out[o++] = ENC[v & 63]!;
  }
  if (i < n) {
    const v = (bytes[i]! << 16) | ((i + 1 < n ? bytes[i + 1]! : 0) << 8);
    out[o++] = ENC[v >> 18]!;
    out[o++] = ENC[(v >> 12) & 63]!;
    if (i + 1 < n) out[o++] = ENC[(v >> 6) & 63]!;
  }
  return latin.decode(out.subarray(0, o));
}

export function fromB64(text: string): Uint8Array {
  const n = text.length;
  if (n % 4 === 1) throw new TypeError('not base64url');
  const out = new Uint8Array(Math.floor((n * 3) / 4));
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const d = c < 128 ? DEC[c]! : -1;
    if (d < 0) throw new TypeError('not base64url');
    acc = (acc << 6) | d;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  // Canonical form only: leftover bits must be zero, so each byte string has one encoding.
  if ((acc & ((1 << bits) - 1)) !== 0) throw new TypeError('not base64url');
  return o === out.length ? out : out.subarray(0, o);
}

const encoder = new TextEncoder();

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
