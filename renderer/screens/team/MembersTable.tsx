// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Everyone in the team with role, status and key fingerprint. A member who accepted but is
// not confirmed gets a Confirm button for those allowed to confirm: that opens the
// fingerprint comparison, the step that makes their keys trusted.
import { useState } from 'react';
import type { MemberView } from '../../../shared/ipc-results.ts';
import { mayInTeam } from '../../../shared/roles.ts';
import { useMembers } from '../../app/queries.ts';
import { useSession } from '../../app/session.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { ConfirmDialog } from './ConfirmDialog.tsx';

export function MembersTable() {
  const { state } = useSession();
  const members = useMembers(5_000);
  const [confirming, setConfirming] = useState<MemberView | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const canConfirm = mayInTeam(state.team?.role, 'team.confirm');

  return (
    <section aria-labelledby="members-h">
      <h2 id="members-h">Members</h2>
      {members.isPending && <p className="muted">Loading members…</p>}
      <ErrorAlert error={members.error?.message} />
      {done && (
        <p role="status" className="ok">
          {done}
        </p>
      )}
      {members.data && (
        <table>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Fingerprint</th>
              {canConfirm && <th scope="col">Action</th>}
            </tr>
          </thead>
          <tbody>
            {members.data.map((m) => (
              <tr key={m.email}>
                <td>{m.email}</td>
                <td>{m.name ?? ''}</td>
                <td>{m.role}</td>
                <td>
                  <span className={`badge status-${m.status}`}>{m.status}</span>
                </td>
                <td>
                  {m.fingerprint ? <code>{m.fingerprint}</code> : <span className="muted">none yet</span>}
                </td>
                {canConfirm && (
                  <td>
                    {m.status === 'accepted' && (
                      <button type="button" className="primary" onClick={() => setConfirming(m)}>
                        Confirm {m.email}
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {confirming && (
        <ConfirmDialog
          member={confirming}
          onClose={() => setConfirming(null)}
          onConfirmed={(email) => {
            setConfirming(null);
            setDone(`${email} is confirmed. Vaults can now be shared with them.`);
          }}
        />
      )}
    </section>
  );
}
