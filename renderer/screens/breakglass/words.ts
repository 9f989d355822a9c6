// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// The words the break-glass screen uses for a policy and a status.
import type { BreakGlassRequestView } from '../../../shared/ipc-results.ts';

export function policyWords(p: BreakGlassRequestView['policy']): string {
  if (p.kind === 'approval') return `Needs ${p.approvals} admin approval${p.approvals === 1 ? '' : 's'}.`;
  if (p.kind === 'delay') return `Granted after ${p.minutes} minutes unless an admin denies it.`;
  return 'Granted at once; every admin is alerted.';
}

export const STATUS_WORDS: Record<BreakGlassRequestView['status'], string> = {
  pending: 'Waiting',
  denied: 'Denied',
  granted: 'Granted, key on its way',
  open: 'Open',
  expired: 'Ended',
  closed: 'Closed',
};
