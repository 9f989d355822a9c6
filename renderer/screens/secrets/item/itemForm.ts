// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// The item editor's state and the one secret.set patch it becomes. The field set of each type
// comes from shared/items.ts, as the core's does. An edit starts from secret.show, which holds
// no concealed value: such a field starts empty and empty means "keep what it has", so the
// patch names only what the person changed and nothing they did not touch is dropped.
import type { IpcArgs } from '../../../../shared/ipc.ts';
import type { ItemView } from '../../../../shared/ipc-results.ts';
import {
  FIELD_KEY,
  type FieldKind,
  type GeneratorSettings,
  ITEM_LIMITS,
  ITEM_TEMPLATES,
  type ItemType,
  isConcealedKind,
  normaliseTags,
} from '../../../../shared/items.ts';

export interface FormField {
  /** React's key and the primary choice's value; the stored key for a field the item has. */
  id: string;
  /** The stored key, or null for a custom field added here (named from its label on save). */
  key: string | null;
  label: string;
  kind: FieldKind;
  value: string;
  /** Whether the label comes from the type's template (and so is not edited here). */
  template: boolean;
  /** The settings that made the current value, until someone types over it. */
  generated: GeneratorSettings | null;
}

export interface ItemForm {
  type: ItemType;
  fields: FormField[];
  /** The id of the primary field. */
  primary: string;
  notes: string;
  /** As typed: comma-separated. */
  tags: string;
  rotate: string;
  /** `YYYY-MM-DD` or empty. */
  expires: string;
}

const templateFields = (type: ItemType): FormField[] =>
  ITEM_TEMPLATES[type].fields.map((f) => ({
    id: f.key,
    ...f,
    value: '',
    template: true,
    generated: null,
  }));

export function newForm(type: ItemType): ItemForm {
  return {
    type,
    fields: templateFields(type),
    primary: ITEM_TEMPLATES[type].primary,
    notes: '',
    tags: '',
    rotate: '',
    expires: '',
  };
}

export function formFromItem(item: ItemView): ItemForm {
  const known = new Set(ITEM_TEMPLATES[item.type].fields.map((f) => f.key));
  return {
    type: item.type,
    fields: item.fields.map((f) => ({
      id: f.key,
      key: f.key,
      label: f.label,
      kind: f.kind,
      value: f.value ?? '',
      template: known.has(f.key),
      generated: null,
    })),
    primary: item.primary,
    notes: item.notes ?? '',
    tags: item.tags.join(', '),
    rotate: item.rotateEveryDays ? String(item.rotateEveryDays) : '',
    expires: item.expires ?? '',
  };
}

/** A new item takes the new type's fields (keeping what was typed under the same key, and
 *  every custom field); a stored item gains the ones it lacks and loses none, as the core does.
 *  `stored` is the stored item's keys: a field an earlier switch added, still empty, goes
 *  again, so trying a type and going back leaves nothing behind. */
export function switchType(form: ItemForm, type: ItemType, stored: ReadonlySet<string> | null): ItemForm {
  const custom = form.fields.filter((f) => !f.template);
  const kept = form.fields.filter((f) => f.key === null || stored?.has(f.key) || f.value !== '');
  const next = stored
    ? [...kept, ...templateFields(type).filter((t) => !kept.some((f) => f.key === t.key))]
    : [
        ...templateFields(type).map((t) => {
          const had = form.fields.find((f) => f.key === t.key && f.kind === t.kind);
          return had ? { ...t, value: had.value, generated: had.generated } : t;
        }),
        ...custom,
      ];
  const fields = next.map((f) => ({
    ...f,
    template: ITEM_TEMPLATES[type].fields.some((t) => t.key === f.key),
  }));
  return { ...form, type, fields, primary: ITEM_TEMPLATES[type].primary };
}

let added = 0;
export function customField(kind: FieldKind): FormField {
  added += 1;
  return { id: `new-${added}`, key: null, label: '', kind, value: '', template: false, generated: null };
}

const sameLabel = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** What must be fixed before saving: 'name', 'rotate', a field's id (its value) or
 *  `label:` and a field's id. */
export function problems(form: ItemForm, name: string, stored: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  if (!name.trim()) out.name = 'Give the secret a name.';
  form.fields.forEach((f, i) => {
    const label = f.label.trim();
    const at = `label:${f.id}`;
    if (!label) out[at] = 'Give this field a label.';
    else if (label.length > ITEM_LIMITS.labelLength)
      out[at] = `A label is at most ${ITEM_LIMITS.labelLength} characters.`;
    else if (form.fields.slice(0, i).some((o) => sameLabel(o.label, label)))
      out[at] = `Another field is already called "${label}".`;
  });
  const primary = form.fields.find((f) => f.id === form.primary);
  if (!stored && primary && !primary.value)
    out[primary.id] = isConcealedKind(primary.kind) ? 'Enter a value or generate one.' : 'Enter a value.';
  const days = form.rotate.trim();
  if (days && !(/^\d+$/.test(days) && Number(days) >= 1 && Number(days) <= 3650))
    out.rotate = 'Rotate every (days) must be a whole number from 1 to 3650.';
  return out;
}

/** A key for a field added here, from its label: what `--field KEY` would name it. */
function keyFor(label: string, taken: Set<string>): string {
  const base =
    label
      .toLowerCase()
      .replace(/[^a-z0-9_.-]+/g, '-')
      .replace(/^[^a-z0-9]+|-+$/g, '')
      .slice(0, 60) || 'field';
  let key = base;
  for (let n = 2; taken.has(key) || !FIELD_KEY.test(key); n++) key = `${base}-${n}`;
  taken.add(key);
  return key;
}

type SetArgs = IpcArgs<'secret.set'>;
type FieldEdit = NonNullable<SetArgs['fields']>[number];

/**
 * The patch from `initial` (null for a new item) to `form`, and the stored key of each field
 * id, so a refusal naming a key lands on its field.
 */
export function toPatch(
  ref: string,
  form: ItemForm,
  initial: ItemForm | null,
): { args: SetArgs; keys: Map<string, string> } {
  const before = initial ?? newForm(form.type);
  const keyed = new Map(before.fields.map((f) => [f.key, f]));
  const taken = new Set([...before.fields, ...form.fields].map((f) => f.key).filter((k) => k !== null));
  const keys = new Map<string, string>();
  const edits: FieldEdit[] = [];
  for (const f of before.fields)
    if (f.key && !form.fields.some((x) => x.key === f.key)) edits.push({ key: f.key, remove: true });
  for (const f of form.fields) {
    const key = f.key ?? keyFor(f.label, taken);
    keys.set(f.id, key);
    const was = f.key ? keyed.get(f.key) : undefined;
    const edit: FieldEdit = { key };
    if (!was || f.label.trim() !== was.label) edit.label = f.label.trim();
    if (!was) edit.kind = f.kind;
    // A stored concealed value is not in the form (it starts as ''), so '' leaves it alone; a
    // template field of a new item is there already, empty.
    if (was ? f.value !== was.value : f.value !== '') edit.value = f.value;
    if (Object.keys(edit).length > 1) edits.push(edit);
  }
  const args: SetArgs = { ref };
  if (!initial || form.type !== initial.type) args.type = form.type;
  if (edits.length) args.fields = edits;
  const primary = form.fields.find((f) => f.id === form.primary);
  const primaryKey = keys.get(form.primary);
  if (primaryKey && (!initial || primaryKey !== initial.primary)) args.primary = primaryKey;
  const wrote = edits.find((e) => e.key === primaryKey)?.value;
  if (primary?.generated && wrote !== undefined && wrote === primary.value)
    args.generator = primary.generated;
  if (form.notes !== before.notes) args.notes = form.notes.trim() ? form.notes : null;
  const tags = normaliseTags(form.tags.split(','));
  if (tags.join(',') !== normaliseTags(before.tags.split(',')).join(',')) args.tags = tags;
  const days = form.rotate.trim();
  if (days) {
    if (days !== before.rotate) args.rotateEveryDays = Number(days);
  } else if (before.rotate) args.rotateEveryDays = null;
  if (form.expires !== before.expires) args.expires = form.expires || null;
  return { args, keys };
}
