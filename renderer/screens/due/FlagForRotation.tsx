// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// "Flag for rotation" in a secret's detail pane: anyone who reads the vault may say a secret
// must be rotated (it leaked, someone with it left), and everyone who reads it then sees it
// on the Due screen until it is rotated. The core signs the flag; the reason is stored on
// the server in the clear, so the dialog asks for why, never for a value or a name.
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { FLAG_REASON_MAX } from '../../../shared/api.ts';
import type { VaultView } from '../../../shared/ipc-results.ts';
import { mayInVault } from '../../../shared/roles.ts';
import { invalidateLists } from '../../app/queries.ts';
import { call } from '../../bridge.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorAlert, Notice } from '../../components/ErrorAlert.tsx';
import { Field } from '../../components/Field.tsx';
import { useAction } from '../../components/useAction.ts';

export function FlagForRotation({
  secretRef,
  name,
  vault,
}: {
  secretRef: string;
  name: string;
  vault: VaultView | undefined;
}) {
  const qc = useQueryClient();
  const action = useAction();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [done, setDone] = useState<string | null>(null);
  if (!mayInVault(vault?.role, 'item.flag')) return null;

  const close = () => {
    setOpen(false);
    setReason('');
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await call('secret.flag', { ref: secretRef, reason });
      await invalidateLists(qc);
      setDone(`${name} is flagged for rotation: everyone who reads it sees it on the Due screen`);
      close();
    });
  };

  return (
    <>
      <div className="button-row">
        <button
          type="button"
          onClick={() => {
            setDone(null);
            setOpen(true);
          }}
        >
          Flag for rotation
        </button>
      </div>
      {done && <Notice>{done}</Notice>}
      {open && (
        <Dialog title={`Flag ${name} for rotation`} onClose={close}>
          <form onSubmit={submit}>
            <Field
              label="Reason"
              value={reason}
              maxLength={FLAG_REASON_MAX}
              onChange={(e) => setReason(e.target.value)}
              autoFocus
              autoComplete="off"
              hint="Why it must be rotated, in plain words. Stored on the server as written: no value, no name."
            />
            <ErrorAlert error={action.error} />
            <div className="actions">
              <button type="button" onClick={close}>
                Cancel
              </button>
              <button type="submit" className="primary" disabled={action.busy || reason.trim() === ''}>
                Flag
              </button>
            </div>
          </form>
        </Dialog>
      )}
    </>
  );
}
