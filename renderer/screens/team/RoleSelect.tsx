// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// A member's role, changeable by those the role table lets (shared/roles.ts assignableRoles):
// only the roles this user may move them to are offered, and the core checks again against the
// verified chain. Someone made an owner receives every vault's key in the same change.
import { useQueryClient } from '@tanstack/react-query';
import { assignableRoles, TEAM_ROLES, type TeamRole } from '../../../shared/roles.ts';
import { call, errorText } from '../../bridge.ts';
import { invalidateLists } from '../../app/queries.ts';
import { useAction } from '../../components/useAction.ts';

interface Props {
  email: string;
  role: TeamRole;
  myRole: TeamRole | null;
  onDone(message: string): void;
  onError(message: string): void;
}

/** The roles to offer for a member: theirs, plus those this user may assign. Empty: no select. */
export function roleChoices(myRole: TeamRole | null, role: TeamRole): TeamRole[] {
  const to = assignableRoles(myRole, role);
  return to.length ? TEAM_ROLES.filter((r) => r === role || to.includes(r)) : [];
}

export function RoleSelect({ email, role, myRole, onDone, onError }: Props) {
  const qc = useQueryClient();
  const action = useAction();
  const choices = roleChoices(myRole, role);
  if (choices.length === 0) return <>{role}</>;
  const change = (to: TeamRole) =>
    void action.run(async () => {
      try {
        const r = await call('team.role', { email, role: to });
        await invalidateLists(qc);
        const rekeyed = r.rekeyed.length ? ` Re-keyed: ${r.rekeyed.join(', ')}.` : '';
        onDone(`${r.email} is now ${r.role}.${rekeyed}`);
      } catch (e) {
        onError(errorText(e));
      }
    });
  return (
    <select
      aria-label={`Role of ${email}`}
      value={role}
      disabled={action.busy}
      onChange={(e) => change(e.target.value as TeamRole)}
    >
      {choices.map((r) => (
        <option key={r} value={r}>
          {r}
        </option>
      ))}
    </select>
  );
}
