// Process: test (plain Node, vitest).
// The "rotation required" flags an offboarding implies (docs/design.md "Offboarding"), from the
// chain's record alone: every live secret of the leaver's vaults until its value changes after
// the signed date; none for other vaults, deleted secrets or an undated link; and a date far
// ahead of the clock is not believed (it would outlive every rotation).
import { describe, expect, it } from 'vitest';
import { offboardFlags, secretsOf } from '../../electron/core/service/offboard-report.ts';
import type { IndexedItem } from '../../electron/core/vault/index.ts';
import type { Offboarding, TeamState } from '../../shared/chain/state.ts';

const AT = '2026-12-04T10:00:00.000Z';
const NOW = new Date('2026-12-05T10:00:00.000Z');

function chain(o: Partial<Offboarding>): TeamState {
  const record: Offboarding = {
    user: 'u-bob',
    email: 'bob@x.test',
    at: AT,
    seq: 9,
    author: 'u-al',
    vaults: ['v1'],
    ...o,
  };
  return {
    members: new Map([['u-al', { user: 'u-al', email: 'al@x.test' }]]),
    offboardings: [record],
  } as unknown as TeamState;
}

const item = (
  id: string,
  vault: string,
  header: Partial<IndexedItem['header']> = {},
): [string, IndexedItem] => [id, { id, vault, version: 1, pending: false, header: { name: id, ...header } }];
const index = new Map([
  item('old', 'v1', { rotatedAt: '2026-01-01T00:00:00.000Z' }),
  item('never', 'v1'),
  item('rotated', 'v1', { rotatedAt: '2026-12-04T12:00:00.000Z' }),
  item('gone', 'v1', { deleted: true }),
  item('other', 'v2'),
]);

describe('offboarding flags', () => {
  it("flag every live secret of the leaver's vaults not rotated since, with the reason and signer", () => {
    const flags = offboardFlags(chain({}), index, NOW);
    expect(flags.map((f) => f.item).sort()).toEqual(['never', 'old']);
    expect(flags[0]).toMatchObject({
      reason: 'bob@x.test offboarded on 2026-12-04',
      by: 'al@x.test',
      at: AT,
    });
  });

  it('none for an undated offboarding or a date far ahead of the clock', () => {
    expect(offboardFlags(chain({ at: null }), index, NOW)).toEqual([]);
    expect(offboardFlags(chain({ at: '2027-06-01T00:00:00.000Z' }), index, NOW)).toEqual([]);
  });

  it('leave out what was first written under a key the leaver never held, and only that', () => {
    const o = chain({}).offboardings![0]!;
    const idx = new Map([
      item('before', 'v1', { firstGeneration: 2 }),
      item('unmarked', 'v1'),
      item('after', 'v1', { firstGeneration: 3, rotatedAt: '2026-12-04T12:00:00.000Z' }),
      // Moved in after the offboarding: new in this vault, with a value from before.
      item('moved', 'v1', { firstGeneration: 3, rotatedAt: '2026-01-01T00:00:00.000Z' }),
    ]);
    const ids = (r: Offboarding) => secretsOf(r, idx).map((it) => it.id);
    expect(ids({ ...o, generations: { v1: 2 } })).toEqual(['before', 'unmarked', 'moved']);
    // A record from before generations were kept cannot tell: everything counts.
    expect(ids(o)).toEqual(['before', 'unmarked', 'after', 'moved']);
  });
});
