// Process: core (trusted Node side; never imports electron).
// How an edit becomes the next version of an item. An edit is a patch: fields it names change,
// the rest keep their values, so a window that only changed a username never has to send (or
// even reveal) the password. Metadata works the same way: a new value does not drop a rotation
// interval or tags. Every check on the shape of an item happens here, once, for both shells.
import { TesseraError } from '../../../shared/errors.ts';
import { fromUtf8 } from '../../../shared/encoding.ts';
import {
  FIELD_KEY,
  type FieldKind,
  fieldProblem,
  type GeneratorSettings,
  isCalendarDate,
  ITEM_LIMITS,
  ITEM_TEMPLATES,
  type ItemType,
  normaliseTags,
  templateField,
} from '../../../shared/items.ts';
import { wipe } from '../crypto/index.ts';
import { checkTotpSeed } from '../vault/totp.ts';
import {
  emptyContent,
  type ItemContent,
  type ItemHeader,
  layoutHeader,
  layoutOf,
} from '../vault/item-payload.ts';

export interface FieldEdit {
  key: string;
  label?: string;
  kind?: FieldKind;
  /** The new value. Owned by the caller, who wipes it; the edit copies what it keeps. */
  value?: Uint8Array;
  remove?: boolean;
}

/** What a write may change. Anything left out keeps what the item had. */
export interface ItemEdit {
  /** Only on a new item, or to turn an item into another type (its template's missing fields
   *  are added empty; no field is dropped). */
  type?: ItemType;
  fields?: FieldEdit[];
  /** The primary field's new value (what `--value-stdin`, `--generate` and Rotate set). */
  primaryValue?: Uint8Array;
  /** Which field is the primary one. */
  primary?: string;
  /** `null` clears the notes. */
  notes?: Uint8Array | null;
  tags?: string[];
  /** `null` clears the interval. */
  rotateEveryDays?: number | null;
  /** `YYYY-MM-DD`; `null` clears it. */
  expires?: string | null;
  /** Record how the new primary value was generated (Rotate repeats it). */
  generator?: GeneratorSettings;
  deleted?: boolean;
  conflictOf?: string;
}

const usage = (m: string) => new TesseraError('usage', m);

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

function checkKey(key: string): void {
  if (!FIELD_KEY.test(key))
    throw usage(
      `a field name is 1 to 64 letters, digits, spaces, "_", "." or "-", starting with a letter or digit (got ${JSON.stringify(key.slice(0, 70))})`,
    );
}

/** A URL field holds an address a browser or client could open: with or without a scheme
 *  (people paste "db.acme.example:5432"), never with spaces, and with a host. */
function isAddress(text: string): boolean {
  if (/\s/.test(text)) return false;
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
    return url.hostname.length > 0;
  } catch {
    return false;
  }
}

/** Checks a value being written into a URL or TOTP field, naming the field when it refuses. */
function checkValue(field: { key: string; kind: FieldKind; value: Uint8Array }): void {
  if (field.value.length === 0) return;
  if (field.kind === 'url' && !isAddress(fromUtf8(field.value).trim()))
    throw usage(fieldProblem(field.key, 'not a web address (like https://example.com or host:port)'));
  if (field.kind === 'totp') {
    try {
      checkTotpSeed(field.value);
    } catch (e) {
      if (e instanceof TesseraError) throw usage(fieldProblem(field.key, e.message));
      throw e;
    }
  }
}

/**
 * Applies `edit` to the previous version (or to an empty item of the edit's type). Returns the
 * new header and content; the content's values are fresh copies the caller must wipe.
 */
export function applyEdit(
  previous: { header: ItemHeader; content: ItemContent } | undefined,
  name: string,
  edit: ItemEdit,
  author: string,
  now: Date = new Date(),
): { header: ItemHeader; content: ItemContent } {
  const prevLayout = previous ? layoutOf(previous.header) : undefined;
  const type = edit.type ?? prevLayout?.type ?? 'password';
  const base = previous?.content ?? emptyContent(type);
  const fields = base.fields.map((x) => ({ ...x, value: x.value.slice() }));
  const result: ItemContent = { fields, notes: base.notes?.slice() ?? null };
  try {
    let primary = prevLayout?.primary ?? ITEM_TEMPLATES[type].primary;
    if (previous && edit.type && edit.type !== prevLayout?.type) {
      for (const t of ITEM_TEMPLATES[type].fields)
        if (!fields.some((x) => x.key === t.key)) fields.push({ ...t, value: new Uint8Array(0) });
      primary = ITEM_TEMPLATES[type].primary;
    }
    for (const fe of edit.fields ?? []) {
      checkKey(fe.key);
      const at = fields.findIndex((x) => x.key === fe.key);
      if (fe.remove) {
        if (at < 0) throw new TesseraError('not_found', `${name} has no field ${JSON.stringify(fe.key)}`);
        if (fe.key === (edit.primary ?? primary))
          throw usage(`${JSON.stringify(fe.key)} is the primary field: make another field primary first`);
        wipe(fields[at]!.value);
        fields.splice(at, 1);
        continue;
      }
      const known = templateField(type, fe.key);
      const label = fe.label?.trim() || (at >= 0 ? fields[at]!.label : (known?.label ?? fe.key));
      if (label.length > ITEM_LIMITS.labelLength)
        throw usage(`a field label is at most ${ITEM_LIMITS.labelLength} characters`);
      if (at < 0) {
        fields.push({
          key: fe.key,
          label,
          kind: fe.kind ?? known?.kind ?? 'text',
          value: fe.value?.slice() ?? new Uint8Array(0),
        });
        continue;
      }
      const field = fields[at]!;
      field.label = label;
      if (fe.kind) field.kind = fe.kind;
      if (fe.value) {
        wipe(field.value);
        field.value = fe.value.slice();
      }
    }
    // Only what this edit writes is checked: an old value stays readable as it was.
    for (const fe of edit.fields ?? []) {
      const field = fields.find((x) => x.key === fe.key);
      if (field && (fe.value || fe.kind)) checkValue(field);
    }
    if (edit.primary !== undefined) primary = edit.primary;
    const primaryField = fields.find((x) => x.key === primary);
    if (!primaryField)
      throw usage(
        `there is no field ${JSON.stringify(primary)} to make primary (fields: ${fields.map((x) => x.key).join(', ')})`,
      );
    if (edit.primaryValue) {
      wipe(primaryField.value);
      primaryField.value = edit.primaryValue.slice();
      checkValue(primaryField);
    }
    if (edit.notes !== undefined) {
      if (result.notes) wipe(result.notes);
      result.notes = edit.notes && edit.notes.length > 0 ? edit.notes.slice() : null;
    }
    if (fields.length > ITEM_LIMITS.fields) throw usage(`an item has at most ${ITEM_LIMITS.fields} fields`);
    if (!previous && !edit.deleted && primaryField.value.length === 0)
      throw usage(`a new secret needs a value for its ${primaryField.label.toLowerCase()}`);

    const tags = edit.tags ? normaliseTags(edit.tags) : (previous?.header.tags ?? []);
    if (tags.length > ITEM_LIMITS.tags || tags.some((t) => t.length > ITEM_LIMITS.tagLength))
      throw usage(
        `an item has at most ${ITEM_LIMITS.tags} tags of up to ${ITEM_LIMITS.tagLength} characters`,
      );

    const header: ItemHeader = { name, ...layoutHeader(type, fields, primary), updatedBy: author };
    if (tags.length) header.tags = tags;
    if (result.notes) header.notes = true;
    const rotate =
      edit.rotateEveryDays === undefined ? previous?.header.rotateEveryDays : edit.rotateEveryDays;
    if (rotate) header.rotateEveryDays = rotate;
    // Rotated means the primary value changed; any other edit keeps the date it counts from.
    const before = previous?.content.fields.find((x) => x.key === layoutOf(previous.header).primary);
    const changed = !before || !sameBytes(before.value, primaryField.value);
    const rotatedAt = changed ? now.toISOString() : previous?.header.rotatedAt;
    if (rotatedAt) header.rotatedAt = rotatedAt;
    const expires = edit.expires === undefined ? previous?.header.expires : edit.expires;
    if (expires) {
      if (!isCalendarDate(expires))
        throw usage(`an expiry date is YYYY-MM-DD, got ${JSON.stringify(expires)}`);
      header.expires = expires;
    }
    // Settings describe the primary value they made; sent without a new one they describe nothing.
    const generator = (changed ? edit.generator : undefined) ?? previous?.header.generator;
    if (generator) header.generator = generator;
    if (edit.deleted) header.deleted = true;
    const conflictOf = edit.conflictOf ?? previous?.header.conflictOf;
    if (conflictOf !== undefined) header.conflictOf = conflictOf;
    return { header, content: result };
  } catch (e) {
    for (const x of fields) wipe(x.value);
    if (result.notes) wipe(result.notes);
    throw e;
  }
}
