// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// The nav's count of reminders that are overdue, expired or flagged for rotation; nothing when
// there are none.
import { useDue } from '../../app/queries.ts';
import { isUrgent } from '../../../shared/due-words.ts';

export function DueBadge() {
  const due = useDue();
  const n = (due.data ?? []).filter(isUrgent).length;
  if (n === 0) return null;
  return (
    <span className="badge conflict nav-badge">
      {n}
      <span className="visually-hidden"> overdue, expired or flagged</span>
    </span>
  );
}
