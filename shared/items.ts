// Process: shared. What an item is: a type, an ordered list of fields (one of them the primary
// value that Copy and `secret get` take), notes and tags. The templates say which fields each
// type starts with; every item may add custom fields. Values never appear here: this module
// describes the shape the core encrypts, and the shells use it to draw forms and parse flags.

export const ITEM_TYPES = [
  'password',
  'login',
  'api-key',
  'database',
  'ssh-key',
  'certificate',
  'note',
] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

/** `concealed` and `totp` values are hidden until revealed and never cross to a shell unasked;
 *  `text` and `url` are shown with the item. */
export const FIELD_KINDS = ['text', 'concealed', 'url', 'totp'] as const;
export type FieldKind = (typeof FIELD_KINDS)[number];

export interface FieldSpec {
  key: string;
  label: string;
  kind: FieldKind;
}

export interface ItemTemplate {
  label: string;
  fields: readonly FieldSpec[];
  primary: string;
}

const f = (key: string, label: string, kind: FieldKind): FieldSpec => ({ key, label, kind });

/** Stored items that follow a template leave its layout out of their header (item-payload.ts),
 *  so a template is part of the stored format: never change, reorder or extend one. A new
 *  layout is a new type. */
export const ITEM_TEMPLATES: Record<ItemType, ItemTemplate> = {
  password: { label: 'Password', fields: [f('password', 'Password', 'concealed')], primary: 'password' },
  login: {
    label: 'Login',
    fields: [
      f('username', 'Username', 'text'),
      f('password', 'Password', 'concealed'),
      f('url', 'Website', 'url'),
    ],
    primary: 'password',
  },
  'api-key': {
    label: 'API key',
    fields: [f('key', 'API key', 'concealed'), f('key-id', 'Key ID', 'text'), f('url', 'Endpoint', 'url')],
    primary: 'key',
  },
  database: {
    label: 'Database',
    fields: [
      f('host', 'Host', 'text'),
      f('port', 'Port', 'text'),
      f('database', 'Database', 'text'),
      f('username', 'Username', 'text'),
      f('password', 'Password', 'concealed'),
    ],
    primary: 'password',
  },
  'ssh-key': {
    label: 'SSH key',
    fields: [
      f('private-key', 'Private key', 'concealed'),
      f('public-key', 'Public key', 'text'),
      f('passphrase', 'Passphrase', 'concealed'),
    ],
    primary: 'private-key',
  },
  certificate: {
    label: 'Certificate',
    fields: [f('certificate', 'Certificate', 'text'), f('private-key', 'Private key', 'concealed')],
    primary: 'private-key',
  },
  note: { label: 'Secure note', fields: [f('note', 'Note', 'concealed')], primary: 'note' },
};

/** Limits the core enforces on every write, and the IPC schemas repeat. */
export const ITEM_LIMITS = { fields: 64, tags: 32, tagLength: 40, labelLength: 100 } as const;

/** Field keys are what `--field KEY` names: short, no `=` or `:` (the CLI's separators). */
export const FIELD_KEY = /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$/;

export function isItemType(x: unknown): x is ItemType {
  return typeof x === 'string' && (ITEM_TYPES as readonly string[]).includes(x);
}

export function isFieldKind(x: unknown): x is FieldKind {
  return typeof x === 'string' && (FIELD_KINDS as readonly string[]).includes(x);
}

/** Hidden kinds: their values are revealed one at a time, never listed with the item. */
export function isConcealedKind(kind: FieldKind): boolean {
  return kind === 'concealed' || kind === 'totp';
}

/** A field this type's template defines, if any: custom keys get `text` unless told otherwise. */
export function templateField(type: ItemType, key: string): FieldSpec | undefined {
  return ITEM_TEMPLATES[type].fields.find((x) => x.key === key);
}

/** Tags are matched case-insensitively, so they are kept trimmed and lower-case, once each. */
export function normaliseTags(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of tags) {
    const tag = t.trim().toLowerCase();
    if (tag && !out.includes(tag)) out.push(tag);
  }
  return out;
}

/** How a value is generated: characters from chosen sets, or common words. */
export type GeneratorSettings =
  | { mode: 'characters'; length: number; lower: boolean; upper: boolean; digits: boolean; symbols: boolean }
  | { mode: 'words'; words: number; separator: string };

/** The generator's bounds: the IPC schema enforces them and the window's panel offers them. */
export const GENERATOR_LIMITS = {
  length: { min: 8, max: 128 },
  words: { min: 3, max: 20 },
  separatorLength: 3,
} as const;

export const DEFAULT_GENERATOR: GeneratorSettings = {
  mode: 'characters',
  length: 24,
  lower: true,
  upper: true,
  digits: true,
  symbols: true,
};

/** A value the core refuses for one field names that field this way, so a form can show the
 *  problem next to it and the command line still reads a whole sentence. */
export function fieldProblem(key: string, problem: string): string {
  return `field ${JSON.stringify(key)}: ${problem}`;
}

/** The field key and the problem in a message made by fieldProblem, or null for any other. */
export function problemOfField(message: string): { key: string; problem: string } | null {
  const m = /^field "([^"\\]+)": (.+)$/s.exec(message);
  return m ? { key: m[1]!, problem: m[2]! } : null;
}

/** A calendar date as `YYYY-MM-DD` that exists (no 2026-02-30). */
export function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}
