// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Asks before deleting a vault, naming how many secrets go with it. Deleting is a link in
// the team chain: the vault disappears for every member and no one can write to it again
// (the server keeps its encrypted rows, but nothing in Tessera reads them back).
import { useQueryClient } from '@tanstack/react-query';
import type { VaultView } from '../../../shared/ipc-results.ts';
import { call } from '../../bridge.ts';
import { invalidateLists } from '../../app/queries.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useAction } from '../../components/useAction.ts';
import { plural } from '../../../shared/words.ts';

interface Props {
  vault: VaultView;
  /** The secrets the window lists in this vault. */
  secrets: number;
  onClose(): void;
  onDeleted(): void;
}

export function VaultDeleteDialog({ vault, secrets, onClose, onDeleted }: Props) {
  const qc = useQueryClient();
  const action = useAction();
  const remove = () =>
    void action.run(async () => {
      // Forced: this dialog is the question the CLI asks with --force.
      await call('vault.delete', { vault: vault.id, force: true });
      await invalidateLists(qc);
      onDeleted();
    });
  const what =
    secrets === 0
      ? 'It holds no secrets.'
      : `Its ${plural(secrets, 'secret')} ${secrets === 1 ? 'goes' : 'go'} with it.`;
  return (
    <Dialog title={`Delete vault ${vault.name}?`} onClose={onClose}>
      <p>
        <strong>{what}</strong> Everyone with access to {vault.name} loses it, and it cannot be brought back.
      </p>
      <ErrorAlert error={action.error} />
      <div className="actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="primary danger-fill" onClick={remove} disabled={action.busy}>
          Delete vault
        </button>
      </div>
    </Dialog>
  );
}
