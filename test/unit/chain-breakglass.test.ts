// Process: test (plain Node, vitest).
// Break-glass links against every author role (docs/design.md "Break-glass"), and what the
// derived state makes of them: a marked vault has no standing readers but owners, a grant
// needs the policy met by signed links and times, and a closed or expired session leaves
// the vault re-key pending. Expected answers are written out here, not read from shared/roles.ts.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { sessionRekeyPending, sessionStatus } from '../../shared/chain/breakglass.ts';
import type { LinkType } from '../../shared/chain/links.ts';
import { readersOf, rekeyPending, type TeamState } from '../../shared/chain/state.ts';
import { ChainError, extendChain } from '../../shared/chain/verify.ts';
import { chainCrypto } from '../../electron/core/crypto/chain.ts';
import { initSodium } from '../../electron/core/crypto/sodium.ts';
import { type Actor, actor, Chain, fakeKeyHash } from '../helpers/chain.ts';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const MIN = 60_000;
let c: Chain;
let marked: TeamState;
const p: Record<string, Actor> = {};
let W: string;
let R: string; // a request by member N, pending on W (2-of-n approvals)

function fork(from: TeamState) {
  const f = new Chain(p.O1!);
  f.links.push(...c.links.slice(1));
  f.state = from;
  return f;
}

function tryOn(s: TeamState, who: Actor, type: LinkType, body: Record<string, unknown>): ChainError | null {
  const f = fork(s);
  try {
    f.add(who, type, body);
    return null;
  } catch (e) {
    if (e instanceof ChainError) return e;
    throw e;
  }
}

beforeAll(async () => {
  await initSodium();
  for (const n of ['O1', 'O2', 'A', 'A2', 'M', 'V', 'N', 'X']) p[n] = actor(n.toLowerCase());
  c = new Chain(p.O1!);
  c.join(p.O1!, p.O2!, 'owner').join(p.O1!, p.A!, 'admin').join(p.O1!, p.A2!, 'admin');
  for (const n of ['M', 'V', 'N', 'X']) c.join(p.A!, p[n]!, 'member');
  c.add(p.A!, 'member.remove', { user: p.X!.id, reason: 'removed' });
  W = c.createVault(p.M!);
  c.add(p.M!, 'vault.grant', { vault: W, principal: { kind: 'user', id: p.V!.id }, role: 'view' });
  c.add(p.M!, 'key.deliver', { vault: W, generation: 1, user: p.V!.id, keyHash: fakeKeyHash(p.V!.id) });
  c.add(p.M!, 'vault.breakglass', {
    vault: W,
    label: 'production root',
    policy: { kind: 'approval', approvals: 2 },
    windowMinutes: 60,
  });
  marked = c.state;
  R = randomUUID();
  c.add(p.N!, 'breakglass.request', { vault: W, request: R, reason: 'db down', minutes: 30, at: T0 });
});

describe('marking a vault break-glass', () => {
  it('leaves owners as the only readers and the old key holders re-key pending', () => {
    const v = marked.vaults.get(W)!;
    expect(readersOf(marked, v)).toEqual([p.O1!.id, p.O2!.id].sort());
    expect(rekeyPending(marked, v)).toBe(true);
  });
  const policy = { label: 'x', policy: { kind: 'immediate' }, windowMinutes: 60 };
  const manageOf = { owner: 'O1', manage: 'M', view: 'V', admin: 'A', none: 'N' } as const;
  for (const [role, who] of Object.entries(manageOf)) {
    const allowed = role === 'owner' || role === 'manage';
    it(`${role} ${allowed ? 'may' : 'may not'} append vault.breakglass on an unmarked vault`, () => {
      // On the state before the mark, where M still manages W.
      const err = tryOn(stateBeforeMark(), p[who]!, 'vault.breakglass', { vault: W, ...policy });
      if (allowed) expect(err).toBeNull();
      else expect(err?.message).toMatch(/does not manage/);
    });
  }
  it('a body with an unknown policy or field is refused', () => {
    expect(
      tryOn(marked, p.O1!, 'vault.breakglass', {
        vault: W,
        label: 'x',
        policy: { kind: 'never' },
        windowMinutes: 5,
      })?.message,
    ).toMatch(/malformed/);
    expect(tryOn(marked, p.O1!, 'vault.breakglass', { vault: W, ...policy, extra: 1 })?.message).toMatch(
      /malformed/,
    );
  });
});

/** The state just before the mark: replay every link up to it. */
function stateBeforeMark(): TeamState {
  const i = c.links.findIndex((l) => l.type === 'vault.breakglass');
  const f = new Chain(p.O1!);
  return extendChain(chainCrypto, f.state, c.links.slice(1, i));
}

describe('team role x break-glass link type', () => {
  const authors = { owner: 'O2', admin: 'A', member: 'V', removed: 'X' } as const;
  const body = (type: LinkType): Record<string, unknown> => {
    if (type === 'breakglass.request')
      return { vault: W, request: randomUUID(), reason: 'pager', minutes: 10, at: T0 };
    return { vault: W, request: R, at: T0 + MIN };
  };
  const expected: Record<string, [boolean, boolean, boolean]> = {
    // An owner reads the vault already, so asks for nothing.
    'breakglass.request': [false, true, true],
    'breakglass.approve': [true, true, false],
    'breakglass.deny': [true, true, false],
    'breakglass.close': [true, true, false],
  };
  for (const [type, allowed] of Object.entries(expected)) {
    (['owner', 'admin', 'member', 'removed'] as const).forEach((role, i) => {
      const ok = role === 'removed' ? false : allowed[i as 0 | 1 | 2];
      it(`${role} ${ok ? 'may' : 'may not'} append ${type}`, () => {
        const err = tryOn(c.state, p[authors[role]]!, type as LinkType, body(type as LinkType));
        if (ok) expect(err).toBeNull();
        else expect(err?.message).toMatch(/may not|is not a member/);
      });
    });
  }
  it('the requester may close their own request; nobody approves or denies their own', () => {
    expect(tryOn(c.state, p.N!, 'breakglass.close', { vault: W, request: R, at: T0 })).toBeNull();
    expect(tryOn(c.state, p.N!, 'breakglass.approve', { vault: W, request: R, at: T0 })?.message).toMatch(
      /may not approve/,
    );
    const byAdmin = fork(c.state);
    const r2 = randomUUID();
    byAdmin.add(p.A!, 'breakglass.request', { vault: W, request: r2, reason: 'x', minutes: 5, at: T0 });
    expect(
      tryOn(byAdmin.state, p.A!, 'breakglass.approve', { vault: W, request: r2, at: T0 })?.message,
    ).toMatch(/their own request/);
  });
  for (const [role, who, ok] of [
    ['owner (key holder)', 'O1', true],
    ['admin', 'A', false],
    ['member', 'V', false],
  ] as const) {
    it(`${role} ${ok ? 'may' : 'may not'} append breakglass.key once granted`, () => {
      const f = fork(c.state);
      f.add(p.A!, 'breakglass.approve', { vault: W, request: R, at: T0 + MIN });
      f.add(p.O2!, 'breakglass.approve', { vault: W, request: R, at: T0 + MIN });
      const err = tryOn(f.state, p[who]!, 'breakglass.key', {
        vault: W,
        request: R,
        at: T0 + 2 * MIN,
        generation: f.state.vaults.get(W)!.generation,
        keyHash: fakeKeyHash(p.N!.id, 9),
        items: [],
      });
      if (ok) expect(err).toBeNull();
      else expect(err?.message).toMatch(/does not manage/);
    });
  }
});

describe('grants judged from signed links and times', () => {
  const key = (s: TeamState, at: number) => ({
    vault: W,
    request: R,
    at,
    generation: s.vaults.get(W)!.generation,
    keyHash: fakeKeyHash(p.N!.id, 9),
    items: [],
  });
  it('k-of-n: a key before the k-th approval is refused, after it accepted', () => {
    const f = fork(c.state);
    f.add(p.A!, 'breakglass.approve', { vault: W, request: R, at: T0 + MIN });
    expect(tryOn(f.state, p.O1!, 'breakglass.key', key(f.state, T0 + MIN))?.message).toMatch(/not granted/);
    expect(
      tryOn(f.state, p.A!, 'breakglass.approve', { vault: W, request: R, at: T0 + MIN })?.message,
    ).toMatch(/approved request .* already/);
    f.add(p.A2!, 'breakglass.approve', { vault: W, request: R, at: T0 + MIN });
    f.add(p.O1!, 'breakglass.key', key(f.state, T0 + 2 * MIN));
    const v = f.state.vaults.get(W)!;
    const s = v.sessions!.find((x) => x.request === R)!;
    expect(sessionStatus(v, s, T0 + MIN)).toBe('granted');
    expect(sessionStatus(v, s, T0 + 2 * MIN)).toBe('open');
    expect(sessionStatus(v, s, T0 + 32 * MIN)).toBe('expired');
    // (M and V still hold the pre-mark key, so the vault is re-key pending for that anyway.)
    expect(sessionRekeyPending(v, T0 + 3 * MIN)).toBe(false);
    expect(sessionRekeyPending(v, T0 + 32 * MIN)).toBe(true);
    f.add(p.N!, 'breakglass.close', { vault: W, request: R, at: T0 + 5 * MIN });
    expect(rekeyPending(f.state, f.state.vaults.get(W)!)).toBe(true);
  });
  it('a denied request can never be granted', () => {
    const f = fork(c.state);
    f.add(p.O2!, 'breakglass.deny', { vault: W, request: R, at: T0 + MIN });
    expect(
      tryOn(f.state, p.A!, 'breakglass.approve', { vault: W, request: R, at: T0 + MIN })?.message,
    ).toMatch(/is over/);
    expect(tryOn(f.state, p.O1!, 'breakglass.key', key(f.state, T0 + MIN))?.message).toMatch(/not granted/);
  });
  it('delay: granted only once the signed time passes the delay, unless denied', () => {
    const f = fork(c.state);
    f.add(p.O1!, 'vault.breakglass', {
      vault: W,
      label: 'x',
      policy: { kind: 'delay', minutes: 15 },
      windowMinutes: 60,
    });
    const r = randomUUID();
    f.add(p.N!, 'breakglass.request', { vault: W, request: r, reason: 'x', minutes: 20, at: T0 });
    const k = (at: number) => ({ ...key(f.state, at), request: r });
    expect(tryOn(f.state, p.O1!, 'breakglass.key', k(T0 + 14 * MIN))?.message).toMatch(/not granted/);
    expect(tryOn(f.state, p.O1!, 'breakglass.key', k(T0 + 15 * MIN))).toBeNull();
    expect(tryOn(f.state, p.A!, 'breakglass.approve', { vault: W, request: r, at: T0 })?.message).toMatch(
      /does not take approvals/,
    );
  });
  it('immediate: a key holder may seal at once; a key dated before the request is refused', () => {
    const f = fork(c.state);
    f.add(p.O1!, 'vault.breakglass', {
      vault: W,
      label: 'x',
      policy: { kind: 'immediate' },
      windowMinutes: 60,
    });
    const r = randomUUID();
    f.add(p.N!, 'breakglass.request', { vault: W, request: r, reason: 'x', minutes: 20, at: T0 });
    expect(tryOn(f.state, p.O1!, 'breakglass.key', { ...key(f.state, T0), request: r })).toBeNull();
    expect(tryOn(f.state, p.O1!, 'breakglass.key', { ...key(f.state, T0 - 1), request: r })?.message).toMatch(
      /dated before/,
    );
  });
  it('the key link carries the sealer’s item manifest, sorted and each item once', () => {
    const f = fork(c.state);
    f.add(p.O1!, 'vault.breakglass', {
      vault: W,
      label: 'x',
      policy: { kind: 'immediate' },
      windowMinutes: 60,
    });
    const r = randomUUID();
    f.add(p.N!, 'breakglass.request', { vault: W, request: r, reason: 'x', minutes: 20, at: T0 });
    const [a, b] = [randomUUID(), randomUUID()].sort();
    const k = (items: unknown) => ({ ...key(f.state, T0), request: r, items });
    expect(
      tryOn(
        f.state,
        p.O1!,
        'breakglass.key',
        k([
          [b, 1, false],
          [a, 2, true],
        ]),
      )?.message,
    ).toMatch(/sorted/);
    expect(
      tryOn(
        f.state,
        p.O1!,
        'breakglass.key',
        k([
          [a, 1, false],
          [a, 2, false],
        ]),
      )?.message,
    ).toMatch(/sorted/);
    const { items: _, ...without } = k([]);
    expect(tryOn(f.state, p.O1!, 'breakglass.key', without)?.message).toMatch(/malformed/);
    f.add(
      p.O1!,
      'breakglass.key',
      k([
        [a, 2, true],
        [b, 1, false],
      ]),
    );
    const s = f.state.vaults.get(W)!.sessions!.find((x) => x.request === r)!;
    expect(s.key?.items).toEqual([
      [a, 2, true],
      [b, 1, false],
    ]);
  });
  it('a request longer than the policy window, or on an unmarked vault, is refused', () => {
    expect(
      tryOn(c.state, p.N!, 'breakglass.request', {
        vault: W,
        request: randomUUID(),
        reason: 'x',
        minutes: 61,
        at: T0,
      })?.message,
    ).toMatch(/at most 60 minutes/);
    const f = fork(c.state);
    const U = f.createVault(p.M!);
    expect(
      tryOn(f.state, p.N!, 'breakglass.request', {
        vault: U,
        request: randomUUID(),
        reason: 'x',
        minutes: 5,
        at: T0,
      })?.message,
    ).toMatch(/not a break-glass vault/);
  });
});
