// Process: test (Vitest, Node).
// The item editor's patch: an edit names only what changed, so a field the window never saw
// (a stored concealed value) or never touched is never sent, and nothing is dropped.
import { describe, expect, it } from 'vitest';
import {
  customField,
  formFromItem,
  newForm,
  problems,
  switchType,
  toPatch,
} from '../../renderer/screens/secrets/item/itemForm.ts';
import type { ItemView } from '../../shared/ipc-results.ts';

const stored: ItemView = {
  id: 'i1',
  vault: 'prod',
  vaultId: 'v1',
  name: 'db',
  type: 'database',
  primary: 'password',
  version: 3,
  pending: false,
  fields: [
    { key: 'host', label: 'Host', kind: 'text', value: 'db.acme', empty: false },
    { key: 'port', label: 'Port', kind: 'text', value: '', empty: true },
    { key: 'database', label: 'Database', kind: 'text', value: '', empty: true },
    { key: 'username', label: 'Username', kind: 'text', value: 'ops', empty: false },
    { key: 'password', label: 'Password', kind: 'concealed', value: null, empty: false },
    { key: 'otp', label: 'Admin 2FA', kind: 'totp', value: null, empty: false },
  ],
  notes: 'eu-west',
  tags: ['prod', 'db'],
  rotateEveryDays: 90,
  expires: '2031-01-31',
  updatedBy: 'a@x',
};

describe('the item form', () => {
  const initial = formFromItem(stored);

  it('an untouched edit sends nothing but the ref; a notes edit only the notes', () => {
    expect(toPatch('prod/db', initial, initial).args).toEqual({ ref: 'prod/db' });
    expect(toPatch('prod/db', { ...initial, notes: 'eu-central' }, initial).args).toEqual({
      ref: 'prod/db',
      notes: 'eu-central',
    });
    expect(toPatch('prod/db', { ...initial, notes: '  ', rotate: '', expires: '' }, initial).args).toEqual({
      ref: 'prod/db',
      notes: null,
      rotateEveryDays: null,
      expires: null,
    });
  });

  it('sends a typed value, a cleared text value, a removal, a new field and the generator', () => {
    const g = { mode: 'words', words: 5, separator: '.' } as const;
    const added = { ...customField('url'), label: 'Console', value: 'https://c.acme' };
    const form = {
      ...initial,
      fields: [
        ...initial.fields
          .filter((f) => f.key !== 'database')
          .map((f) =>
            f.key === 'host'
              ? { ...f, value: '' }
              : f.key === 'password'
                ? { ...f, value: 'a.b.c.d.e', generated: g }
                : f,
          ),
        added,
      ],
      tags: 'Prod, DB, new',
    };
    const { args, keys } = toPatch('prod/db', form, initial);
    expect(args).toEqual({
      ref: 'prod/db',
      fields: [
        { key: 'database', remove: true },
        { key: 'host', value: '' },
        { key: 'password', value: 'a.b.c.d.e' },
        { key: 'console', label: 'Console', kind: 'url', value: 'https://c.acme' },
      ],
      generator: g,
      tags: ['prod', 'db', 'new'],
    });
    expect(keys.get(added.id)).toBe('console');
  });

  it('a new item sends its type, primary and what was typed; an empty primary is refused first', () => {
    const form = newForm('login');
    expect(problems(form, '', false)).toEqual({
      name: 'Give the secret a name.',
      password: 'Enter a value or generate one.',
    });
    const typed = {
      ...form,
      fields: form.fields.map((f) => (f.key === 'password' ? { ...f, value: 'pw' } : f)),
    };
    expect(toPatch('prod/gh', typed, null).args).toEqual({
      ref: 'prod/gh',
      type: 'login',
      fields: [{ key: 'password', value: 'pw' }],
      primary: 'password',
    });
  });

  it('names a missing or taken label on that field', () => {
    const a = { ...customField('text'), label: 'host ' };
    const b = customField('concealed');
    expect(problems({ ...initial, fields: [...initial.fields, a, b] }, 'db', true)).toEqual({
      [`label:${a.id}`]: 'Another field is already called "host".',
      [`label:${b.id}`]: 'Give this field a label.',
    });
  });

  it('switching a stored item to a type and back leaves no empty field behind', () => {
    const keys = new Set(stored.fields.map((f) => f.key));
    const login = switchType(initial, 'login', keys);
    expect(login.fields.map((f) => f.key)).toEqual([
      'host',
      'port',
      'database',
      'username',
      'password',
      'otp',
      'url',
    ]);
    expect(switchType(login, 'database', keys).fields.map((f) => f.key)).toEqual(
      initial.fields.map((f) => f.key),
    );
  });
});
