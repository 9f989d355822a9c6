// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// First run on this machine: create an account, log in to an existing one, or start a team
// server inside the app for a solo try-out (then create an account on it). After a logout
// it opens on the login form for the same account; Back offers the other choices, and any
// other account may log in instead.
import { useState } from 'react';
import { call } from '../../bridge.ts';
import { useSession } from '../../app/session.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useAction } from '../../components/useAction.ts';
import { AccountForm } from './AccountForm.tsx';

type Mode = 'choose' | 'create' | 'login';

export function FirstRun() {
  const { state } = useSession();
  const [mode, setMode] = useState<Mode>(state.hasAccount ? 'login' : 'choose');
  const [server, setServer] = useState(state.server ?? state.embeddedServer ?? '');
  const start = useAction();

  const startLocal = () =>
    start.run(async () => {
      const { url } = await call('server.startEmbedded', {});
      setServer(url);
      setMode('create');
    });

  if (mode !== 'choose') {
    return (
      <AccountForm
        mode={mode}
        initialServer={server}
        initialEmail={mode === 'login' ? (state.email ?? '') : ''}
        onBack={() => setMode('choose')}
      />
    );
  }
  return (
    <main className="centered">
      <div className="card">
        <h1>Welcome to Tessera</h1>
        <p className="muted">
          Share credentials with your team. Everything is encrypted on this computer before it reaches the
          team server.
        </p>
        <div className="choices">
          <button type="button" className="primary" onClick={() => setMode('create')}>
            Create account
          </button>
          <button type="button" onClick={() => setMode('login')}>
            Log in
          </button>
          <button type="button" onClick={startLocal} disabled={start.busy}>
            Start a local server
          </button>
        </div>
        {start.busy && <p className="muted">Starting a team server on this computer…</p>}
        <ErrorAlert error={start.error} />
      </div>
    </main>
  );
}
