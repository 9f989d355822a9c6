// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// The team: our own fingerprint (to read to an admin), the members with their status, and,
// for those whose role allows it, the team's invite code, inviting, confirming and managing
// groups. Every "allowed?" question goes to shared/roles.ts.
import { mayInTeam } from '../../../shared/roles.ts';
import { useSession } from '../../app/session.tsx';
import { Fingerprint } from '../../components/Fingerprint.tsx';
import { Groups } from './Groups.tsx';
import { InviteForm, invitableRoles } from './InviteForm.tsx';
import { MembersTable } from './MembersTable.tsx';
import { TeamCode } from './TeamCode.tsx';

export function TeamScreen() {
  const { state } = useSession();
  const role = state.team?.role ?? null;
  const mayInvite = invitableRoles(role).length > 0;
  return (
    <>
      <div className="screen-head">
        <h1>Team</h1>
        <span className="muted">
          {state.team?.name} · you are {role ?? 'not confirmed yet'}
        </span>
      </div>
      <Fingerprint label="Your fingerprint" value={state.fingerprint} />
      <p className="hint">
        When an admin confirms you, read this to them so they can check it matches their screen.
      </p>
      <MembersTable />
      {mayInvite && <TeamCode />}
      {mayInvite && <InviteForm />}
      {mayInTeam(role, 'group.read') && <Groups />}
    </>
  );
}
