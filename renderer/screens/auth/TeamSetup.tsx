// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Signed in but in no team yet: create one (and become its owner) or join a team with the
// invite code its admin gave us directly. The invitations list only says which teams the
// server reports for this email; joining needs the code, because the core checks the team's
// first link against it and so refuses a team the server made up. Joining publishes this
// device's public keys; an admin must then confirm them before any vault can be shared.
import { type FormEvent, useState } from 'react';
import { call } from '../../bridge.ts';
import { useInvitations } from '../../app/queries.ts';
import { useSession } from '../../app/session.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Field } from '../../components/Field.tsx';
import { LockButton } from '../../components/LockButton.tsx';
import { useAction } from '../../components/useAction.ts';

export function TeamSetup() {
  const { state, setState, refresh } = useSession();
  const [name, setName] = useState('');
  const [code, setCode] = useState('');
  const invitations = useInvitations(5_000);
  const joining = useAction();
  const creating = useAction();
  const busy = joining.busy || creating.busy;

  const create = (e: FormEvent) => {
    e.preventDefault();
    void creating.run(async () => {
      await call('team.create', { name: name.trim() });
      setState(await call('app.state', {}));
    });
  };

  const join = (e: FormEvent) => {
    e.preventDefault();
    void joining.run(async () => {
      const team = await call('team.accept', { code: code.trim() });
      setCode('');
      const s = await refresh();
      // Accepting makes the team current only when there was none; make sure it is.
      if (!s.team) setState(await call('team.use', { team: team.id }).catch(() => s));
    });
  };

  return (
    <main className="centered">
      <div className="card wide">
        <div className="card-top">
          <span className="muted">{state.email}</span>
          <LockButton />
        </div>
        <h1>Join or create a team</h1>
        <section aria-labelledby="invitations-h">
          <h2 id="invitations-h">Invitations</h2>
          {invitations.isPending && <p className="muted">Looking for invitations…</p>}
          {invitations.error && <ErrorAlert error={invitations.error.message} />}
          {invitations.data?.length === 0 && <p className="muted">No invitations for {state.email} yet.</p>}
          <ul className="plain">
            {invitations.data?.map((inv) => (
              <li key={inv.teamId} className="row">
                <span>
                  <strong>{inv.teamName}</strong> invited {state.email}{' '}
                  <span className="muted">as {inv.role}</span>
                </span>
              </li>
            ))}
          </ul>
          <button type="button" className="link" onClick={() => void invitations.refetch()}>
            Check again
          </button>
        </section>
        <form onSubmit={join} aria-labelledby="join-h" noValidate>
          <h2 id="join-h">Join a team</h2>
          <Field
            label="Invite code"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            required
            maxLength={64}
            autoComplete="off"
            autoCapitalize="off"
            spellCheck={false}
            className="invite-code-field"
            hint="The code the admin who invited you gave you directly (in person, by phone or in chat), like 7k2mq-…"
          />
          <div className="actions">
            <button type="submit" className="primary" disabled={busy || !code.trim()}>
              Join
            </button>
          </div>
          <ErrorAlert error={joining.error} />
        </form>
        <form onSubmit={create} aria-labelledby="create-h">
          <h2 id="create-h">New team</h2>
          <Field
            label="Team name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            maxLength={100}
          />
          <div className="actions">
            <button type="submit" className="primary" disabled={busy || !name.trim()}>
              Create team
            </button>
          </div>
          <ErrorAlert error={creating.error} />
        </form>
      </div>
    </main>
  );
}
