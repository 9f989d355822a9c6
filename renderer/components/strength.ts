// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Password strength with zxcvbn-ts. Its dictionaries are large, so they load on first use
// in a separate chunk (same origin, allowed by the CSP) instead of slowing the first paint.
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';

export const STRENGTH_WORDS = ['very weak', 'weak', 'fair', 'good', 'strong'] as const;
export type StrengthWord = (typeof STRENGTH_WORDS)[number];

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
  return loading;
}

/** Scores only the first 100 characters: zxcvbn slows down sharply on long inputs, and
 *  anything that long and random is strong anyway. */
export function strengthOf(z: ZxcvbnFactory, value: string): StrengthWord {
  const score = z.check(value.slice(0, 100)).score;
  return STRENGTH_WORDS[score] ?? 'very weak';
}
