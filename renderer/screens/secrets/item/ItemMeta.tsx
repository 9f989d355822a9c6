// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// What the item editor holds besides fields: notes, tags, the rotation interval and the expiry
// date. Tags are typed as one comma-separated line and shown as the chips they will become,
// trimmed and lower-case, as the core keeps them.
import { useId } from 'react';
import { ITEM_LIMITS, normaliseTags } from '../../../../shared/items.ts';
import { Field } from '../../../components/Field.tsx';
import type { ItemForm } from './itemForm.ts';

interface Props {
  form: ItemForm;
  errors: Record<string, string>;
  onChange(patch: Partial<ItemForm>): void;
}

const problemOr = (problem: string | undefined, hint: string) =>
  problem ? (
    <span className="field-error" role="alert">
      {problem}
    </span>
  ) : (
    hint
  );

export function ItemMeta({ form, errors, onChange }: Props) {
  const id = useId();
  const tags = normaliseTags(form.tags.split(','));
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-notes`}>Notes</label>
        <textarea
          id={`${id}-notes`}
          rows={3}
          value={form.notes}
          onChange={(e) => onChange({ notes: e.target.value })}
          spellCheck
        />
      </div>
      <Field
        label="Tags"
        value={form.tags}
        onChange={(e) => onChange({ tags: e.target.value })}
        autoComplete="off"
        hint={`Separated by commas; up to ${ITEM_LIMITS.tags}. Search finds a secret by its tags.`}
      />
      {tags.length > 0 && (
        <ul className="tags" aria-label="Tags to save">
          {tags.map((t) => (
            <li key={t} className="badge tag">
              {t}
            </li>
          ))}
        </ul>
      )}
      <div className="side-by-side">
        <Field
          label="Rotate every (days)"
          type="number"
          inputMode="numeric"
          min={1}
          max={3650}
          value={form.rotate}
          onChange={(e) => onChange({ rotate: e.target.value })}
          aria-invalid={!!errors.rotate}
          hint={problemOr(
            errors.rotate,
            'Optional. How often this should be changed; shown with the secret.',
          )}
        />
        <Field
          label="Expires on"
          type="date"
          value={form.expires}
          onChange={(e) => onChange({ expires: e.target.value })}
          aria-invalid={!!errors.expires}
          hint={problemOr(errors.expires, 'Optional. The day the credential stops working.')}
        />
      </div>
    </>
  );
}
