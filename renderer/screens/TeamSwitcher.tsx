// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Shows the current team; when this account belongs to several, lets the user switch.
// Switching re-reads every list, since each team has its own vaults and members.
import { useQueryClient } from '@tanstack/react-query';
import { useId } from 'react';
import { call } from '../bridge.ts';
import { useTeams } from '../app/queries.ts';
import { useSession } from '../app/session.tsx';

export function TeamSwitcher() {
  const { state, setState } = useSession();
  const qc = useQueryClient();
  const teams = useTeams();
  const id = useId();
  const current = state.team;
  if (!current) return null;
  if (!teams.data || teams.data.length < 2) {
    return (
      <span className="team-name" title="Current team">
        {current.name}
      </span>
    );
  }
  const change = async (teamId: string) => {
    const next = await call('team.use', { team: teamId }).catch(() => null);
    if (!next) return;
    qc.removeQueries();
    setState(next);
  };
  return (
    <span className="team-switch">
      <label htmlFor={id} className="visually-hidden">
        Current team
      </label>
      <select id={id} value={current.id} onChange={(e) => void change(e.target.value)}>
        {teams.data.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name}
          </option>
        ))}
      </select>
    </span>
  );
}
