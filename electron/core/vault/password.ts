// Process: core (trusted Node side; never imports electron).
// Random passwords for "generate": drawn from crypto.getRandomValues with rejection
// sampling, so every character is equally likely (no modulo bias), returned as bytes.
import { TesseraError } from '../../../shared/errors.ts';

const CHARSET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_.!@#%+=';

export function generatePassword(length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 8 || length > 1024) {
    throw new TesseraError('usage', 'a generated password is 8 to 1024 characters long');
  }
  const out = new Uint8Array(length);
  const limit = 256 - (256 % CHARSET.length);
  const buf = new Uint8Array(64);
  let i = 0;
  while (i < length) {
    crypto.getRandomValues(buf);
    for (let j = 0; j < buf.length && i < length; j++) {
      if (buf[j]! < limit) out[i++] = CHARSET.charCodeAt(buf[j]! % CHARSET.length);
    }
  }
  buf.fill(0);
  return out;
}
