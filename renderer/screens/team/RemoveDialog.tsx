// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Taking someone out of the team, behind a dialog that says what it does. Removing a member
// re-keys every vault they could read (in the same batch as the removal); a vault this user
// may not re-key stays "re-key pending", and the dialog then names it and the people whose
// next sync finishes it. Withdrawing an invitation only stops someone who has not joined yet.
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { MemberChangeView, MemberView } from '../../../shared/ipc-results.ts';
import { call } from '../../bridge.ts';
import { invalidateLists } from '../../app/queries.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useAction } from '../../components/useAction.ts';

interface Props {
  member: MemberView;
  mode: 'remove' | 'revoke';
  onClose(): void;
  /** Called with what to tell the user once the change is in. */
  onDone(message: string): void;
}

export function RemoveDialog({ member, mode, onClose, onDone }: Props) {
  const qc = useQueryClient();
  const action = useAction();
  const [removed, setRemoved] = useState<MemberChangeView | null>(null);

  const go = () =>
    void action.run(async () => {
      if (mode === 'revoke') {
        await call('team.revokeInvitation', { email: member.email });
        await invalidateLists(qc);
        onDone(`The invitation of ${member.email} is withdrawn: their invite code no longer lets them join.`);
        return;
      }
      const r = await call('team.remove', { email: member.email });
      await invalidateLists(qc);
      // With nothing left for anyone else to do, there is nothing more to show here.
      if (r.pending.length === 0) onDone(removedText(r));
      else setRemoved(r);
    });

  if (removed)
    return (
      <Dialog title={`${removed.email} is removed`} onClose={() => onDone(removedText(removed))}>
        <p>{removedText(removed)}</p>
        <p>
          These vaults still need a re-key, which only their managers can do. Until it is done, new secrets
          there are sealed to a key the removed member still holds:
        </p>
        <ul aria-label="Vaults still to re-key">
          {removed.pending.map((p) => (
            <li key={p.vaultId}>
              {p.name ?? `A vault you cannot read (${p.vaultId})`}: re-keyed when{' '}
              {p.managers.length ? p.managers.join(' or ') : 'a manager of it'} next opens Tessera.
            </li>
          ))}
        </ul>
        <div className="actions">
          <button type="button" className="primary" onClick={() => onDone(removedText(removed))}>
            Close
          </button>
        </div>
      </Dialog>
    );

  const who = member.name ? `${member.name} (${member.email})` : member.email;
  return (
    <Dialog
      title={mode === 'remove' ? `Remove ${member.email}?` : `Revoke the invitation of ${member.email}?`}
      onClose={onClose}
    >
      {mode === 'remove' ? (
        <>
          <p>
            {who} loses the team at once: the server refuses their next request. Every vault they could read
            is re-keyed, so secrets saved from now on are sealed to a key they never get.
          </p>
          <p className="hint">They may have copied what they could read before: change those secrets.</p>
        </>
      ) : (
        <p>
          {who} has not been confirmed yet. Once withdrawn, their invite code no longer lets them join; invite
          them again if you change your mind.
        </p>
      )}
      <ErrorAlert error={action.error} />
      <div className="actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="danger" disabled={action.busy} onClick={go}>
          {mode === 'remove' ? 'Remove member' : 'Revoke invitation'}
        </button>
      </div>
    </Dialog>
  );
}

function removedText(r: MemberChangeView): string {
  const rekeyed = r.rekeyed.length ? ` Re-keyed: ${r.rekeyed.join(', ')}.` : '';
  return `${r.email} is removed from the team.${rekeyed}`;
}
