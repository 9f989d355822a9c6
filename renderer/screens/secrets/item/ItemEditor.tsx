// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// The item editor: vault and name, the type with its standard fields, custom fields of every
// kind, which field is primary, notes, tags, rotation and expiry. It checks what it can see
// (labels, a missing value) before saving and otherwise lets the core decide: a refusal that
// names a field (a bad URL, a TOTP seed that is not one) is shown on that field, and the form
// keeps everything typed. Values live in this form's state only until the core has them.
import { type FormEvent, useId, useMemo, useRef, useState } from 'react';
import type { ItemView, SyncView, VaultView } from '../../../../shared/ipc-results.ts';
import { FIELD_KINDS, type FieldKind, problemOfField } from '../../../../shared/items.ts';
import { call, errorText } from '../../../bridge.ts';
import { ErrorAlert } from '../../../components/ErrorAlert.tsx';
import { Field, SelectField } from '../../../components/Field.tsx';
import { refOf } from '../refs.ts';
import { FieldEditor, KIND_NAMES, KIND_NOUNS } from './FieldEditor.tsx';
import { ItemMeta } from './ItemMeta.tsx';
import {
  customField,
  type FormField,
  formFromItem,
  newForm,
  problems,
  switchType,
  toPatch,
} from './itemForm.ts';
import { TypePicker } from './TypePicker.tsx';

interface Props {
  /** The stored item (from secret.show) being edited, or null for a new one. */
  item: ItemView | null;
  vaults: VaultView[];
  defaultVaultId: string | null;
  onCancel(): void;
  onSaved(result: SyncView, saved: { vaultId: string; name: string }): void;
  /** Whether closing now would lose anything, for the dialog's Escape. */
  onUnsaved(unsaved: boolean): void;
}

export function ItemEditor({ item, vaults, defaultVaultId, onCancel, onSaved, onUnsaved }: Props) {
  const group = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const initial = useMemo(() => (item ? formFromItem(item) : null), [item]);
  const [vaultId, setVaultId] = useState(item?.vaultId ?? defaultVaultId ?? vaults[0]?.id ?? '');
  const [name, setName] = useState(item?.name ?? '');
  const [form, setFormState] = useState(() => initial ?? newForm('password'));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [justAdded, setJustAdded] = useState<string | null>(null);
  const storedKeys = useMemo(() => (item ? new Set(item.fields.map((f) => f.key)) : null), [item]);
  const pristine = useMemo(() => JSON.stringify(initial ?? newForm('password')), [initial]);

  const setForm = (next: typeof form) => {
    setFormState(next);
    onUnsaved(JSON.stringify(next) !== pristine);
  };
  const update = (patch: Partial<typeof form>) => setForm({ ...form, ...patch });
  const setField = (next: FormField) => {
    setForm({ ...form, fields: form.fields.map((f) => (f.id === next.id ? next : f)) });
    // A fixed field's message goes once it is edited; the core checks it again on save.
    setErrors((e) => {
      const { [next.id]: _v, [`label:${next.id}`]: _l, ...rest } = e;
      return rest;
    });
  };
  const addField = (kind: FieldKind) => {
    const f = customField(kind);
    setJustAdded(f.id);
    setForm({ ...form, fields: [...form.fields, f] });
  };
  const focusFirstProblem = () =>
    requestAnimationFrame(() =>
      formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(),
    );

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!vaultId) return setError('Choose a vault.');
    const found = problems(form, name, !!item);
    setErrors(found);
    if (Object.keys(found).length) return focusFirstProblem();
    const { args, keys } = toPatch(refOf({ vaultId, name: name.trim() }), form, initial);
    // Nothing changed: a new version with the same contents would only add to the history.
    if (item && Object.keys(args).length === 1) return onCancel();
    setBusy(true);
    try {
      const result = await call('secret.set', args);
      // The core has the values now; the form lets go of its copies before it closes.
      setFormState((f) => ({ ...f, fields: f.fields.map((x) => ({ ...x, value: '' })) }));
      onSaved(result, { vaultId, name: name.trim() });
    } catch (err) {
      const text = errorText(err);
      const onField = problemOfField(text);
      const id = onField && [...keys].find(([, key]) => key === onField.key)?.[0];
      if (id) {
        setErrors({ [id]: onField.problem });
        focusFirstProblem();
      } else setError(text);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form ref={formRef} className="item-editor" onSubmit={(e) => void submit(e)} noValidate>
      <div className="side-by-side">
        <SelectField
          label="Vault"
          value={vaultId}
          onChange={(e) => setVaultId(e.target.value)}
          disabled={!!item}
        >
          {vaults.map((v) => (
            <option key={v.id} value={v.id}>
              {v.name}
            </option>
          ))}
        </SelectField>
        <TypePicker
          value={form.type}
          stored={!!item}
          onChange={(t) => setForm(switchType(form, t, storedKeys))}
        />
      </div>
      <Field
        label="Name"
        value={name}
        onChange={(e) => {
          setName(e.target.value);
          setErrors(({ name: _n, ...rest }) => rest);
        }}
        readOnly={!!item}
        autoComplete="off"
        maxLength={300}
        aria-invalid={!!errors.name}
        hint={
          errors.name ? (
            <span className="field-error" role="alert">
              {errors.name}
            </span>
          ) : undefined
        }
      />
      <section className="field-editors" aria-label="Fields">
        {form.fields.map((f) => (
          <FieldEditor
            key={f.id}
            field={f}
            primary={f.id === form.primary}
            group={group}
            stored={f.key !== null && !!storedKeys?.has(f.key)}
            error={errors[f.id]}
            labelError={errors[`label:${f.id}`]}
            focusLabel={f.id === justAdded}
            lastGenerator={item?.generator}
            onChange={setField}
            onPrimary={() => update({ primary: f.id })}
            onRemove={() => update({ fields: form.fields.filter((x) => x.id !== f.id) })}
          />
        ))}
      </section>
      <div className="button-row add-fields">
        <span className="muted">Add a field:</span>
        {FIELD_KINDS.map((k) => (
          <button
            key={k}
            type="button"
            aria-label={`Add a ${KIND_NOUNS[k]} field`}
            onClick={() => addField(k)}
          >
            + {KIND_NAMES[k]}
          </button>
        ))}
      </div>
      <ItemMeta form={form} errors={errors} onChange={update} />
      <ErrorAlert error={error} />
      <div className="actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={busy}>
          Save
        </button>
      </div>
    </form>
  );
}
