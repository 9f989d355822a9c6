// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Create or edit a secret in the item editor (item/ItemEditor.tsx). An edit starts from
// secret.show, so the form holds every field, the notes, the tags, the interval and the expiry
// the item has, and the dialog opens only once it does: an input that filled in a moment later
// could be typed over, or lose the first field's focus.
import { useState } from 'react';
import type { SecretView, SyncView, VaultView } from '../../../shared/ipc-results.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { ItemEditor } from './item/ItemEditor.tsx';
import { useItem } from './item/useItem.ts';
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
  const [unsaved, setUnsaved] = useState(false);
  if (editing) return <EditDialog editing={editing} {...{ vaults, defaultVaultId, onClose, onSaved }} />;
  return (
    <Dialog title="New secret" onClose={onClose} wide unsaved={unsaved}>
      <ItemEditor
        item={null}
        vaults={vaults}
        defaultVaultId={defaultVaultId}
        onCancel={onClose}
        onSaved={onSaved}
        onUnsaved={setUnsaved}
      />
    </Dialog>
  );
}

function EditDialog({ editing, vaults, defaultVaultId, onClose, onSaved }: Props & { editing: SecretView }) {
  const [unsaved, setUnsaved] = useState(false);
  const { item, error } = useItem(refOf(editing), editing.version);
  if (error)
    return (
      <Dialog title={`Edit ${editing.name}`} onClose={onClose}>
        <ErrorAlert error={error} />
        <div className="actions">
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
      </Dialog>
    );
  if (!item) return null;
  return (
    <Dialog title={`Edit ${editing.name}`} onClose={onClose} wide unsaved={unsaved}>
      <ItemEditor
        item={item}
        vaults={vaults}
        defaultVaultId={defaultVaultId}
        onCancel={onClose}
        onSaved={onSaved}
        onUnsaved={setUnsaved}
      />
    </Dialog>
  );
}
