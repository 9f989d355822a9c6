// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// The locked screen: the only thing it can do is take the password and hand it to the core,
// which derives the key and opens the local vault; the password is dropped right after.
import { type FormEvent, useState } from 'react';
import { call } from '../../bridge.ts';
import { useSession } from '../../app/session.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Field } from '../../components/Field.tsx';
import { useAction } from '../../components/useAction.ts';

export function Unlock() {
  const { state, setState } = useSession();
  const [password, setPassword] = useState('');
  const action = useAction();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const pw = password;
    setPassword('');
    void action.run(async () => setState(await call('account.unlock', { password: pw })));
  };

  return (
    <main className="centered">
      <form className="card" onSubmit={submit} aria-busy={action.busy}>
        <h1>Unlock Tessera</h1>
        {state.email && <p className="muted">{state.email}</p>}
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
          <button type="submit" className="primary" disabled={action.busy}>
            Unlock
          </button>
        </div>
        {action.busy && <p className="muted">Unlocking…</p>}
      </form>
    </main>
  );
}
