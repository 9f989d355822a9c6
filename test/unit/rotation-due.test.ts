// Process: test (Vitest, Node).
// Rotation reminders with an injected clock: "rotated" means the primary value changed, and the
// due list is read from headers alone.
import { describe, expect, it } from 'vitest';
import { applyEdit } from '../../electron/core/service/item-edit.ts';
import { dueList, needsAction } from '../../electron/core/service/rotation.ts';
import type { IndexedItem } from '../../electron/core/vault/index.ts';
import type { ItemHeader } from '../../electron/core/vault/item-payload.ts';
import { describeInterval } from '../../shared/due-words.ts';
import { decodeVaultLabel, encodeVaultLabel } from '../../shared/vault-label.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const day = 86_400_000;
const t0 = new Date('2026-12-01T12:00:00Z');
const at = (days: number) => new Date(t0.getTime() + days * day);
const vaults = [{ id: 'v1', name: 'prod', role: 'edit' as const, generation: 1, readable: true }];

function indexOf(headers: Record<string, ItemHeader>): Map<string, IndexedItem> {
  return new Map(
    Object.entries(headers).map(([id, header]) => [
      id,
      { id, vault: 'v1', version: 1, header, pending: false },
    ]),
  );
}

describe('rotatedAt', () => {
  const first = applyEdit(undefined, 'db', { primaryValue: enc('a'), rotateEveryDays: 30 }, 'x', t0);

  it('is stamped on a new secret and when the primary value changes, not on other edits', () => {
    expect(first.header.rotatedAt).toBe(t0.toISOString());
    const tagged = applyEdit(
      first,
      'db',
      { tags: ['prod'], fields: [{ key: 'note2', value: enc('n') }] },
      'x',
      at(5),
    );
    expect(tagged.header.rotatedAt).toBe(t0.toISOString());
    const same = applyEdit(first, 'db', { primaryValue: enc('a') }, 'x', at(6));
    expect(same.header.rotatedAt).toBe(t0.toISOString());
    const rotated = applyEdit(first, 'db', { primaryValue: enc('b') }, 'x', at(7));
    expect(rotated.header.rotatedAt).toBe(at(7).toISOString());
  });

  it('keeps an expiry date and the generator settings across edits, and checks the date', () => {
    const g = { mode: 'words' as const, words: 5, separator: '-' };
    // Settings are recorded with the value they made, never on an edit that keeps the value.
    expect(applyEdit(first, 'db', { generator: g }, 'x', at(1)).header.generator).toBeUndefined();
    const withExp = applyEdit(
      first,
      'db',
      { expires: '2027-03-31', primaryValue: enc('b'), generator: g },
      'x',
      at(1),
    );
    const later = applyEdit(withExp, 'db', { notes: enc('n') }, 'x', at(2));
    expect(later.header).toMatchObject({ expires: '2027-03-31', generator: g });
    expect(applyEdit(later, 'db', { expires: null }, 'x', at(3)).header.expires).toBeUndefined();
    expect(() => applyEdit(first, 'db', { expires: '2027-02-30' }, 'x', at(1))).toThrow(/YYYY-MM-DD/);
  });
});

describe('dueList', () => {
  const h = (extra: Partial<ItemHeader>): ItemHeader => ({ name: 'n', type: 'password', ...extra });
  const index = indexOf({
    a: h({ name: 'overdue', rotateEveryDays: 30, rotatedAt: at(-31).toISOString() }),
    b: h({ name: 'soon', rotateEveryDays: 30, rotatedAt: at(-25).toISOString() }),
    c: h({ name: 'fine', rotateEveryDays: 30, rotatedAt: at(-1).toISOString() }),
    d: h({ name: 'no-interval' }),
    e: h({ name: 'expired', expires: '2026-11-30' }),
    f: h({ name: 'expiring', expires: '2026-12-05' }),
    g: h({ name: 'old-item', rotateEveryDays: 10 }),
    x: h({ name: 'gone', rotateEveryDays: 1, rotatedAt: at(-9).toISOString(), deleted: true }),
  });
  const serverTime = (id: string) => (id === 'g' ? at(-12).toISOString() : undefined);

  it('lists overdue and expired first, most overdue first, then what is due within seven days', () => {
    const list = dueList(index, vaults, serverTime, t0);
    expect(list.map((e) => [e.name, e.reason, e.days])).toEqual([
      ['old-item', 'overdue', -2],
      ['expired', 'expired', -1],
      ['overdue', 'overdue', -1],
      ['expiring', 'expires-soon', 3],
      ['soon', 'due-soon', 5],
    ]);
    expect(needsAction(list)).toBe(true);
    expect(list.every((e) => e.vault === 'prod')).toBe(true);
  });

  it('moves with the clock: nothing is due before, everything after', () => {
    expect(dueList(index, vaults, serverTime, at(-40)).map((e) => e.name)).toEqual([]);
    const far = dueList(index, vaults, serverTime, at(400));
    expect(far.map((e) => e.name).sort()).toEqual([
      'expired',
      'expiring',
      'fine',
      'old-item',
      'overdue',
      'soon',
    ]);
    expect(needsAction(dueList(indexOf({ b: index.get('b')!.header }), vaults, serverTime, t0))).toBe(false);
  });

  it('ignores vaults this user does not read, and offers Rotate only to writers', () => {
    expect(dueList(index, [], serverTime, t0)).toEqual([]);
    expect(dueList(index, vaults, serverTime, t0).every((e) => e.canRotate)).toBe(true);
    const viewer = [{ ...vaults[0]!, role: 'view' as const }];
    expect(dueList(index, viewer, serverTime, t0).some((e) => e.canRotate)).toBe(false);
  });
});

describe("a vault's default interval", () => {
  const h = (extra: Partial<ItemHeader>): ItemHeader => ({ name: 'n', type: 'password', ...extra });
  const index = indexOf({
    a: h({ name: 'inherits', rotatedAt: at(-25).toISOString() }),
    b: h({ name: 'own-wins', rotateEveryDays: 365, rotatedAt: at(-25).toISOString() }),
    c: h({ name: 'inherits-overdue', rotatedAt: at(-31).toISOString() }),
  });
  const withDefault = [{ ...vaults[0]!, rotateEveryDays: 30 }];

  it('makes secrets without an interval of their own due, and says whose interval it is', () => {
    const list = dueList(index, withDefault, () => undefined, t0);
    expect(list.map((e) => [e.name, e.reason, e.rotateEveryDays, e.intervalFromVault])).toEqual([
      ['inherits-overdue', 'overdue', 30, true],
      ['inherits', 'due-soon', 30, true],
    ]);
    expect(describeInterval(list[0]!)).toBe("every 30 days, the vault's default");
  });

  it("never overrides a secret's own interval, and without it nothing inherits", () => {
    const far = dueList(index, withDefault, () => undefined, at(400));
    const own = far.find((e) => e.name === 'own-wins')!;
    expect(own.rotateEveryDays).toBe(365);
    expect(own.intervalFromVault).toBeUndefined();
    expect(describeInterval(own)).toBe('every 365 days');
    expect(dueList(index, vaults, () => undefined, t0)).toEqual([]);
  });
});

describe('the vault label (name envelope plaintext)', () => {
  it('is the bare UTF-8 name without settings, so older vaults read as they always did', () => {
    expect(new TextDecoder().decode(encodeVaultLabel({ name: 'prod' }))).toBe('prod');
    expect(decodeVaultLabel(enc('prod'))).toEqual({ name: 'prod' });
  });

  it('round-trips the default interval and refuses what it cannot carry', () => {
    const l = { name: 'prod ✓', rotateEveryDays: 90 };
    expect(decodeVaultLabel(encodeVaultLabel(l))).toEqual(l);
    expect(() => encodeVaultLabel({ name: 'a\0b' })).toThrow(/NUL/);
    expect(() => encodeVaultLabel({ name: 'a', rotateEveryDays: 0 })).toThrow(/1 to 3650/);
    expect(() => encodeVaultLabel({ name: 'a', rotateEveryDays: 1.5 })).toThrow(/1 to 3650/);
  });

  it('keeps the name when the settings are unreadable or out of range', () => {
    expect(decodeVaultLabel(enc('prod\0{not json'))).toEqual({ name: 'prod' });
    expect(decodeVaultLabel(enc('prod\0{"rotateEveryDays":99999}'))).toEqual({ name: 'prod' });
    expect(decodeVaultLabel(enc('prod\0{"rotateEveryDays":"30"}'))).toEqual({ name: 'prod' });
  });
});
