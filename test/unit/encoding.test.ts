// Process: test. base64url is on every envelope's path; it must agree with Node's encoder
// byte for byte and accept exactly one spelling of each value.
import { describe, expect, it } from 'vitest';
import { fromB64, toB64 } from '../../shared/encoding.ts';

describe('base64url', () => {
  it('agrees with Node for every length 0..300', () => {
    for (let n = 0; n <= 300; n++) {
      const bytes = crypto.getRandomValues(new Uint8Array(n));
      const text = toB64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64url'));
      expect(Buffer.from(fromB64(text)).equals(Buffer.from(bytes))).toBe(true);
    }
  });

  it('refuses padding, the standard alphabet, bad lengths and non-canonical tails', () => {
    for (const bad of ['a', 'ab=', 'a+b/', 'AB', 'AAB', 'é', 'AA AA']) expect(() => fromB64(bad), bad).toThrow(/not base64url/);
  });
});
