// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Signed in but in no team yet: create one (and become its owner) or join a team that
// invited this email. Joining publishes this device's public keys; an admin must then
// confirm them before any vault can be shared with us.
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
  const invitations = useInvitations(5_000);
  const action = useAction();

  const create = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await call('team.create', { name: name.trim() });
      setState(await call('app.state', {}));
    });
  };

  const join = (teamId: string) =>
    action.run(async () => {
      await call('team.accept', { team: teamId });
      const s = await refresh();
      // Accepting makes the team current only when there was none; make sure it is.
      if (!s.team) setState(await call('team.use', { team: teamId }).catch(() => s));
    });

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
                  <strong>{inv.teamName}</strong> <span className="muted">as {inv.role}</span>
                </span>
                <button
                  type="button"
                  className="primary"
                  disabled={action.busy}
                  onClick={() => void join(inv.teamId)}
                >
                  Join {inv.teamName}
                </button>
              </li>
            ))}
          </ul>
          <button type="button" className="link" onClick={() => void invitations.refetch()}>
            Check again
          </button>
        </section>
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
            <button type="submit" className="primary" disabled={action.busy || !name.trim()}>
              Create team
            </button>
          </div>
        </form>
        <ErrorAlert error={action.error} />
      </div>
    </main>
  );
}
