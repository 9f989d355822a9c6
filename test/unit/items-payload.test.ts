// Process: test (Vitest, Node).
// The item payload: fields, notes and tags travel in one envelope body whose framing must match
// the header exactly; template layouts are left out of the header; old items still read.
import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../shared/errors.ts';
import { ITEM_TEMPLATES } from '../../shared/items.ts';
import {
  decodeBody,
  decodeItem,
  encodeBody,
  encodeItem,
  layoutHeader,
  layoutOf,
  parseHeader,
} from '../../electron/core/vault/item-payload.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

describe('item payload', () => {
  it('round-trips a login with a custom field and notes', () => {
    const fields = [
      ...ITEM_TEMPLATES.login.fields.map((f) => ({ ...f, value: enc(`${f.key}-value`) })),
      { key: 'recovery', label: 'Recovery code', kind: 'concealed' as const, value: enc('r-1') },
    ];
    const header = { name: 'github', ...layoutHeader('login', fields, 'password'), notes: true };
    const plain = encodeItem(header, encodeBody({ fields, notes: enc('call ops first') }));
    const { header: h, body } = decodeItem(plain, true);
    expect(plain.every((b) => b === 0)).toBe(true); // the decrypted buffer is wiped
    const c = decodeBody(h, body!);
    expect(c.fields.map((f) => [f.key, dec(f.value)])).toEqual([
      ['username', 'username-value'],
      ['password', 'password-value'],
      ['url', 'url-value'],
      ['recovery', 'r-1'],
    ]);
    expect(dec(c.notes!)).toBe('call ops first');
    expect(layoutOf(h).primary).toBe('password');
  });

  it('leaves a template layout out of the header, and writes it when it differs', () => {
    const tpl = ITEM_TEMPLATES.database.fields.map((f) => ({ ...f }));
    expect(layoutHeader('database', tpl, 'password')).toEqual({ type: 'database' });
    const relabelled = tpl.map((f, i) => (i === 0 ? { ...f, label: 'Hostname' } : f));
    expect(layoutHeader('database', relabelled, 'password').fields?.[0]?.label).toBe('Hostname');
    expect(layoutHeader('database', tpl, 'host')).toEqual({ type: 'database', primary: 'host' });
    const h = { name: 'db', type: 'database' as const };
    expect(layoutOf(h).fields.map((f) => f.key)).toEqual([
      'host',
      'port',
      'database',
      'username',
      'password',
    ]);
  });

  it('refuses a body whose framing does not match the field list', () => {
    const header = { name: 'x', type: 'login' as const };
    const body = encodeBody({
      fields: [{ key: 'username', label: 'U', kind: 'text', value: enc('a') }],
      notes: null,
    });
    expect(() => decodeBody(header, body)).toThrow(/does not match its field list/);
    const three = encodeBody({
      fields: ITEM_TEMPLATES.login.fields.map((f) => ({ ...f, value: enc('v') })),
      notes: null,
    });
    const trailing = new Uint8Array(three.length + 1);
    trailing.set(three);
    expect(() => decodeBody(header, trailing)).toThrow(TesseraError);
    expect(() => decodeBody({ ...header, notes: true }, three)).toThrow(/does not match/);
  });

  it('reads an item written before types as one concealed password field', () => {
    const { header, body } = decodeItem(encodeItem({ name: 'old' }, enc('hunter22')), true);
    const c = decodeBody(header, body!);
    expect(layoutOf(header)).toMatchObject({ type: 'password', primary: 'password' });
    expect(c.fields).toHaveLength(1);
    expect(c.fields[0]!.kind).toBe('concealed');
    expect(dec(c.fields[0]!.value)).toBe('hunter22');
  });

  it('refuses malformed headers', () => {
    const bad = [
      { name: 'x', type: 'spaceship' },
      { name: 'x', fields: [{ key: 'a', label: 'A', kind: 'text' }] },
      { name: 'x', type: 'login', primary: 'nope' },
      { name: 'x', type: 'login', fields: [{ key: 'a', label: 'A', kind: 'weird' }], primary: 'a' },
      {
        name: 'x',
        type: 'login',
        fields: [
          { key: 'a', label: 'A', kind: 'text' },
          { key: 'a', label: 'B', kind: 'text' },
        ],
        primary: 'a',
      },
      { name: 'x', type: 'login', tags: 'prod' },
      { type: 'login' },
      { name: 'x', type: 'login', firstGeneration: 0 },
      { name: 'x', type: 'login', firstGeneration: '2' },
    ];
    for (const h of bad)
      expect(() => parseHeader(enc(JSON.stringify(h))), JSON.stringify(h)).toThrow(TesseraError);
  });
});
