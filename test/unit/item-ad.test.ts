// Process: test. Item AD built into a reused buffer must be byte-for-byte the UTF-8 of
// formats.ts `ad.item`, for every input, or every item would fail to authenticate.
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../shared/encoding.ts';
import { ad } from '../../shared/formats.ts';
import { itemAdBytes } from '../../electron/core/vault/item-ad.ts';

const uuid = () => crypto.randomUUID();

describe('item AD bytes', () => {
  it('equal utf8(ad.item(...)) for ordinary, unusual and non-ASCII inputs', () => {
    const team = uuid();
    const vault = uuid();
    const cases: [string, string, string, number, number][] = [
      [team, vault, uuid(), 1, 1],
      [team, vault, uuid(), 12, 9_007_199_254_740_991],
      [team, vault, uuid(), 0, 10],
      [team, uuid(), uuid(), 3, 1_000_000],
      [team, vault, 'ïtem-ü', 1, 2],
      ['tëam', 'väult', 'x', 1, 2],
      [team, vault, '', 1, 1],
      [team, vault, 'a'.repeat(700), 1, 1],
      [team, vault, uuid(), 1.5, 2],
      [team, vault, uuid(), -1, 2],
      [team, vault, uuid(), 1, Number.NaN],
      [team, vault, uuid(), 1, 1e21],
    ];
    for (const c of cases) {
      // Twice: the second call takes the cached prefix.
      for (let i = 0; i < 2; i++)
        expect(Buffer.from(itemAdBytes(...c)), c.join(' ')).toEqual(Buffer.from(utf8(ad.item(...c))));
    }
  });

  it('differ whenever any field differs', () => {
    const base: [string, string, string, number, number] = [uuid(), uuid(), uuid(), 2, 7];
    const seen = new Set([Buffer.from(itemAdBytes(...base)).toString('hex')]);
    const variants: [string, string, string, number, number][] = [
      [uuid(), base[1], base[2], 2, 7],
      [base[0], uuid(), base[2], 2, 7],
      [base[0], base[1], uuid(), 2, 7],
      [base[0], base[1], base[2], 3, 7],
      [base[0], base[1], base[2], 2, 8],
      [base[0], base[1], base[2], 27, 1],
    ];
    for (const v of variants) seen.add(Buffer.from(itemAdBytes(...v)).toString('hex'));
    expect(seen.size).toBe(variants.length + 1);
  });
});
