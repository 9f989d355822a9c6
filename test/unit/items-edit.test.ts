// Process: test (Vitest, Node).
// An edit is a patch on the previous version: named fields change, everything else is kept.
import { describe, expect, it } from 'vitest';
import { applyEdit } from '../../electron/core/service/item-edit.ts';
import { layoutOf } from '../../electron/core/vault/item-payload.ts';
import { problemOfField } from '../../shared/items.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const values = (c: { fields: { key: string; value: Uint8Array }[] }) =>
  Object.fromEntries(c.fields.map((f) => [f.key, dec(f.value)]));

describe('applyEdit', () => {
  const first = applyEdit(
    undefined,
    'github',
    {
      type: 'login',
      primaryValue: enc('pw-1'),
      fields: [
        { key: 'username', value: enc('bob') },
        { key: 'otp', kind: 'totp', label: 'One-time code', value: enc('JBSWY3DPEHPK3PXP') },
      ],
      tags: [' Prod ', 'prod', 'CI'],
      rotateEveryDays: 30,
    },
    'bob@x.test',
  );

  it('builds a new item from its template plus custom fields', () => {
    expect(values(first.content)).toEqual({
      username: 'bob',
      password: 'pw-1',
      url: '',
      otp: 'JBSWY3DPEHPK3PXP',
    });
    expect(first.header).toMatchObject({
      name: 'github',
      type: 'login',
      tags: ['prod', 'ci'],
      rotateEveryDays: 30,
    });
    expect(first.header.fields?.map((f) => f.kind)).toEqual(['text', 'concealed', 'url', 'totp']);
  });

  it('keeps the fields, notes, tags and interval an edit does not name', () => {
    const next = applyEdit(
      first,
      'github',
      { fields: [{ key: 'url', value: enc('https://github.com') }] },
      'al@x.test',
    );
    expect(values(next.content)).toMatchObject({
      username: 'bob',
      password: 'pw-1',
      url: 'https://github.com',
    });
    expect(next.header).toMatchObject({ tags: ['prod', 'ci'], rotateEveryDays: 30, updatedBy: 'al@x.test' });
    const cleared = applyEdit(next, 'github', { rotateEveryDays: null, notes: enc('n') }, 'al@x.test');
    expect(cleared.header.rotateEveryDays).toBeUndefined();
    expect(dec(cleared.content.notes!)).toBe('n');
    expect(applyEdit(cleared, 'github', { notes: null }, 'a').content.notes).toBeNull();
  });

  it('removes a field but never the primary one, and moves the primary on request', () => {
    const removed = applyEdit(first, 'github', { fields: [{ key: 'otp', remove: true }] }, 'a');
    expect(Object.keys(values(removed.content))).toEqual(['username', 'password', 'url']);
    expect(() => applyEdit(first, 'github', { fields: [{ key: 'password', remove: true }] }, 'a')).toThrow(
      /primary field/,
    );
    const moved = applyEdit(first, 'github', { primary: 'username' }, 'a');
    expect(layoutOf(moved.header).primary).toBe('username');
    expect(() => applyEdit(first, 'github', { primary: 'nope' }, 'a')).toThrow(/no field "nope"/);
    expect(() => applyEdit(first, 'github', { fields: [{ key: 'nope', remove: true }] }, 'a')).toThrow(
      /no field/,
    );
  });

  it('changes type by adding the new template’s fields, dropping none', () => {
    const db = applyEdit(first, 'github', { type: 'database' }, 'a');
    expect(Object.keys(values(db.content))).toEqual([
      'username',
      'password',
      'url',
      'otp',
      'host',
      'port',
      'database',
    ]);
    expect(layoutOf(db.header).type).toBe('database');
  });

  it('refuses a new secret without a primary value, and bad field names', () => {
    expect(() => applyEdit(undefined, 'x', { type: 'login' }, 'a')).toThrow(/needs a value for its password/);
    expect(() =>
      applyEdit(undefined, 'x', { primaryValue: enc('v'), fields: [{ key: 'a=b', value: enc('1') }] }, 'a'),
    ).toThrow(/field name/);
    expect(() =>
      applyEdit(
        undefined,
        'x',
        { primaryValue: enc('v'), tags: Array.from({ length: 40 }, (_, i) => `t${i}`) },
        'a',
      ),
    ).toThrow(/at most 32 tags/);
  });

  it('refuses a bad TOTP seed or URL when written, naming the field, and keeps old values readable', () => {
    const set = (key: string, kind: 'totp' | 'url', value: string) => () =>
      applyEdit(first, 'github', { fields: [{ key, kind, value: enc(value) }] }, 'a');
    expect(set('otp', 'totp', 'not base32!')).toThrow(
      'field "otp": the TOTP seed is not base32 (letters A-Z and digits 2-7)',
    );
    expect(set('otp2', 'totp', 'otpauth://totp/x?digits=6')).toThrow(/^field "otp2": the otpauth URI/);
    expect(set('url', 'url', 'not a url')).toThrow(/^field "url": not a web address/);
    expect(problemOfField('field "otp": the TOTP seed is empty')).toEqual({
      key: 'otp',
      problem: 'the TOTP seed is empty',
    });
    for (const ok of ['https://github.com', 'db.acme.example:5432', 'postgres://db/x', ''])
      expect(set('url', 'url', ok)).not.toThrow();
    expect(set('otp', 'totp', 'jbsw y3dp-ehpk 3pxp')).not.toThrow();
    // An edit that leaves the field alone does not trip over what it already holds.
    const unchecked = {
      ...first,
      content: {
        ...first.content,
        fields: first.content.fields.map((f) => (f.key === 'url' ? { ...f, value: enc('a b') } : f)),
      },
    };
    expect(() => applyEdit(unchecked, 'github', { notes: enc('n') }, 'a')).not.toThrow();
  });

  it('records generator settings only with the new primary value they made', () => {
    const g = { mode: 'words', words: 5, separator: '.' } as const;
    expect(applyEdit(first, 'github', { generator: g }, 'a').header.generator).toBeUndefined();
    const made = applyEdit(first, 'github', { primaryValue: enc('a.b.c.d.e'), generator: g }, 'a');
    expect(made.header.generator).toEqual(g);
    expect(applyEdit(made, 'github', { notes: enc('n') }, 'a').header.generator).toEqual(g);
  });

  it('leaves the caller’s buffers alone and hands back copies', () => {
    const value = enc('pw-2');
    const next = applyEdit(first, 'github', { primaryValue: value }, 'a');
    const pw = next.content.fields.find((f) => f.key === 'password')!.value;
    expect(pw).not.toBe(value);
    value.fill(0);
    expect(dec(pw)).toBe('pw-2');
  });
});
