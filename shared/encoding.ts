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
  const rem = n % 4;
  if (rem === 1) throw new TypeError('not base64url');
  const full = n - rem;
  const out = new Uint8Array((full / 4) * 3 + (rem === 0 ? 0 : rem - 1));
  let o = 0;
  let bad = 0;
  // Four characters at a time; any invalid character makes one of the lookups negative.
  for (let i = 0; i < full; i += 4) {
    const a = DEC[text.charCodeAt(i) & 127]!;
    const b = DEC[text.charCodeAt(i + 1) & 127]!;
    const c = DEC[text.charCodeAt(i + 2) & 127]!;
    const d = DEC[text.charCodeAt(i + 3) & 127]!;
    bad |=
      a |
      b |
      c |
      d |
      ((text.charCodeAt(i) | text.charCodeAt(i + 1) | text.charCodeAt(i + 2) | text.charCodeAt(i + 3)) &
        ~127);
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = v >> 16;
    out[o++] = (v >> 8) & 0xff;
    out[o++] = v & 0xff;
  }
  if (rem > 0) {
    const a = DEC[text.charCodeAt(full) & 127]!;
    const b = DEC[text.charCodeAt(full + 1) & 127]!;
    const c = rem === 3 ? DEC[text.charCodeAt(full + 2) & 127]! : 0;
    let high = text.charCodeAt(full) | text.charCodeAt(full + 1);
    if (rem === 3) high |= text.charCodeAt(full + 2);
    bad |= a | b | c | (high & ~127);
    const v = (a << 18) | (b << 12) | (c << 6);
    out[o++] = v >> 16;
    if (rem === 3) out[o++] = (v >> 8) & 0xff;
    // Canonical form only: the bits past the last byte must be zero.
    if ((rem === 2 ? v & 0xffff : v & 0xff) !== 0) bad = -1;
  }
  if (bad < 0 || (bad & ~127) !== 0) throw new TypeError('not base64url');
  return out;
}

const encoder = new TextEncoder();

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
