// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Create or edit a secret in the item editor (item/ItemEditor.tsx). An edit starts from
// secret.show, so the form holds every field, the notes, the tags, the interval and the expiry
// the item has, and the dialog opens only once it does: an input that filled in a moment later
// could be typed over, or lose the first field's focus.
import { type ComponentProps, useState } from 'react';
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

export function SecretDialog({ editing, ...rest }: Props) {
  if (editing) return <EditDialog editing={editing} {...rest} />;
  return <EditorDialog title="New secret" item={null} {...rest} />;
}

function EditDialog({ editing, ...rest }: Omit<Props, 'editing'> & { editing: SecretView }) {
  const { item, error } = useItem(refOf(editing), editing.version);
  if (error)
    return (
      <Dialog title={`Edit ${editing.name}`} onClose={rest.onClose}>
        <ErrorAlert error={error} />
        <div className="actions">
          <button type="button" onClick={rest.onClose}>
            Close
          </button>
        </div>
      </Dialog>
    );
  if (!item) return null;
  return <EditorDialog title={`Edit ${editing.name}`} item={item} {...rest} />;
}

/** One dialog around the editor for New and Edit; it asks before Escape drops typed input. */
function EditorDialog({
  title,
  item,
  vaults,
  defaultVaultId,
  onClose,
  onSaved,
}: Omit<Props, 'editing'> & { title: string; item: ComponentProps<typeof ItemEditor>['item'] }) {
  const [unsaved, setUnsaved] = useState(false);
  return (
    <Dialog title={title} onClose={onClose} wide unsaved={unsaved}>
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
