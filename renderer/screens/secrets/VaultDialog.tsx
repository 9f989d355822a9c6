// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Create a vault. The core makes a fresh vault key and seals it to us; the vault's name is
// encrypted too, so the server never learns it.
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { call } from '../../bridge.ts';
import { invalidateLists } from '../../app/queries.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Field } from '../../components/Field.tsx';
import { useAction } from '../../components/useAction.ts';

export function VaultDialog({ onClose, onCreated }: { onClose(): void; onCreated(vaultId: string): void }) {
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const action = useAction();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const v = await call('vault.create', { name: name.trim() });
      await invalidateLists(qc);
      onCreated(v.id);
    });
  };

  return (
    <Dialog title="New vault" onClose={onClose}>
      <form onSubmit={submit}>
        <Field
          label="Vault name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          maxLength={100}
          autoComplete="off"
        />
        <ErrorAlert error={action.error} />
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={action.busy}>
            Create vault
          </button>
        </div>
      </form>
    </Dialog>
  );
}
