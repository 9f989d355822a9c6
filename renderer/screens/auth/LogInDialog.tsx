// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Logs the open account in again when the team server no longer takes its session (logged
// out, expired or revoked) while the local copy is unlocked. Same account, same server:
// only the password is asked for, and dropped the moment the core has it.
import { type FormEvent, useState } from 'react';
import { call } from '../../bridge.ts';
import { useSession } from '../../app/session.tsx';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Field } from '../../components/Field.tsx';
import { useAction } from '../../components/useAction.ts';

export function LogInDialog({ onClose, onLoggedIn }: { onClose(): void; onLoggedIn(): void }) {
  const { state, setState } = useSession();
  const [password, setPassword] = useState('');
  const action = useAction();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const pw = password;
    setPassword('');
    void action.run(async () => {
      setState(
        await call('account.login', { server: state.server ?? '', email: state.email ?? '', password: pw }),
      );
      onLoggedIn();
    });
  };

  return (
    <Dialog title="Log in" onClose={onClose}>
      <form onSubmit={submit} aria-busy={action.busy}>
        <p>
          {state.email} <span className="muted">on {state.server}</span>
        </p>
        <Field
          label="Password"
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoComplete="current-password"
          autoFocus
          required
        />
        <ErrorAlert error={action.error} />
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={action.busy || !password}>
            Log in
          </button>
        </div>
        {action.busy && <p className="muted">Logging in…</p>}
      </form>
    </Dialog>
  );
}
