// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Revoking asks first: it cannot be undone, since the server deletes the link's ciphertext at
// once and the sender would have to make and send a new link.
import { useQueryClient } from '@tanstack/react-query';
import type { LinkView } from '../../../shared/ipc-results.ts';
import { call } from '../../bridge.ts';
import { keys } from '../../app/queries.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useAction } from '../../components/useAction.ts';

interface Props {
  link: LinkView;
  description: string;
  onClose(): void;
  onRevoked(notice: string): void;
}

export function RevokeLinkDialog({ link, description, onClose, onRevoked }: Props) {
  const qc = useQueryClient();
  const action = useAction();
  const revoke = () =>
    void action.run(async () => {
      const r = await call('link.revoke', { id: link.id });
      await qc.invalidateQueries({ queryKey: keys.links });
      onRevoked(
        r.revoked
          ? `The link to ${description} was revoked.`
          : `The link to ${description} was already revoked.`,
      );
    });

  return (
    <Dialog title="Revoke this link?" onClose={onClose}>
      <p>
        Whoever has the link to {description} will no longer be able to open it, and its encrypted copy on the
        server is deleted now. This cannot be undone.
      </p>
      <ErrorAlert error={action.error} />
      <div className="actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="danger" disabled={action.busy} onClick={revoke}>
          Revoke link
        </button>
      </div>
    </Dialog>
  );
}
