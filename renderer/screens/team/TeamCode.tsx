// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// The team's invite code, for those who may invite: the same code every invitation to this
// team needs, so an admin can give it again to someone who lost it.
import { useInviteCode } from '../../app/queries.ts';
import { useSession } from '../../app/session.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { InviteCode } from '../../components/InviteCode.tsx';

export function TeamCode() {
  const { state } = useSession();
  const code = useInviteCode(state.team?.id ?? null);
  return (
    <section aria-labelledby="team-code-h" className="panel">
      <h2 id="team-code-h">Invite code</h2>
      {code.isPending && <p className="muted">Loading the invite code…</p>}
      {code.error && <ErrorAlert error={code.error.message} />}
      {code.data && (
        <InviteCode code={code.data.inviteCode} label="Team invite code" copyLabel="Copy team invite code">
          Everyone you invite needs this code to join {state.team?.name}. Give it to them directly: in person,
          by phone or in chat, not through the Tessera server.
        </InviteCode>
      )}
    </section>
  );
}
