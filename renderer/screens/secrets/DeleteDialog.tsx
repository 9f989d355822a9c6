// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Asks before deleting. Deleting saves a tombstone version; earlier versions stay in the
// history, so the step is recoverable but still deserves a deliberate second click.
import type { SecretView, SyncView } from '../../../shared/ipc-results.ts';
import { call } from '../../bridge.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useAction } from '../../components/useAction.ts';
import { refOf } from './refs.ts';

interface Props {
  secret: SecretView;
  onClose(): void;
  onDeleted(result: SyncView): void;
}

export function DeleteDialog({ secret, onClose, onDeleted }: Props) {
  const action = useAction();
  const remove = () =>
    void action.run(async () => {
      onDeleted(await call('secret.remove', { ref: refOf(secret) }));
    });
  return (
    <Dialog title={`Delete ${secret.name}?`} onClose={onClose}>
      <p>
        Everyone with access to <strong>{secret.vault}</strong> loses this secret. Its earlier versions stay
        in the vault's history.
      </p>
      <ErrorAlert error={action.error} />
      <div className="actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="primary danger-fill" onClick={remove} disabled={action.busy}>
          Delete secret
        </button>
      </div>
    </Dialog>
  );
}
