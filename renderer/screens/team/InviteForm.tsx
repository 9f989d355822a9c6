// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Invite someone by email. Only roles this user may hand out are offered (an admin can
// invite members, only an owner can invite admins or owners).
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { inviteOperation, mayInTeam, TEAM_ROLES, type TeamRole } from '../../../shared/roles.ts';
import { call } from '../../bridge.ts';
import { keys } from '../../app/queries.ts';
import { useSession } from '../../app/session.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Field, SelectField } from '../../components/Field.tsx';
import { useAction } from '../../components/useAction.ts';

export function invitableRoles(role: TeamRole | null): TeamRole[] {
  return TEAM_ROLES.filter((r) => mayInTeam(role, inviteOperation(r)));
}

export function InviteForm() {
  const { state } = useSession();
  const qc = useQueryClient();
  const roles = invitableRoles(state.team?.role ?? null);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<TeamRole>(roles.includes('member') ? 'member' : (roles[0] ?? 'member'));
  const [done, setDone] = useState<string | null>(null);
  const action = useAction();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const who = email.trim();
    setDone(null);
    void action.run(async () => {
      await call('team.invite', { email: who, role });
      setEmail('');
      setDone(`Invited ${who} as ${role}. Once they accept, confirm them here.`);
      await qc.invalidateQueries({ queryKey: keys.members });
    });
  };

  return (
    <section aria-labelledby="invite-h" className="panel">
      <h2 id="invite-h">Invite</h2>
      <form onSubmit={submit} className="inline-form" noValidate>
        <Field
          label="Invite email"
          type="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          required
          autoComplete="off"
        />
        <SelectField label="Invite role" value={role} onChange={(e) => setRole(e.target.value as TeamRole)}>
          {roles.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </SelectField>
        <button type="submit" className="primary" disabled={action.busy}>
          Invite
        </button>
      </form>
      <ErrorAlert error={action.error} />
      {done && (
        <p role="status" className="ok">
          {done}
        </p>
      )}
    </section>
  );
}
