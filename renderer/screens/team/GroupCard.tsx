// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// One group and its members. Adding someone seals every vault key the group holds to them;
// removing someone is a membership change the server applies at once. The core is given the
// group's id: two groups may carry one name.
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import type { GroupView } from '../../../shared/ipc-results.ts';
import { call } from '../../bridge.ts';
import { keys } from '../../app/queries.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Field } from '../../components/Field.tsx';
import { useAction } from '../../components/useAction.ts';

export function GroupCard({ group, canManage }: { group: GroupView; canManage: boolean }) {
  const qc = useQueryClient();
  const [email, setEmail] = useState('');
  const action = useAction();
  const headingId = useId();
  const refresh = () => qc.invalidateQueries({ queryKey: keys.groups });

  const add = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await call('group.add', { group: group.id, email: email.trim() });
      setEmail('');
      await refresh();
    });
  };

  const remove = (who: string) =>
    void action.run(async () => {
      await call('group.remove', { group: group.id, email: who });
      await refresh();
    });

  return (
    <section aria-labelledby={headingId} className="panel">
      <h3 id={headingId}>{group.name}</h3>
      {group.emails.length === 0 ? (
        <p className="muted">No members.</p>
      ) : (
        <ul className="plain">
          {group.emails.map((m) => (
            <li key={m} className="row">
              <span>{m}</span>
              {canManage && (
                <button type="button" onClick={() => remove(m)} disabled={action.busy}>
                  Remove {m} from {group.name}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {canManage && (
        <form onSubmit={add} className="inline-form" noValidate>
          <Field
            label="Member email"
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            required
            autoComplete="off"
          />
          <button type="submit" disabled={action.busy}>
            Add to {group.name}
          </button>
        </form>
      )}
      <ErrorAlert error={action.error} />
    </section>
  );
}
