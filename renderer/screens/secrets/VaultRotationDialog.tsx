// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// A vault's default rotation interval: secrets in it without an interval of their own are due
// this often. The core keeps it in the vault's name envelope, so the server never learns it.
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import type { VaultView } from '../../../shared/ipc-results.ts';
import { call } from '../../bridge.ts';
import { invalidateLists } from '../../app/queries.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Field } from '../../components/Field.tsx';
import { useAction } from '../../components/useAction.ts';

export function VaultRotationDialog({ vault, onClose }: { vault: VaultView; onClose(): void }) {
  const qc = useQueryClient();
  const [days, setDays] = useState(vault.rotateEveryDays ? String(vault.rotateEveryDays) : '');
  const action = useAction();

  const save = (rotateEveryDays: number | null) =>
    void action.run(async () => {
      await call('vault.rotation', { vault: vault.id, rotateEveryDays });
      await invalidateLists(qc);
      onClose();
    });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save(days.trim() === '' ? null : Number(days));
  };

  return (
    <Dialog title={`Rotation reminder for ${vault.name}`} onClose={onClose}>
      <form onSubmit={submit}>
        <Field
          label="Rotate every (days)"
          type="number"
          min={1}
          max={3650}
          step={1}
          value={days}
          onChange={(e) => setDays(e.target.value)}
          autoFocus
          autoComplete="off"
        />
        <p className="muted">
          Secrets in this vault without an interval of their own are due this often. Leave it empty for no
          default.
        </p>
        <ErrorAlert error={action.error} />
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          {vault.rotateEveryDays && (
            <button type="button" disabled={action.busy} onClick={() => save(null)}>
              Remove default
            </button>
          )}
          <button type="submit" className="primary" disabled={action.busy}>
            Save
          </button>
        </div>
      </form>
    </Dialog>
  );
}
