// Process: test (Vitest, Node).
// Which relayed rotation flags a client believes (electron/core/service/rotation-flags.ts),
// against a hand-built verified chain state: the signature must verify under the author's
// chain key, the author must hold a role that allows `item.flag` on the vault now, and a flag
// older than the item's last rotation is settled. Then how the due list says it.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type AccountKeys,
  generateAccountKeys,
  initSodium,
  publicKeyset,
  signRotationFlag,
} from '../../electron/core/crypto/index.ts';
import { checkFlags, FLAG_FUTURE_SLACK_MS } from '../../electron/core/service/rotation-flags.ts';
import { dueList, needsAction } from '../../electron/core/service/rotation.ts';
import type { IndexedItem } from '../../electron/core/vault/index.ts';
import type { ChainMember, TeamState } from '../../shared/chain/state.ts';
import { describeDue, describeFlaggers, isUrgent } from '../../shared/due-words.ts';
import type { TeamRole, VaultRole } from '../../shared/roles.ts';

const team = '00000000-0000-8000-8000-000000000001';
const vault = '00000000-0000-4000-8000-0000000000a1';
const other = '00000000-0000-4000-8000-0000000000a2';
const item = '00000000-0000-4000-8000-0000000000b1';
const ids = {
  owner: '00000000-0000-4000-8000-000000000011',
  viewer: '00000000-0000-4000-8000-000000000012',
  grouped: '00000000-0000-4000-8000-000000000013',
  outsider: '00000000-0000-4000-8000-000000000014',
  gone: '00000000-0000-4000-8000-000000000015',
};
const group = '00000000-0000-4000-8000-0000000000c1';
const t0 = new Date('2026-12-03T12:00:00.000Z');
const iso = (ms: number) => new Date(t0.getTime() + ms).toISOString();
let keys: Record<keyof typeof ids, AccountKeys>;
let chain: TeamState;

function member(
  name: keyof typeof ids,
  role: TeamRole,
  status: ChainMember['status'] = 'confirmed',
): ChainMember {
  return { user: ids[name], email: `${name}@x.test`, role, keys: publicKeyset(keys[name]), status };
}

function flag(by: keyof typeof ids, o: { reason?: string; at?: string; signer?: keyof typeof ids } = {}) {
  const s = {
    team,
    vault,
    item,
    reason: o.reason ?? 'left the team',
    at: o.at ?? iso(-1000),
    author: ids[by],
  };
  return { ...s, team: undefined, signature: signRotationFlag(s, keys[o.signer ?? by].signSecretKey) };
}
const relay = (f: ReturnType<typeof flag>) => {
  const { team: _t, ...rest } = f;
  return rest;
};

function indexWith(rotatedAt?: string): Map<string, IndexedItem> {
  const header = { name: 'db', type: 'password' as const, ...(rotatedAt ? { rotatedAt } : {}) };
  return new Map([[item, { id: item, vault, version: 2, header, pending: false }]]);
}

beforeAll(async () => {
  await initSodium();
  keys = Object.fromEntries(Object.keys(ids).map((k) => [k, generateAccountKeys()])) as typeof keys;
  const grants = new Map<string, VaultRole>([
    [`user:${ids.viewer}`, 'view'],
    [`group:${group}`, 'edit'],
  ]);
  chain = {
    team,
    name: 'acme',
    seq: 9,
    head: 'h',
    root: ids.owner,
    members: new Map([
      [ids.owner, member('owner', 'owner')],
      [ids.viewer, member('viewer', 'member')],
      [ids.grouped, member('grouped', 'member')],
      [ids.outsider, member('outsider', 'member')],
      [ids.gone, member('gone', 'member', 'removed')],
    ]),
    invites: new Map(),
    groups: new Map([[group, { name: 'ops', members: new Set([ids.grouped]) }]]),
    vaults: new Map([
      [vault, { id: vault, generation: 1, creator: ids.owner, grants, keyHolders: new Map() }],
      [other, { id: other, generation: 1, creator: ids.owner, grants: new Map(), keyHolders: new Map() }],
    ]),
  };
});

describe('checkFlags', () => {
  it('believes a flag signed by anyone the chain lets read the vault: a grant, a group, an owner', () => {
    const r = checkFlags(
      [relay(flag('viewer')), relay(flag('grouped')), relay(flag('owner'))],
      chain,
      indexWith(),
      t0,
    );
    expect(r.dropped).toBe(0);
    expect(r.open.map((f) => f.by)).toEqual(['viewer@x.test', 'grouped@x.test', 'owner@x.test']);
    expect(r.open[0]).toEqual({
      vault,
      item,
      author: ids.viewer,
      by: 'viewer@x.test',
      reason: 'left the team',
      at: iso(-1000),
    });
  });

  it('drops what no member with access signed, and counts it', () => {
    const good = relay(flag('viewer'));
    const cases = [
      relay(flag('outsider')), // a member, but no role on the vault
      relay(flag('gone')), // removed from the team
      relay(flag('viewer', { signer: 'outsider' })), // the viewer's name, another key
      { ...good, reason: 'rotate it, says the server' },
      { ...good, at: iso(-2000) },
      { ...good, vault: other },
      { ...good, author: ids.owner },
      { ...good, signature: undefined },
      { ...good, extra: 1 },
      relay(flag('viewer', { reason: 'two\nlines' })),
      relay(flag('viewer', { at: iso(FLAG_FUTURE_SLACK_MS + 60_000) })),
      { ...good, author: '00000000-0000-4000-8000-0000000000ff' },
      'not a flag',
      null,
    ];
    for (const c of cases) {
      const r = checkFlags([c], chain, indexWith(), t0);
      expect({ c, open: r.open.length, settled: r.settled.length, dropped: r.dropped }).toEqual({
        c,
        open: 0,
        settled: 0,
        dropped: 1,
      });
    }
    expect(checkFlags([good, ...cases], chain, indexWith(), t0)).toMatchObject({ dropped: cases.length });
  });

  it('a flag older than the last change of the primary value is settled, a newer one stays', () => {
    const old = relay(flag('viewer', { at: iso(-5000) }));
    const r = checkFlags([old], chain, indexWith(iso(-1000)), t0);
    expect(r).toMatchObject({ open: [], settled: [{ author: ids.viewer }], dropped: 0 });
    const fresh = relay(flag('viewer', { at: iso(-500) }));
    expect(checkFlags([fresh], chain, indexWith(iso(-1000)), t0).open).toHaveLength(1);
  });

  it('ignores, without counting as forged, flags on items this client does not hold or that were deleted', () => {
    const f = relay(flag('viewer'));
    expect(checkFlags([f], chain, new Map(), t0)).toEqual({ open: [], settled: [], dropped: 0 });
    const deleted = indexWith();
    deleted.get(item)!.header.deleted = true;
    expect(checkFlags([f], chain, deleted, t0)).toEqual({ open: [], settled: [], dropped: 0 });
    // A replayed second copy of the same author's flag is shown once, and an older one relayed
    // first does not stand in for the newer.
    expect(checkFlags([f, f], chain, indexWith(), t0).open).toHaveLength(1);
    const older = relay(flag('viewer', { at: iso(-9000), reason: 'the old reason' }));
    const newer = checkFlags([older, f], chain, indexWith(iso(-5000)), t0);
    expect(newer).toMatchObject({ open: [{ reason: 'left the team' }], settled: [], dropped: 0 });
  });
});

describe('the due list', () => {
  it('lists a flagged secret as rotation required, urgent, with the reason and who flagged', () => {
    const open = checkFlags(
      [relay(flag('viewer', { at: iso(-3 * 86_400_000) })), relay(flag('owner'))],
      chain,
      indexWith(),
      t0,
    ).open;
    const vaults = [{ id: vault, name: 'prod', role: 'edit' as const, generation: 1, readable: true }];
    const [e, ...rest] = dueList(indexWith(), vaults, () => undefined, t0, open);
    expect(rest).toEqual([]);
    expect(e).toMatchObject({
      name: 'db',
      vault: 'prod',
      reason: 'rotation-required',
      days: -3,
      canRotate: true,
    });
    expect(e!.flags!.map((f) => f.by)).toEqual(['owner@x.test', 'viewer@x.test']);
    expect(isUrgent(e!)).toBe(true);
    expect(needsAction([e!])).toBe(true);
    expect(describeDue(e!)).toBe('Rotation required: left the team');
    expect(describeFlaggers(e!)).toBe('flagged by owner@x.test and 1 other on 2026-12-03');
    expect(dueList(indexWith(), vaults, () => undefined, t0)).toEqual([]);
  });
});
