// Process: test (vitest, plain Node).
// shared/suggest.ts: the "did you mean" behind every not-found message for a typed name.
import { describe, expect, it } from 'vitest';
import { closest, didYouMean, editDistance } from '../../shared/suggest.ts';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['prod', 'prod', 0],
    ['prd', 'prod', 1],
    ['prod', 'prd', 1],
    ['prof', 'prod', 1],
    ['porg', 'prog', 1],
    ['ab', 'ba', 1],
    ['abcd', 'acbd', 1],
    ['kitten', 'sitting', 3],
    ['PROD', 'prod', 0],
    ['staging', 'stagnig', 1],
    ['🔑key', '🔒key', 1],
    ['ca', 'abc', 3],
  ])('%s to %s is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });
});

describe('closest', () => {
  const vaults = ['prod', 'staging', 'dev', 'billing-prod'];

  it('offers the near name for a typo', () => {
    expect(closest('prd', vaults)).toEqual(['prod']);
    expect(closest('stagign', vaults)).toEqual(['staging']);
    expect(closest('billing-prd', vaults)).toEqual(['billing-prod']);
  });

  it('ignores case in the comparison', () => {
    expect(closest('PROD', vaults)).toEqual(['prod']);
    expect(closest('Prd', vaults)).toEqual(['prod']);
  });

  it('offers nothing when no name is close', () => {
    expect(closest('finance', vaults)).toEqual([]);
    expect(closest('pr', ['staging'])).toEqual([]);
    expect(closest('x', [])).toEqual([]);
  });

  it('does not offer a one-letter name for a different letter', () => {
    expect(closest('a', ['b'])).toEqual([]);
    expect(closest('a', ['ab'])).toEqual(['ab']);
  });

  it('tolerates more edits in longer names, never more than three', () => {
    // 2 edits in a 6-letter name is a typo; in a 4-letter one it is another word.
    expect(closest('secrte', ['secret'])).toEqual(['secret']);
    expect(closest('sceret', ['secret'])).toEqual(['secret']);
    expect(closest('pdo', ['prod'])).toEqual([]);
    expect(closest('abcdefghijklmnopqr', ['abcdefghijklmnopqr'.replace(/[aeim]/g, 'z')])).toEqual([]);
    expect(closest('abcdefghijklmnopqr', ['abcdefghijklmnopqr'.replace(/[aei]/g, 'z')])).toHaveLength(1);
  });

  it('keeps only the best ties, at most three, and never the exact name', () => {
    expect(closest('dev', ['dev', 'deb', 'dew'])).toEqual(['deb', 'dew']);
    expect(closest('ab1', ['ab2', 'ab3', 'ab4', 'ab5', 'xb1x'])).toEqual(['ab2', 'ab3', 'ab4']);
    expect(closest('prd', ['prod', 'prod', 'pzzd'])).toEqual(['prod']);
  });
});

describe('didYouMean', () => {
  it('quotes one or several names', () => {
    expect(didYouMean('prd', ['prod', 'dev'])).toBe(': did you mean "prod"?');
    expect(didYouMean('de', ['dev', 'deb'])).toBe(': did you mean "dev" or "deb"?');
    expect(didYouMean('ab1', ['ab2', 'ab3', 'ab4'])).toBe(': did you mean "ab2", "ab3" or "ab4"?');
  });

  it('is empty when nothing is close', () => {
    expect(didYouMean('finance', ['prod'])).toBe('');
  });
});
