// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Invite someone by email. Only roles this user may hand out are offered (an admin can
// invite members, only an owner can invite admins or owners). The answer carries the invite
// code, shown at once: the invited person needs it to join, and it must reach them from us,
// not from the server, so that their app can check it joins this team and not a lookalike.
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { inviteOperation, mayInTeam, TEAM_ROLES, type TeamRole } from '../../../shared/roles.ts';
import { call } from '../../bridge.ts';
import { keys } from '../../app/queries.ts';
import { useSession } from '../../app/session.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Field, SelectField } from '../../components/Field.tsx';
import { InviteCode } from '../../components/InviteCode.tsx';
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
  const [done, setDone] = useState<{ email: string; role: TeamRole; inviteCode: string } | null>(null);
  const action = useAction();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const who = email.trim();
    setDone(null);
    void action.run(async () => {
      const invited = await call('team.invite', { email: who, role });
      setEmail('');
      setDone(invited);
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
        <div className="invite-result">
          <p role="status" className="ok">
            Invited {done.email} as {done.role}. Once they join with the code below, confirm them here.
          </p>
          <InviteCode
            code={done.inviteCode}
            label={`Invite code for ${done.email}`}
            copyLabel="Copy invite code"
          >
            Give this code to {done.email} directly: in person, by phone or in chat, not through the Tessera
            server. Their app checks the team against it before joining.
          </InviteCode>
        </div>
      )}
    </section>
  );
}
