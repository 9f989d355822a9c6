// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// The nav's count of conflicts waiting for someone to keep a side; nothing when there are none.
// The Sync link names itself and points here for its description ("2 conflicts"), so the
// link keeps one name whatever the count.
import { useMemo } from 'react';
import { useSecrets } from '../../app/queries.ts';
import { conflictCopies } from './Conflicts.tsx';

export function ConflictBadge({ id }: { id: string }) {
  const secrets = useSecrets();
  const n = useMemo(() => conflictCopies(secrets.data).length, [secrets.data]);
  if (n === 0) return null;
  return (
    <span id={id} className="badge conflict nav-badge">
      {n}
      <span className="visually-hidden">{n === 1 ? ' conflict' : ' conflicts'}</span>
    </span>
  );
}
