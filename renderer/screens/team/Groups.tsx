// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Groups let a vault be shared with several people at once. Everyone may see them; those
// with group.manage may create groups and change who is in them.
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { mayInTeam } from '../../../shared/roles.ts';
import { call } from '../../bridge.ts';
import { keys, useGroups } from '../../app/queries.ts';
import { useSession } from '../../app/session.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Field } from '../../components/Field.tsx';
import { useAction } from '../../components/useAction.ts';
import { GroupCard } from './GroupCard.tsx';

export function Groups() {
  const { state } = useSession();
  const qc = useQueryClient();
  const groups = useGroups();
  const canManage = mayInTeam(state.team?.role, 'group.manage');
  const [name, setName] = useState('');
  const action = useAction();

  const create = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await call('group.create', { name: name.trim() });
      setName('');
      await qc.invalidateQueries({ queryKey: keys.groups });
    });
  };

  return (
    <section aria-labelledby="groups-h">
      <h2 id="groups-h">Groups</h2>
      {canManage && (
        <form onSubmit={create} className="inline-form stack">
          <Field
            label="Group name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            maxLength={100}
            autoComplete="off"
          />
          <button type="submit" className="primary" disabled={action.busy || !name.trim()}>
            Create group
          </button>
        </form>
      )}
      <ErrorAlert error={action.error} />
      {groups.isPending && <p className="muted">Loading groups…</p>}
      <ErrorAlert error={groups.error?.message} />
      {groups.data?.length === 0 && <p className="muted">No groups yet.</p>}
      {groups.data?.map((g) => (
        <GroupCard key={g.id} group={g} canManage={canManage} />
      ))}
    </section>
  );
}
