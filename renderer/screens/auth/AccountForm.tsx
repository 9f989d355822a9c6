// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Create an account or log in. The password lives in this form's state only while typed and
// is dropped the moment the core has it; it never goes near the query cache. A new master
// password is judged while typed by the rule the core applies, and one the rule refuses is
// kept in the field (the core never had it) with the reason, so it can be made longer.
import { type FormEvent, useState } from 'react';
import { call } from '../../bridge.ts';
import { useSession } from '../../app/session.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Field } from '../../components/Field.tsx';
import { useAction } from '../../components/useAction.ts';
import { MasterPasswordMeter, useMasterPasswordVerdict } from './MasterPasswordMeter.tsx';

interface Props {
  mode: 'create' | 'login';
  initialServer: string;
  initialEmail?: string;
  onBack(): void;
}

export function AccountForm({ mode, initialServer, initialEmail = '', onBack }: Props) {
  const { state, setState } = useSession();
  const [server, setServer] = useState(initialServer);
  const [email, setEmail] = useState(initialEmail);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();
  const creating = mode === 'create';
  const title = creating ? 'Create account' : 'Log in';
  const verdict = useMasterPasswordVerdict(creating ? password : '', [email, name]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (creating && verdict && !verdict.ok) {
      action.setError(verdict.reason);
      return;
    }
    const pw = password;
    setPassword('');
    void action.run(async () => {
      const s = creating
        ? await call('account.signup', {
            server: server.trim(),
            email: email.trim(),
            name: name.trim(),
            password: pw,
          })
        : await call('account.login', { server: server.trim(), email: email.trim(), password: pw });
      setState(s);
    });
  };

  return (
    <main className="centered">
      <form className="card" onSubmit={submit} noValidate aria-busy={action.busy}>
        <h1>{title}</h1>
        {state.hasAccount && state.email && (
          <p className="muted">
            {creating
              ? `You logged out of ${state.email}. A new account here makes this computer forget ${state.email}'s local copy.`
              : `You logged out of ${state.email}. Log in again, or with another account (this computer then forgets ${state.email}'s local copy).`}
          </p>
        )}
        <Field
          label="Server URL"
          type="url"
          value={server}
          onChange={(e) => setServer(e.target.value)}
          placeholder="https://tessera.example.com"
          autoComplete="url"
          required
        />
        <Field
          label="Email"
          type="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          autoComplete="username"
          required
          autoFocus={!initialEmail}
        />
        {creating && (
          <Field
            label="Name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            autoComplete="name"
            required
          />
        )}
        <Field
          label="Password"
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoComplete={creating ? 'new-password' : 'current-password'}
          required
          autoFocus={!!initialEmail}
        />
        {creating && (
          <MasterPasswordMeter
            value={password}
            verdict={verdict}
            showReason={!verdict?.reason || action.error !== verdict.reason}
          />
        )}
        {creating && (
          <p className="hint">
            Your password encrypts your keys on this computer. Nobody, including the server, can reset it.
          </p>
        )}
        <ErrorAlert error={action.error} />
        <div className="actions">
          <button type="button" onClick={onBack}>
            Back
          </button>
          <button type="submit" className="primary" disabled={action.busy}>
            {title}
          </button>
        </div>
      </form>
    </main>
  );
}
