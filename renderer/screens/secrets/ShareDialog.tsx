// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Who can open a vault, and changing it. Sharing seals the vault key to a confirmed member
// (or each member of a group); removing someone re-keys the whole vault, because whoever
// held the old key could still read anything encrypted under it.
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import type { AccessView, VaultView } from '../../../shared/ipc-results.ts';
import { mayInTeam, VAULT_ROLES, type VaultRole } from '../../../shared/roles.ts';
import { call } from '../../bridge.ts';
import { invalidateLists, keys, useAccess, useGroups, useMembers } from '../../app/queries.ts';
import { useSession } from '../../app/session.tsx';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Field, SelectField } from '../../components/Field.tsx';
import { useAction } from '../../components/useAction.ts';

export function ShareDialog({ vault, onClose }: { vault: VaultView; onClose(): void }) {
  const { state } = useSession();
  const qc = useQueryClient();
  const access = useAccess(vault.id);
  const members = useMembers();
  const groups = useGroups(mayInTeam(state.team?.role, 'group.read'));
  const [target, setTarget] = useState('');
  const [role, setRole] = useState<VaultRole>('view');
  const action = useAction();
  const [done, setDone] = useState<string | null>(null);
  const listId = useId();

  const refresh = async () => {
    await qc.invalidateQueries({ queryKey: keys.access(vault.id) });
    await invalidateLists(qc);
  };

  const share = (e: FormEvent) => {
    e.preventDefault();
    const who = target.trim();
    setDone(null);
    void action.run(async () => {
      await call('vault.share', { vault: vault.id, with: who, role });
      setTarget('');
      setDone(`Shared with ${who} (${role}).`);
      await refresh();
    });
  };

  // The core names a principal by a member's email or a group's id: a group's name may be
  // another group's too, or look like an email.
  const remove = (a: AccessView) => {
    setDone(null);
    const before = vault.generation;
    void action.run(async () => {
      const r = await call('vault.unshare', {
        vault: vault.id,
        with: a.principal.type === 'group' ? a.principal.id : a.name,
      });
      setDone(
        r.generation > before
          ? `Removed ${a.name}. The vault was re-keyed (key generation ${r.generation}).`
          : `Removed ${a.name}'s grant. Everyone who could read the vault still can (owners always do, and a group may still include them), so it was not re-keyed.`,
      );
      await refresh();
    });
  };

  const suggestions = [
    ...(members.data ?? []).filter((m) => m.status === 'confirmed').map((m) => m.email),
    ...(groups.data ?? []).map((g) => g.name),
  ];

  return (
    <Dialog title={`Share ${vault.name}`} onClose={onClose} wide>
      <form onSubmit={share} className="inline-form">
        <Field
          label="Member or group"
          value={target}
          onChange={(e) => setTarget(e.target.value)}
          list={listId}
          autoFocus
          required
          autoComplete="off"
          placeholder="email or group name"
        />
        <datalist id={listId}>
          {suggestions.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
        <SelectField label="Role" value={role} onChange={(e) => setRole(e.target.value as VaultRole)}>
          {VAULT_ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </SelectField>
        <button type="submit" className="primary" disabled={action.busy || !target.trim()}>
          Share vault
        </button>
      </form>
      <p className="hint">Only members an admin has confirmed can receive the vault key.</p>
      <ErrorAlert error={action.error} />
      {done && (
        <p role="status" className="ok">
          {done}
        </p>
      )}
      <h3>Current access</h3>
      <p className="hint">
        Removing someone re-keys the vault: a new key is made, every secret is re-encrypted and the key is
        sealed again to everyone who keeps access. Owners always keep access.
      </p>
      {access.isPending && <p className="muted">Loading…</p>}
      {access.error && <ErrorAlert error={access.error.message} />}
      <ul className="plain">
        {access.data?.map((a) => (
          <li key={`${a.principal.type}:${a.principal.id}`} className="row">
            <span>
              {a.name}{' '}
              <span className="muted">
                {a.principal.type === 'group' ? 'group · ' : ''}
                {a.role}
              </span>
            </span>
            <button
              type="button"
              onClick={() => remove(a)}
              disabled={action.busy}
              aria-label={`Remove ${a.name}`}
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
      <div className="actions">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
