// Process: shared. How a rotation reminder is said, in the window and in `tessera due`, and
// which reminders count as urgent (the nav badge, and the exit code 6 a CI job fails on).
import type { DueView } from './ipc-results.ts';
import { plural } from './words.ts';

/** Overdue, expired, and flagged for rotation: what must be dealt with now. */
export const isUrgent = (e: Pick<DueView, 'reason'>) =>
  e.reason === 'overdue' || e.reason === 'expired' || e.reason === 'rotation-required';

/** "flagged by bob@example.com on 2026-12-03", and how many others flagged it too. */
export function describeFlaggers(e: Pick<DueView, 'flags'>): string | null {
  const [newest, ...rest] = e.flags ?? [];
  if (!newest) return null;
  const others = rest.length ? ` and ${plural(rest.length, 'other')}` : '';
  return `flagged by ${newest.by}${others} on ${newest.at.slice(0, 10)}`;
}

/** "every 30 days", and whose interval it is when the secret has none of its own. */
export function describeInterval(e: Pick<DueView, 'rotateEveryDays' | 'intervalFromVault'>): string | null {
  if (!e.rotateEveryDays) return null;
  const every = `every ${plural(e.rotateEveryDays, 'day')}`;
  return e.intervalFromVault ? `${every}, the vault's default` : every;
}

export function describeDue(e: Pick<DueView, 'reason' | 'days' | 'flags'>): string {
  const n = Math.abs(e.days);
  switch (e.reason) {
    case 'rotation-required':
      return `Rotation required: ${e.flags?.[0]?.reason ?? 'flagged by a member'}`;
    case 'overdue':
      return n === 0 ? 'Rotation overdue since today' : `Rotation overdue by ${plural(n, 'day')}`;
    case 'due-soon':
      return n === 0 ? 'Rotation due today' : `Rotation due in ${plural(n, 'day')}`;
    case 'expired':
      return n === 0 ? 'Expired today' : `Expired ${plural(n, 'day')} ago`;
    default:
      return n === 0 ? 'Expires today' : `Expires in ${plural(n, 'day')}`;
  }
}
