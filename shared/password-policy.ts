// Process: shared. The master password policy, one rule for every shell: the core refuses a
// weak master password wherever one is set (signup, in the window and in `tessera signup`),
// and the window shows the same verdict while it is typed. A master password needs a length
// floor and a zxcvbn score floor, judged with the account's own email and name as words an
// attacker would try first. zxcvbn-ts is plain JavaScript; its dictionaries are large, so they
// load on first use (a separate chunk in the window). A reason never quotes the password.
import type { ZxcvbnFactory, ZxcvbnResult } from '@zxcvbn-ts/core';

export const MIN_MASTER_PASSWORD_LENGTH = 10;
/** On zxcvbn's scale of 0 to 4; 3 is "safely unguessable" (about 10^10 guesses), which the
 *  Argon2id work factor on top makes very slow to reach offline. */
export const MIN_MASTER_PASSWORD_SCORE = 3;

export const STRENGTH_WORDS = ['very weak', 'weak', 'fair', 'good', 'strong'] as const;
export type StrengthWord = (typeof STRENGTH_WORDS)[number];

/** zxcvbn slows down sharply on long inputs, and anything that long is not short of guesses. */
const SCORED_CHARACTERS = 100;

let loading: Promise<ZxcvbnFactory> | null = null;

export function loadStrength(): Promise<ZxcvbnFactory> {
  loading ??= Promise.all([
    import('@zxcvbn-ts/core'),
    import('@zxcvbn-ts/language-common'),
    import('@zxcvbn-ts/language-en'),
  ]).then(
    ([core, common, en]) =>
      new core.ZxcvbnFactory({
        translations: en.translations,
        graphs: common.adjacencyGraphs,
        dictionary: { ...common.dictionary, ...en.dictionary },
      }),
  );
  // A failed load (a chunk that did not arrive) may be retried.
  loading.catch(() => {
    loading = null;
  });
  return loading;
}

function score(z: ZxcvbnFactory, password: string, context: readonly string[] = []): ZxcvbnResult {
  const result = z.check(password.slice(0, SCORED_CHARACTERS), userInputs(context));
  // zxcvbn keeps the last password it scored, and its pieces, until the next check: score
  // something that is no secret, so a master password does not linger in memory after it.
  z.check('');
  return result;
}

/** The words of an account that a guesser tries first: the email, its parts, the name. */
function userInputs(context: readonly string[]): string[] {
  const out = new Set<string>(['tessera']);
  for (const c of context) {
    const s = c.trim().toLowerCase();
    if (!s) continue;
    out.add(s);
    for (const part of s.split(/[@.\s_+-]+/)) if (part.length >= 3) out.add(part);
  }
  return [...out];
}

/** How strong any password looks, for the meter next to a field. */
export function strengthWord(
  z: ZxcvbnFactory,
  password: string,
  context: readonly string[] = [],
): StrengthWord {
  return STRENGTH_WORDS[score(z, password, context).score] ?? 'very weak';
}

export interface PasswordVerdict {
  ok: boolean;
  word: StrengthWord;
  /** What to do about it, when not ok; never contains the password. */
  reason: string | null;
}

/** Whether `password` may be a master password; `context` is the account's email and name. */
export function rateMasterPassword(
  z: ZxcvbnFactory,
  password: string,
  context: readonly string[] = [],
): PasswordVerdict {
  const result = score(z, password, context);
  const word = STRENGTH_WORDS[result.score] ?? 'very weak';
  if ([...password].length < MIN_MASTER_PASSWORD_LENGTH)
    return {
      ok: false,
      word,
      reason:
        `A master password needs at least ${MIN_MASTER_PASSWORD_LENGTH} characters: add more words. ` +
        'Four or five uncommon words in a row are easy to remember and hard to guess.',
    };
  if (result.score < MIN_MASTER_PASSWORD_SCORE)
    return { ok: false, word, reason: `This master password is too easy to guess. ${advice(result)}` };
  return { ok: true, word, reason: null };
}

function advice(result: ZxcvbnResult): string {
  const personal = result.sequence.some(
    (m) => m.pattern === 'dictionary' && (m as { dictionaryName?: string }).dictionaryName === 'userInputs',
  );
  const parts = [
    personal ? 'It contains your name or email address.' : result.feedback.warning,
    ...result.feedback.suggestions,
  ].filter((s): s is string => !!s);
  if (!result.feedback.suggestions.some((s) => /more words/i.test(s)))
    parts.push('Add more words that are less common.');
  return parts.join(' ');
}
