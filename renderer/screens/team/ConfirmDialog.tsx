// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Confirming a member is a human check: their fingerprint as this app computed it from the
// keys the server holds, beside what they read to you from their own screen. The core
// compares the two and refuses a mismatch (the server may have swapped their keys).
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import type { MemberView } from '../../../shared/ipc-results.ts';
import { call } from '../../bridge.ts';
import { invalidateLists } from '../../app/queries.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Field } from '../../components/Field.tsx';
import { Fingerprint } from '../../components/Fingerprint.tsx';
import { useAction } from '../../components/useAction.ts';

interface Props {
  member: MemberView;
  onClose(): void;
  onConfirmed(email: string): void;
}

export function ConfirmDialog({ member, onClose, onConfirmed }: Props) {
  const qc = useQueryClient();
  const [typed, setTyped] = useState('');
  const action = useAction();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await call('team.confirm', { email: member.email, fingerprint: typed.trim() });
      await invalidateLists(qc);
      onConfirmed(member.email);
    });
  };

  return (
    <Dialog title={`Confirm ${member.email}`} onClose={onClose} wide>
      <p>
        Ask {member.name ?? member.email} to read the fingerprint shown on their own screen (Team or the
        waiting screen), over a channel you trust: in person or on a call you recognise their voice.
      </p>
      <form onSubmit={submit}>
        <div className="side-by-side">
          <Fingerprint label="Fingerprint on this screen" value={member.fingerprint} />
          <Field
            label="Fingerprint they read to you"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            autoFocus
            required
            autoComplete="off"
            spellCheck={false}
            className="mono"
          />
        </div>
        <ErrorAlert error={action.error} />
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={action.busy || !typed.trim()}>
            Confirm member
          </button>
        </div>
      </form>
    </Dialog>
  );
}
