// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Password strength with zxcvbn-ts, through shared/password-policy.ts: the same scale the
// core's master password check uses. Its dictionaries are large, so they load on first use
// in a separate chunk (same origin, allowed by the CSP) instead of slowing the first paint.
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import {
  loadStrength,
  STRENGTH_WORDS,
  type StrengthWord,
  strengthWord,
} from '../../shared/password-policy.ts';

export { loadStrength, STRENGTH_WORDS, type StrengthWord };

/** Scores only the first 100 characters: zxcvbn slows down sharply on long inputs, and
 *  anything that long and random is strong anyway. */
export function strengthOf(z: ZxcvbnFactory, value: string): StrengthWord {
  return strengthWord(z, value);
}
