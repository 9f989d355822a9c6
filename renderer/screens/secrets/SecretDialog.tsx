// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Create or update a secret. The value is held in this dialog's state only while it is being
// typed or generated, goes to the core with secret.set (never through react-query), and is
// cleared from state the moment the core has accepted it.
import { type FormEvent, useState } from 'react';
import type { SecretView, SyncView, VaultView } from '../../../shared/ipc-results.ts';
import { call, errorText } from '../../bridge.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Field, SelectField } from '../../components/Field.tsx';
import { StrengthMeter } from '../../components/StrengthMeter.tsx';
import { refOf } from './refs.ts';

interface Props {
  /** The secret being edited, or null to create one. */
  editing: SecretView | null;
  /** Vaults this user may write in. */
  vaults: VaultView[];
  defaultVaultId: string | null;
  onClose(): void;
  onSaved(result: SyncView, saved: { vaultId: string; name: string }): void;
}

export function SecretDialog({ editing, vaults, defaultVaultId, onClose, onSaved }: Props) {
  const [vaultId, setVaultId] = useState(editing?.vaultId ?? defaultVaultId ?? vaults[0]?.id ?? '');
  const [name, setName] = useState(editing?.name ?? '');
  const [value, setValue] = useState('');
  const [show, setShow] = useState(false);
  // An edit starts from what the secret has: a field left as it was keeps it.
  const [rotate, setRotate] = useState(editing?.rotateEveryDays ? String(editing.rotateEveryDays) : '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const generate = async () => {
    setError(null);
    try {
      setValue((await call('secret.generate', { mode: 'characters', length: 24, lower: true, upper: true, digits: true, symbols: true })).value);
    } catch (e) {
      setError(errorText(e));
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const trimmed = name.trim();
    const days = rotate.trim() === '' ? undefined : Number(rotate);
    if (!vaultId) return setError('Choose a vault.');
    if (!trimmed) return setError('Give the secret a name.');
    if (!value) return setError('Enter a value or generate one.');
    if (days !== undefined && !(Number.isInteger(days) && days >= 1 && days <= 3650)) {
      return setError('Rotate every (days) must be a whole number from 1 to 3650.');
    }
    setBusy(true);
    setError(null);
    try {
      // Emptied on an edit: the secret no longer has an interval.
      const cleared = days === undefined && !!editing?.rotateEveryDays;
      const args = {
        ref: refOf({ vaultId, name: trimmed }),
        value,
        ...(days ? { rotateEveryDays: days } : cleared ? { rotateEveryDays: null } : {}),
      };
      const result = await call('secret.set', args);
      setValue('');
      onSaved(result, { vaultId, name: trimmed });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={editing ? `Edit ${editing.name}` : 'New secret'} onClose={onClose}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <SelectField
          label="Vault"
          value={vaultId}
          onChange={(e) => setVaultId(e.target.value)}
          disabled={!!editing}
        >
          {vaults.map((v) => (
            <option key={v.id} value={v.id}>
              {v.name}
            </option>
          ))}
        </SelectField>
        <Field
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          readOnly={!!editing}
          autoFocus={!editing}
          autoComplete="off"
          maxLength={300}
        />
        <div className="with-toggle">
          <Field
            label="Value"
            type={show ? 'text' : 'password'}
            value={value}
            onChange={(e) => setValue(e.target.value)}
            autoComplete="new-password"
            spellCheck={false}
            autoFocus={!!editing}
            placeholder={editing ? 'Enter the new value' : undefined}
          />
          <button type="button" onClick={() => void generate()}>
            Generate
          </button>
        </div>
        <label className="check">
          <input type="checkbox" checked={show} onChange={(e) => setShow(e.target.checked)} /> Show characters
        </label>
        <StrengthMeter value={value} />
        <Field
          label="Rotate every (days)"
          type="number"
          inputMode="numeric"
          min={1}
          max={3650}
          value={rotate}
          onChange={(e) => setRotate(e.target.value)}
          hint="Optional. How often this should be changed; shown with the secret."
        />
        <ErrorAlert error={error} />
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            Save
          </button>
        </div>
      </form>
    </Dialog>
  );
}
