// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Everyone in the team with role, status and key fingerprint. What a row offers follows the
// role table in shared/roles.ts: Confirm for someone who accepted (the fingerprint check that
// makes their keys trusted), a role select, Remove for a confirmed member, and Revoke for an
// invitation not confirmed yet. Each status has its own badge text, not just its own colour.
import { useState } from 'react';
import type { MemberView } from '../../../shared/ipc-results.ts';
import {
  mayConfirm,
  mayOffboardMember,
  mayRemoveMember,
  mayRevokeInvitation,
} from '../../../shared/roles.ts';
import { useMembers } from '../../app/queries.ts';
import { useSession } from '../../app/session.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { ConfirmDialog } from './ConfirmDialog.tsx';
import { OffboardDialog } from './OffboardDialog.tsx';
import { RemoveDialog } from './RemoveDialog.tsx';
import { RoleSelect, roleChoices } from './RoleSelect.tsx';

const STATUS_TEXT: Record<MemberView['status'], string> = {
  invited: 'invited',
  accepted: 'accepted, awaiting confirmation',
  confirmed: 'confirmed',
  suspended: 'suspended',
  removed: 'removed',
};

export function MembersTable() {
  const { state } = useSession();
  const members = useMembers(5_000);
  const [confirming, setConfirming] = useState<MemberView | null>(null);
  const [removing, setRemoving] = useState<{ member: MemberView; mode: 'remove' | 'revoke' } | null>(null);
  const [offboarding, setOffboarding] = useState<MemberView | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const myRole = state.team?.role ?? null;
  const isMe = (m: MemberView) => m.email === state.email;
  const actionsFor = (m: MemberView) => ({
    confirm: m.status === 'accepted' && mayConfirm(myRole, m.role),
    revoke: (m.status === 'invited' || m.status === 'accepted') && mayRevokeInvitation(myRole, m.role),
    remove: m.status === 'confirmed' && !isMe(m) && mayRemoveMember(myRole, m.role),
    offboard: m.status === 'confirmed' && !isMe(m) && mayOffboardMember(myRole, m.role),
  });
  const anyAction = members.data?.some((m) => Object.values(actionsFor(m)).some(Boolean)) ?? false;
  const finished = (message: string) => {
    setConfirming(null);
    setRemoving(null);
    setOffboarding(null);
    setError(null);
    setDone(message);
  };

  return (
    <section aria-labelledby="members-h">
      <h2 id="members-h">Members</h2>
      {members.isPending && <p className="muted">Loading members…</p>}
      <ErrorAlert error={members.error?.message ?? error} />
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
              {anyAction && <th scope="col">Action</th>}
            </tr>
          </thead>
          <tbody>
            {members.data.map((m) => {
              const can = actionsFor(m);
              return (
                <tr key={m.email} className={`member-${m.status}`}>
                  <td>{m.email}</td>
                  <td>{m.name ?? ''}</td>
                  <td>
                    {m.status === 'confirmed' && !isMe(m) && roleChoices(myRole, m.role).length > 0 ? (
                      <RoleSelect
                        email={m.email}
                        role={m.role}
                        myRole={myRole}
                        onDone={finished}
                        onError={(e) => {
                          setDone(null);
                          setError(e);
                        }}
                      />
                    ) : (
                      m.role
                    )}
                  </td>
                  <td>
                    <span className={`badge status-${m.status}`}>{STATUS_TEXT[m.status]}</span>
                  </td>
                  <td>
                    {m.fingerprint ? <code>{m.fingerprint}</code> : <span className="muted">none yet</span>}
                  </td>
                  {anyAction && (
                    <td>
                      <div className="row-actions">
                        {can.confirm && (
                          <button type="button" className="primary" onClick={() => setConfirming(m)}>
                            Confirm {m.email}
                          </button>
                        )}
                        {can.revoke && (
                          <button type="button" onClick={() => setRemoving({ member: m, mode: 'revoke' })}>
                            Revoke invitation of {m.email}
                          </button>
                        )}
                        {can.remove && (
                          <button
                            type="button"
                            className="danger"
                            onClick={() => setRemoving({ member: m, mode: 'remove' })}
                          >
                            Remove {m.email}
                          </button>
                        )}
                        {can.offboard && (
                          <button type="button" className="danger" onClick={() => setOffboarding(m)}>
                            Offboard {m.email}
                          </button>
                        )}
                      </div>
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {confirming && (
        <ConfirmDialog
          member={confirming}
          onClose={() => setConfirming(null)}
          onConfirmed={(email) => finished(`${email} is confirmed. Vaults can now be shared with them.`)}
        />
      )}
      {offboarding && (
        <OffboardDialog member={offboarding} onClose={() => setOffboarding(null)} onDone={finished} />
      )}
      {removing && (
        <RemoveDialog
          member={removing.member}
          mode={removing.mode}
          onClose={() => setRemoving(null)}
          onDone={finished}
        />
      )}
    </section>
  );
}
