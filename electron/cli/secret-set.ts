// Process: cli (plain Node; the `tessera` command).
// `tessera secret set`: turns flags into one item edit. Values of concealed and TOTP fields
// never come from argv (every local user can read the process list): `--field KEY=-` reads
// that one value from stdin, like `--value-stdin` does for the primary field. Text and URL
// values may be given inline.
import { readFile } from 'node:fs/promises';
import { TesseraError } from '../../shared/errors.ts';
import {
  DEFAULT_GENERATOR,
  FIELD_KINDS,
  type GeneratorSettings,
  isCalendarDate,
  type FieldKind,
  ITEM_TYPES,
  isConcealedKind,
  isFieldKind,
  isItemType,
  type ItemType,
  templateField,
} from '../../shared/items.ts';
import { wipe } from '../core/crypto/index.ts';
import type { FieldEdit, ItemEdit } from '../core/service/item-edit.ts';

export interface SetFlags {
  type?: string;
  field?: string[];
  removeField?: string[];
  primary?: string;
  tag?: string[];
  notesFile?: string;
  valueStdin?: boolean;
  generate?: number;
  passphrase?: number;
  rotateEvery?: string | false;
  expires?: string | false;
}

export interface SetInputs {
  readStdinBytes(): Promise<Uint8Array>;
  generate(o: GeneratorSettings): Uint8Array;
  parseDays(text: string): number;
}

const usage = (m: string) => new TesseraError('usage', m);

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `KEY=VALUE` or `KEY:KIND=VALUE`; VALUE `-` means stdin. */
function parseFieldFlag(flag: string): { key: string; kind?: FieldKind; value: string } {
  const eq = flag.indexOf('=');
  if (eq <= 0)
    throw usage(`--field takes KEY=VALUE or KEY:KIND=VALUE, got ${JSON.stringify(flag.slice(0, 40))}`);
  const left = flag.slice(0, eq);
  const colon = left.indexOf(':');
  const key = colon < 0 ? left : left.slice(0, colon);
  const kind = colon < 0 ? undefined : left.slice(colon + 1);
  if (kind !== undefined && !isFieldKind(kind))
    throw usage(`unknown field kind ${JSON.stringify(kind)}: use one of ${FIELD_KINDS.join(', ')}`);
  return { key, kind: kind as FieldKind | undefined, value: flag.slice(eq + 1) };
}

/** Builds the edit. The caller wipes every buffer in `owned` once the write is done. */
export async function editFromFlags(
  o: SetFlags,
  existingType: ItemType | undefined,
  io: SetInputs,
): Promise<{ edit: ItemEdit; owned: Uint8Array[] }> {
  const owned: Uint8Array[] = [];
  const own = (b: Uint8Array) => {
    owned.push(b);
    return b;
  };
  try {
    if (o.type !== undefined && !isItemType(o.type))
      throw usage(`unknown type ${JSON.stringify(o.type)}: use one of ${ITEM_TYPES.join(', ')}`);
    const type = (o.type as ItemType | undefined) ?? existingType ?? 'password';
    const sources = [!!o.valueStdin, o.generate !== undefined, o.passphrase !== undefined].filter(
      Boolean,
    ).length;
    if (sources > 1) throw usage('pass at most one of --value-stdin, --generate LEN and --passphrase WORDS');
    const parsed = (o.field ?? []).map(parseFieldFlag);
    const fromStdin =
      parsed.filter((f) => f.value === '-').length + (o.valueStdin ? 1 : 0) + (o.notesFile === '-' ? 1 : 0);
    if (fromStdin > 1)
      throw usage('only one value can come from stdin: give the others with separate `secret set` calls');

    const fields: FieldEdit[] = [];
    for (const f of parsed) {
      const kind = f.kind ?? templateField(type, f.key)?.kind ?? 'text';
      if (f.value === '-') {
        fields.push({ key: f.key, kind: f.kind, value: own(await io.readStdinBytes()) });
        continue;
      }
      if (isConcealedKind(kind))
        throw usage(
          `the field ${JSON.stringify(f.key)} is ${kind === 'totp' ? 'a one-time code seed' : 'concealed'}: pass --field ${f.key}${f.kind ? `:${f.kind}` : ''}=- and the value on stdin (values on the command line are visible to other users of this machine)`,
        );
      fields.push({ key: f.key, kind: f.kind, value: own(new TextEncoder().encode(f.value)) });
    }
    for (const key of o.removeField ?? []) fields.push({ key, remove: true });

    const edit: ItemEdit = {};
    if (o.type) edit.type = type;
    if (fields.length) edit.fields = fields;
    if (o.primary) edit.primary = o.primary;
    if (o.tag) edit.tags = o.tag;
    if (o.valueStdin) edit.primaryValue = own(await io.readStdinBytes());
    else if (o.generate !== undefined || o.passphrase !== undefined) {
      // Recorded in the item, so `secret rotate` generates the next value the same way.
      const g: GeneratorSettings =
        o.passphrase !== undefined
          ? { mode: 'words', words: o.passphrase, separator: '-' }
          : ({ ...DEFAULT_GENERATOR, mode: 'characters', length: o.generate! } as GeneratorSettings);
      edit.primaryValue = own(io.generate(g));
      edit.generator = g;
    }
    if (o.notesFile !== undefined) {
      const notes =
        o.notesFile === '-' ? await io.readStdinBytes() : new Uint8Array(await readFile(o.notesFile));
      edit.notes = notes.length ? own(notes) : null;
    }
    if (o.rotateEvery === false) edit.rotateEveryDays = null;
    else if (o.rotateEvery !== undefined) edit.rotateEveryDays = io.parseDays(o.rotateEvery);
    if (o.expires === false) edit.expires = null;
    else if (o.expires !== undefined) {
      if (!isCalendarDate(o.expires))
        throw usage(`--expires takes a date like 2027-03-31, got ${JSON.stringify(o.expires)}`);
      edit.expires = o.expires;
    }
    if (Object.keys(edit).length === 0)
      throw usage(
        'nothing to set: give a value (--value-stdin, --generate LEN, --passphrase WORDS) or --field, --tag, --notes-file',
      );
    return { edit, owned };
  } catch (e) {
    wipe(...owned);
    throw e;
  }
}
