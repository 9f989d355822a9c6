// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Rename a vault. The core seals the new name under the vault's key (the server never reads
// it) and refuses a name another vault you can read already has, ignoring case.
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import type { VaultView } from '../../../shared/ipc-results.ts';
import { call } from '../../bridge.ts';
import { invalidateLists } from '../../app/queries.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Field } from '../../components/Field.tsx';
import { useAction } from '../../components/useAction.ts';

export function VaultRenameDialog({ vault, onClose }: { vault: VaultView; onClose(): void }) {
  const qc = useQueryClient();
  const [name, setName] = useState(vault.name);
  const action = useAction();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await call('vault.rename', { vault: vault.id, name: name.trim() });
      await invalidateLists(qc);
      onClose();
    });
  };

  return (
    <Dialog title={`Rename vault ${vault.name}`} onClose={onClose}>
      <form onSubmit={submit}>
        <Field
          label="New vault name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          autoFocus
          required
          maxLength={100}
          autoComplete="off"
        />
        <p className="muted">Everyone who can read the vault sees the new name after their next sync.</p>
        <ErrorAlert error={action.error} />
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={action.busy}>
            Rename vault
          </button>
        </div>
      </form>
    </Dialog>
  );
}
