// Process: core (trusted Node side; never imports electron).
// One-time codes for TOTP fields (RFC 6238: HMAC-SHA1 over the 30-second counter, six digits,
// as every authenticator app does unless the otpauth URI says otherwise). The seed stays in the
// core: the shells get the current code and how long it lasts, never the seed.
import { createHmac } from 'node:crypto';
import { fromUtf8 } from '../../../shared/encoding.ts';
import { TesseraError } from '../../../shared/errors.ts';
import { wipe } from '../crypto/index.ts';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

interface TotpParams {
  secret: Uint8Array;
  digits: number;
  period: number;
  algorithm: 'sha1' | 'sha256' | 'sha512';
}

/** Base32 (RFC 4648) from bytes, ignoring spaces, dashes, padding and case. Caller wipes. */
function base32Decode(text: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let bits = 0;
  let acc = 0;
  let n = 0;
  for (const c of text) {
    if (c === 0x20 || c === 0x2d || c === 0x3d) continue;
    const upper = c >= 0x61 && c <= 0x7a ? c - 0x20 : c;
    const v = BASE32.indexOf(String.fromCharCode(upper));
    if (v < 0) {
      wipe(out);
      throw new TesseraError('usage', 'the TOTP seed is not base32 (letters A-Z and digits 2-7)');
    }
    acc = ((acc << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out[n++] = (acc >> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  acc = 0;
  const secret = out.slice(0, n);
  wipe(out);
  return secret;
}

/** A seed is either bare base32 or an `otpauth://totp/...?secret=...` URI from a QR code. */
function parseSeed(seed: Uint8Array): TotpParams {
  const prefix = 'otpauth://';
  const head = fromUtf8(seed.subarray(0, prefix.length)).toLowerCase();
  if (head !== prefix) return { secret: base32Decode(seed), digits: 6, period: 30, algorithm: 'sha1' };
  // The URI is parsed as a string only long enough to find its parameters.
  const url = new URL(fromUtf8(seed));
  const secretParam = url.searchParams.get('secret');
  if (url.host !== 'totp' || !secretParam)
    throw new TesseraError('usage', 'the otpauth URI is not a TOTP URI with a secret');
  const secretBytes = new TextEncoder().encode(secretParam);
  const secret = base32Decode(secretBytes);
  wipe(secretBytes);
  const digits = Number(url.searchParams.get('digits') ?? 6);
  const period = Number(url.searchParams.get('period') ?? 30);
  const algorithm = (url.searchParams.get('algorithm') ?? 'SHA1').toLowerCase();
  if (
    ![6, 7, 8].includes(digits) ||
    !(period >= 1 && period <= 300) ||
    !['sha1', 'sha256', 'sha512'].includes(algorithm)
  )
    throw new TesseraError(
      'usage',
      'the otpauth URI asks for digits, period or algorithm this app does not support',
    );
  return { secret, digits, period, algorithm: algorithm as TotpParams['algorithm'] };
}

/** Refuses a seed no code could come from, at write time rather than on the first Copy;
 *  the message is the one a later code would have failed with. */
export function checkTotpSeed(seed: Uint8Array): void {
  let p: TotpParams;
  try {
    p = parseSeed(seed);
  } catch (e) {
    if (e instanceof TesseraError) throw e;
    // new URL() on a malformed otpauth URI.
    throw new TesseraError('usage', 'the otpauth URI is not a valid URI');
  }
  const empty = p.secret.length === 0;
  wipe(p.secret);
  if (empty) throw new TesseraError('usage', 'the TOTP seed is empty');
}

/** The code for `seed` at `now` (ms since the epoch) and the seconds until it changes. */
export function totpCode(seed: Uint8Array, now: number): { code: string; secondsLeft: number } {
  if (seed.length === 0) throw new TesseraError('usage', 'this TOTP field has no seed yet');
  const p = parseSeed(seed);
  try {
    if (p.secret.length === 0) throw new TesseraError('usage', 'the TOTP seed is empty');
    const counter = Math.floor(now / 1000 / p.period);
    const msg = Buffer.alloc(8);
    msg.writeBigUInt64BE(BigInt(counter));
    const mac = createHmac(p.algorithm, p.secret).update(msg).digest();
    const offset = mac[mac.length - 1]! & 0x0f;
    const bin = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** p.digits;
    mac.fill(0);
    return {
      code: String(bin).padStart(p.digits, '0'),
      secondsLeft: p.period - (Math.floor(now / 1000) % p.period),
    };
  } finally {
    wipe(p.secret);
  }
}
