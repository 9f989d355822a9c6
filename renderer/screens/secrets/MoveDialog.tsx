// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Rename a secret, move it to another vault you may write in, or both (secret.move). A move
// re-encrypts the item under the other vault's key and leaves a tombstone behind; the core
// queues both before sending either, so an interrupted move leaves a copy, never a loss.
import { type FormEvent, useState } from 'react';
import type { SecretView, SyncView, VaultView } from '../../../shared/ipc-results.ts';
import { call } from '../../bridge.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Field, SelectField } from '../../components/Field.tsx';
import { useAction } from '../../components/useAction.ts';
import { refOf } from './refs.ts';

interface Props {
  secret: SecretView;
  vaults: VaultView[];
  onClose(): void;
  onMoved(result: SyncView, s: { vaultId: string; name: string }): void;
}

export function MoveDialog({ secret, vaults, onClose, onMoved }: Props) {
  const [name, setName] = useState(secret.name);
  const [vaultId, setVaultId] = useState(secret.vaultId);
  const action = useAction();
  const unchanged = name.trim() === secret.name && vaultId === secret.vaultId;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const to = { vaultId, name: name.trim() };
    void action.run(async () => {
      onMoved(await call('secret.move', { ref: refOf(secret), to: refOf(to) }), to);
    });
  };

  return (
    <Dialog title={`Rename or move ${secret.name}`} onClose={onClose}>
      <form onSubmit={submit}>
        <Field
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          autoFocus
          required
          maxLength={200}
          autoComplete="off"
        />
        <SelectField label="Vault" value={vaultId} onChange={(e) => setVaultId(e.target.value)}>
          {vaults.map((v) => (
            <option key={v.id} value={v.id}>
              {v.name}
            </option>
          ))}
        </SelectField>
        <p className="muted">
          A renamed secret keeps its history; a moved one starts a new history in the other vault.
        </p>
        <ErrorAlert error={action.error} />
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={action.busy || unchanged}>
            Save
          </button>
        </div>
      </form>
    </Dialog>
  );
}
