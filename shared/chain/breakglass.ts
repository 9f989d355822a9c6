// Process: shared. Break-glass sessions as the verified chain records them (docs/design.md
// "Break-glass"): a request, the approvals and denial signed by their authors, the key sealed
// to the requester and the close. Whether a session is granted is judged from signed times
// only; whether it is open now also needs a clock, which the caller passes (the client its
// own, the server its own), so no server word decides either.
import type { BreakGlassPolicy, ManifestEntry } from './links.ts';
import type { ChainVault } from './state.ts';

export interface BreakGlassMark {
  label: string;
  policy: BreakGlassPolicy;
  windowMinutes: number;
}

export interface BreakGlassSession {
  request: string;
  requester: string;
  reason: string;
  minutes: number;
  at: number;
  approvals: string[];
  deniedBy?: string;
  /** The vault key sealed to the requester: who sealed it, when (signed), at which generation,
   *  and the items the sealer held then (the release must cover them). */
  key?: { by: string; at: number; generation: number; keyHash: string; items: readonly ManifestEntry[] };
  closedAt?: number;
}

export type SessionStatus = 'pending' | 'denied' | 'granted' | 'open' | 'expired' | 'closed';

/** Whether the policy grants the request at signed time `at`: k approvals, the delay passed
 *  with no denial, or at once. A denial or a close ends it either way. */
export function grantedAt(mark: BreakGlassMark, s: BreakGlassSession, at: number): boolean {
  if (s.deniedBy !== undefined || s.closedAt !== undefined) return false;
  const p = mark.policy;
  if (p.kind === 'approval') return s.approvals.length >= p.approvals;
  if (p.kind === 'delay') return at >= s.at + p.minutes * 60_000;
  return true;
}

/** When the session's window ends: the key's signed time plus the minutes asked for. */
export function windowEnd(s: BreakGlassSession): number | null {
  return s.key ? s.key.at + s.minutes * 60_000 : null;
}

export function sessionStatus(v: ChainVault, s: BreakGlassSession, now: number): SessionStatus {
  if (s.closedAt !== undefined) return 'closed';
  if (s.deniedBy !== undefined) return 'denied';
  if (s.key) {
    if (s.key.generation !== v.generation) return 'expired';
    return now >= windowEnd(s)! ? 'expired' : now < s.key.at ? 'granted' : 'open';
  }
  return v.breakglass && grantedAt(v.breakglass, s, now) ? 'granted' : 'pending';
}

/** A session whose key went out at the current generation and is over (closed, or past its
 *  window by `now` when a clock is given): the vault must be re-keyed. */
export function sessionRekeyPending(v: ChainVault, now?: number): boolean {
  for (const s of v.sessions ?? []) {
    if (!s.key || s.key.generation !== v.generation) continue;
    if (s.closedAt !== undefined || (now !== undefined && now >= windowEnd(s)!)) return true;
  }
  return false;
}

export function findSession(
  vaults: Iterable<ChainVault>,
  request: string,
): { vault: ChainVault; session: BreakGlassSession } | undefined {
  for (const vault of vaults)
    for (const session of vault.sessions ?? []) if (session.request === request) return { vault, session };
  return undefined;
}

export function cloneSessions(v: ChainVault): Pick<ChainVault, 'sessions'> {
  if (!v.sessions) return {};
  return {
    sessions: v.sessions.map((s) => ({
      ...s,
      approvals: [...s.approvals],
      ...(s.key ? { key: { ...s.key } } : {}),
    })),
  };
}
