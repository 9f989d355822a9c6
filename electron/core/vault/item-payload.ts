// Process: core (trusted Node side; never imports electron).
// The plaintext inside an item envelope: a small JSON header (name, type, the field layout and
// metadata, which the core indexes), a zero byte, then the body: every field's value as raw
// bytes. Keeping values out of the JSON means they never become JS strings, which could not be
// wiped. The whole item is one envelope, so a server cannot swap one field for another's.
//
// Body layout when the header has a type: for each field in layout order, then the notes if
// `header.notes`, a 4-byte big-endian length and that many bytes. A header leaves `fields` out
// when the layout is exactly its type's template (most items: a smaller header to decrypt and
// parse at unlock). Items written before types existed have neither: their body is the bare
// value of one concealed `password` field.
import type { FieldKind, FieldSpec, GeneratorSettings, ItemType } from '../../../shared/items.ts';
import { ITEM_TEMPLATES, isCalendarDate, isFieldKind, isItemType } from '../../../shared/items.ts';
import { fromUtf8, utf8 } from '../../../shared/encoding.ts';
import { TesseraError } from '../../../shared/errors.ts';
import { wipe } from '../crypto/index.ts';

export interface ItemHeader {
  name: string;
  /** Absent on items from before types: a `password` item. */
  type?: ItemType;
  /** The field layout, values in the body. Absent when it is the type's template. */
  fields?: FieldSpec[];
  /** The key of the field Copy and `secret get` take. */
  primary?: string;
  tags?: string[];
  /** The body ends with one more entry: the notes. */
  notes?: boolean;
  deleted?: boolean;
  /** Set on the copy kept when a push met a conflict: the item it conflicted with. */
  conflictOf?: string;
  rotateEveryDays?: number;
  /** When the primary value last changed (ISO time, from the writer's clock): what rotation
   *  reminders count from. */
  rotatedAt?: string;
  /** A date (YYYY-MM-DD) after which the credential stops working, if it has one. */
  expires?: string;
  /** How the primary value was generated, so Rotate makes the next one the same way. */
  generator?: GeneratorSettings;
  updatedBy?: string;
  /** The vault generation the item's first version was sealed under, kept by every later
   *  version: a key older than that never opened any of it (an offboarding's report). */
  firstGeneration?: number;
}

/** One field with its value. The value belongs to whoever holds the content and is wiped with it. */
export interface FieldValue extends FieldSpec {
  value: Uint8Array;
}

/** An item's values, decrypted. Wipe with `wipeContent` when done. */
export interface ItemContent {
  fields: FieldValue[];
  notes: Uint8Array | null;
}

const LEGACY_FIELD: FieldSpec = { key: 'password', label: 'Password', kind: 'concealed' };

/** The layout an item has, also for items written before types. */
export function layoutOf(h: ItemHeader): { type: ItemType; fields: readonly FieldSpec[]; primary: string } {
  if (!h.type) return { type: 'password', fields: [LEGACY_FIELD], primary: LEGACY_FIELD.key };
  const template = ITEM_TEMPLATES[h.type];
  const fields = h.fields ?? template.fields;
  return { type: h.type, fields, primary: h.primary ?? template.primary };
}

/** The header fields that describe a layout, left out where the template already says it. */
export function layoutHeader(
  type: ItemType,
  fields: readonly FieldSpec[],
  primary: string,
): Pick<ItemHeader, 'type' | 'fields' | 'primary'> {
  const t = ITEM_TEMPLATES[type];
  const sameFields =
    fields.length === t.fields.length &&
    fields.every(
      (x, i) => x.key === t.fields[i]!.key && x.label === t.fields[i]!.label && x.kind === t.fields[i]!.kind,
    );
  return {
    type,
    ...(sameFields ? {} : { fields: fields.map(({ key, label, kind }) => ({ key, label, kind })) }),
    ...(primary === t.primary ? {} : { primary }),
  };
}

export function encodeItem(header: ItemHeader, body: Uint8Array): Uint8Array {
  const head = utf8(JSON.stringify(header));
  const out = new Uint8Array(head.length + 1 + body.length);
  out.set(head, 0);
  out[head.length] = 0;
  out.set(body, head.length + 1);
  return out;
}

/** Frames the values (see the layout above) into one buffer; the caller wipes it. */
export function encodeBody(content: ItemContent): Uint8Array {
  const parts = content.notes
    ? [...content.fields.map((x) => x.value), content.notes]
    : content.fields.map((x) => x.value);
  const out = new Uint8Array(parts.reduce((n, p) => n + 4 + p.length, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const p of parts) {
    view.setUint32(at, p.length);
    out.set(p, at + 4);
    at += 4 + p.length;
  }
  return out;
}

/** Splits a body into the header's fields. Copies every value; does not wipe `body`. */
export function decodeBody(header: ItemHeader, body: Uint8Array): ItemContent {
  const { fields } = layoutOf(header);
  if (!header.type) return { fields: [{ ...fields[0]!, value: body.slice() }], notes: null };
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const values: Uint8Array[] = [];
  let at = 0;
  const count = fields.length + (header.notes ? 1 : 0);
  for (let i = 0; i < count; i++) {
    if (at + 4 > body.length) break;
    const len = view.getUint32(at);
    if (at + 4 + len > body.length) break;
    values.push(body.slice(at + 4, at + 4 + len));
    at += 4 + len;
  }
  if (values.length !== count || at !== body.length) {
    wipe(...values);
    throw new TesseraError('tampered', 'item body does not match its field list');
  }
  return {
    fields: fields.map((spec, i) => ({ ...spec, value: values[i]! })),
    notes: header.notes ? values[count - 1]! : null,
  };
}

export function wipeContent(c: ItemContent | null | undefined): void {
  if (!c) return;
  for (const x of c.fields) wipe(x.value);
  if (c.notes) wipe(c.notes);
}

/** A header's field layout is checked like any input: a writer with the vault key could still
 *  have stored nonsense, and the shells index and draw from it. */
function checkHeader(header: ItemHeader): void {
  if (typeof header?.name !== 'string') throw new TesseraError('tampered', 'item payload has no name');
  if (
    (header.rotatedAt !== undefined && Number.isNaN(Date.parse(header.rotatedAt))) ||
    (header.expires !== undefined &&
      !(typeof header.expires === 'string' && isCalendarDate(header.expires))) ||
    (header.rotateEveryDays !== undefined &&
      !(Number.isInteger(header.rotateEveryDays) && header.rotateEveryDays > 0))
  )
    throw new TesseraError('tampered', 'item payload has malformed rotation dates');
  if (
    header.firstGeneration !== undefined &&
    !(Number.isInteger(header.firstGeneration) && header.firstGeneration > 0)
  )
    throw new TesseraError('tampered', 'item payload has a malformed first generation');
  if (header.type !== undefined && !isItemType(header.type))
    throw new TesseraError('tampered', 'item payload has an unknown type');
  if (header.type === undefined) {
    if (header.fields !== undefined || header.primary !== undefined)
      throw new TesseraError('tampered', 'item payload has fields but no type');
    return;
  }
  const fields = header.fields ?? ITEM_TEMPLATES[header.type].fields;
  const ok =
    Array.isArray(fields) &&
    fields.every(
      (x) => typeof x?.key === 'string' && typeof x.label === 'string' && isFieldKind(x.kind as FieldKind),
    ) &&
    new Set(fields.map((x) => x.key)).size === fields.length &&
    fields.some((x) => x.key === (header.primary ?? ITEM_TEMPLATES[header.type!].primary)) &&
    (header.tags === undefined ||
      (Array.isArray(header.tags) && header.tags.every((t) => typeof t === 'string')));
  if (!ok) throw new TesseraError('tampered', 'item payload has a malformed field list');
}

/** Parses a header alone (the index needs nothing else). Does not wipe. */
export function parseHeader(headerBytes: Uint8Array): ItemHeader {
  let header: ItemHeader;
  try {
    header = JSON.parse(fromUtf8(headerBytes)) as ItemHeader;
  } catch {
    throw new TesseraError('tampered', 'item payload has no readable header');
  }
  checkHeader(header);
  return header;
}

/** Splits a decrypted payload. Zeroes `plain`; the caller owns (and must wipe) `body`. */
export function decodeItem(
  plain: Uint8Array,
  wantBody: boolean,
): { header: ItemHeader; body: Uint8Array | null } {
  try {
    const sep = plain.indexOf(0);
    if (sep < 0) throw new TesseraError('tampered', 'item payload has no header separator');
    const header = parseHeader(plain.subarray(0, sep));
    return { header, body: wantBody ? plain.slice(sep + 1) : null };
  } finally {
    wipe(plain);
  }
}

/** A template's fields with empty values: the start of a new item of that type. */
export function emptyContent(type: ItemType): ItemContent {
  return {
    fields: ITEM_TEMPLATES[type].fields.map((x) => ({ ...x, value: new Uint8Array(0) })),
    notes: null,
  };
}
