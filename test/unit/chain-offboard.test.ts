// Process: test (plain Node, vitest).
// What the chain records at an offboarding (docs/design.md "Offboarding"): every vault the
// leaver could read just before the link (a direct grant, a group's grant, every vault for an
// owner), nothing else; the signed date; a date only on an offboarding; and a state saved and
// loaded keeps the record.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { stateFromJson, stateToJson } from '../../shared/chain/state.ts';
import { ChainError, extendChain } from '../../shared/chain/verify.ts';
import { chainCrypto } from '../../electron/core/crypto/chain.ts';
import { initSodium } from '../../electron/core/crypto/sodium.ts';
import { type Actor, actor, Chain } from '../helpers/chain.ts';

let O: Actor;
let O2: Actor;
let A: Actor;
let M: Actor;
let N: Actor;

beforeAll(async () => {
  await initSodium();
  [O, O2, A, M, N] = ['o', 'o2', 'a', 'm', 'n'].map(actor) as [Actor, Actor, Actor, Actor, Actor];
});

function team() {
  const c = new Chain(O);
  c.join(O, O2, 'owner').join(O, A, 'admin').join(O, M, 'member').join(O, N, 'member');
  const direct = c.createVault(O);
  const grouped = c.createVault(O);
  const unshared = c.createVault(O);
  const g = randomUUID();
  c.add(O, 'vault.grant', { vault: direct, principal: { kind: 'user', id: M.id }, role: 'view' });
  c.add(O, 'group.create', { group: g, name: 'g' }).add(O, 'group.add', { group: g, user: M.id });
  c.add(O, 'vault.grant', { vault: grouped, principal: { kind: 'group', id: g }, role: 'edit' });
  return { c, direct, grouped, unshared };
}

describe('the chain at an offboarding', () => {
  it('records exactly the vaults a member could read, through a grant or a group, and the signed date', () => {
    const { c, direct, grouped } = team();
    const at = '2026-12-04T10:00:00.000Z';
    c.add(A, 'member.remove', { user: M.id, reason: 'offboarded', at });
    const [o] = c.state.offboardings!;
    expect(o).toMatchObject({ user: M.id, email: M.email, at, author: A.id, seq: c.state.seq });
    expect([...o!.vaults].sort()).toEqual([direct, grouped].sort());
    expect(stateFromJson(JSON.parse(JSON.stringify(stateToJson(c.state)))).offboardings).toEqual(
      c.state.offboardings,
    );
  });

  it('an owner could read every vault', () => {
    const { c, direct, grouped, unshared } = team();
    c.add(O, 'member.remove', { user: O2.id, reason: 'offboarded', at: '2026-12-04T10:00:00.000Z' });
    expect([...c.state.offboardings![0]!.vaults].sort()).toEqual([direct, grouped, unshared].sort());
  });

  it('a plain removal records nothing and may not carry a date; an undated offboarding still verifies', () => {
    const { c } = team();
    const dated = c.next(A, 'member.remove', {
      user: N.id,
      reason: 'removed',
      at: '2026-12-04T10:00:00.000Z',
    });
    expect(() => extendChain(chainCrypto, c.state, [dated])).toThrow(ChainError);
    c.add(A, 'member.remove', { user: N.id, reason: 'removed' });
    expect(c.state.offboardings).toBeUndefined();
    c.add(A, 'member.remove', { user: M.id, reason: 'offboarded' });
    expect(c.state.offboardings![0]!.at).toBeNull();
  });

  it('a member may not offboard anyone', () => {
    const { c } = team();
    const link = c.next(M, 'member.remove', {
      user: N.id,
      reason: 'offboarded',
      at: '2026-12-04T10:00:00.000Z',
    });
    expect(() => extendChain(chainCrypto, c.state, [link])).toThrow(/may not remove/);
  });
});
