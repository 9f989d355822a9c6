// Process: test (Vitest, Node).
// TOTP codes against RFC 6238's test vectors, and the generator's options.
import { describe, expect, it } from 'vitest';
import {
  generateCharacters,
  generatePassphrase,
  passphraseWords,
} from '../../electron/core/vault/password.ts';
import { totpCode } from '../../electron/core/vault/totp.ts';

const enc = (s: string) => new TextEncoder().encode(s);
// RFC 6238 appendix B: the SHA-1 seed is ASCII "12345678901234567890", i.e. this base32.
const RFC_SEED = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('TOTP', () => {
  it('matches the RFC 6238 SHA-1 vectors (8 digits via an otpauth URI, 6 by default)', () => {
    const uri = (t: number) => totpCode(enc(`otpauth://totp/x?secret=${RFC_SEED}&digits=8`), t * 1000).code;
    expect(uri(59)).toBe('94287082');
    expect(uri(1111111109)).toBe('07081804');
    expect(uri(1234567890)).toBe('89005924');
    expect(uri(20000000000)).toBe('65353130');
    expect(totpCode(enc(RFC_SEED.toLowerCase()), 59_000)).toEqual({ code: '287082', secondsLeft: 1 });
    expect(totpCode(enc('GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ'), 1_000).secondsLeft).toBe(29);
  });

  it('says what is wrong with a bad seed', () => {
    expect(() => totpCode(enc('not base32!'), 0)).toThrow(/not base32/);
    expect(() => totpCode(new Uint8Array(0), 0)).toThrow(/no seed/);
    expect(() => totpCode(enc('otpauth://hotp/x?secret=AAAA'), 0)).toThrow(/not a TOTP URI/);
    expect(() => totpCode(enc(`otpauth://totp/x?secret=${RFC_SEED}&digits=12`), 0)).toThrow(
      /does not support/,
    );
  });
});

describe('generator', () => {
  const text = (b: Uint8Array) => new TextDecoder().decode(b);

  it('draws only from the chosen sets and uses each of them', () => {
    for (let i = 0; i < 50; i++) {
      const g = text(
        generateCharacters({ length: 12, lower: false, upper: true, digits: true, symbols: false }).value,
      );
      expect(g).toMatch(/^[A-Z2-9]{12}$/);
      expect(g).toMatch(/[A-Z]/);
      expect(g).toMatch(/[2-9]/);
    }
    expect(() =>
      generateCharacters({ length: 12, lower: false, upper: false, digits: false, symbols: false }),
    ).toThrow(/at least one/);
    expect(() => generateCharacters({ length: 4 })).toThrow(/8 to 1024/);
  });

  it('reports the entropy of what it can produce', () => {
    expect(
      generateCharacters({ length: 20, lower: false, upper: false, digits: true, symbols: false })
        .entropyBits,
    ).toBe(Math.floor(20 * Math.log2(8)));
    expect(generatePassphrase({ words: 5 }).entropyBits).toBe(Math.floor(5 * Math.log2(7772)));
  });

  it('draws passphrase words from the curated EFF list, never from a frequency list', () => {
    const list = passphraseWords();
    expect(list.length).toBe(7772);
    expect(list.every((w) => /^[a-z]{3,9}$/.test(w))).toBe(true);
    // A few of the words a frequency list of English text contains and a generator must not emit.
    for (const bad of ['murder', 'suicide', 'rape', 'nazi', 'porn', 'whore', 'bastard', 'drunk'])
      expect(list).not.toContain(bad);
    // Every word it emits comes from that list.
    const known = new Set(list);
    for (let i = 0; i < 50; i++)
      for (const w of text(generatePassphrase({ words: 6, separator: ' ' }).value).split(' '))
        expect(known.has(w)).toBe(true);
  });

  it('makes passphrases of words with the chosen separator', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const p = text(generatePassphrase({ words: 4, separator: '.' }).value);
      expect(p).toMatch(/^[a-z]{3,9}(\.[a-z]{3,9}){3}$/);
      seen.add(p);
    }
    expect(seen.size).toBe(20);
    expect(() => generatePassphrase({ words: 2 })).toThrow(/3 to 20 words/);
    expect(() => generatePassphrase({ words: 4, separator: 'x' })).toThrow(/no letters/);
  });
});
