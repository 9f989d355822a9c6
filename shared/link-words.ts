// Process: shared. How the window says what a one-time link does (docs/design.md "One-time
// links"): how long it lives, what became of it, and which lifetimes a sender may pick under
// a vault's policy. Kept beside the words of other screens so the dialog, the list and the
// policy dialog cannot drift apart on "1 day" against "24 hours".
import type { LinkStatus, LinkView } from './ipc-results.ts';
import { LINK_MAX_EXPIRY_SECONDS } from './links.ts';
import { plural } from './words.ts';

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;

/** The lifetimes offered to a sender; the last is the longest any link may live. */
export const LINK_EXPIRY_PRESETS = [
  10 * MINUTE,
  HOUR,
  8 * HOUR,
  DAY,
  3 * DAY,
  LINK_MAX_EXPIRY_SECONDS,
] as const;
/** The lifetime a new link gets unless the sender picks another (the CLI's default too). */
export const LINK_DEFAULT_EXPIRY = HOUR;
/** The caps an admin picks from; `null` is "no cap of its own". */
export const LINK_POLICY_CAPS = [HOUR, DAY, 3 * DAY] as const;

/** "10 minutes", "1 hour", "7 days"; rounded down to the largest whole unit. */
export function describeLifetime(seconds: number): string {
  if (seconds >= DAY && seconds % DAY === 0) return plural(seconds / DAY, 'day');
  if (seconds >= HOUR && seconds % HOUR === 0) return plural(seconds / HOUR, 'hour');
  return plural(Math.max(1, Math.round(seconds / MINUTE)), 'minute');
}

/** The lifetimes a sender may pick under a cap: the presets that fit, and the cap itself when
 *  it falls between two of them, so the longest allowed is always on offer. */
export function expiryChoices(cap: number | null): number[] {
  const limit = Math.min(cap ?? LINK_MAX_EXPIRY_SECONDS, LINK_MAX_EXPIRY_SECONDS);
  const fit: number[] = LINK_EXPIRY_PRESETS.filter((s) => s <= limit);
  if (!fit.includes(limit)) fit.push(limit);
  return fit;
}

/** The preselected lifetime: the default when the policy allows it, else the longest allowed. */
export function defaultExpiry(cap: number | null): number {
  const choices = expiryChoices(cap);
  return choices.includes(LINK_DEFAULT_EXPIRY) ? LINK_DEFAULT_EXPIRY : choices[choices.length - 1]!;
}

/** A vault's policy in one sentence, as the share dialog and the policy dialog show it. */
export function describePolicy(p: { linksAllowed: boolean; maxExpirySeconds: number | null }): string {
  if (!p.linksAllowed) return 'One-time links are turned off for this vault.';
  if (p.maxExpirySeconds === null)
    return `Links from this vault may live up to ${describeLifetime(LINK_MAX_EXPIRY_SECONDS)}.`;
  return `This vault's policy lets links live at most ${describeLifetime(p.maxExpirySeconds)}.`;
}

export const LINK_STATUS_WORDS: Record<LinkStatus, string> = {
  active: 'Active',
  used_up: 'Used up',
  expired: 'Expired',
  revoked: 'Revoked',
};

/** "1 of 2 views left". */
export function describeViews(l: { views: number; viewsLeft: number }): string {
  return `${l.viewsLeft} of ${plural(l.views, 'view')} left`;
}

/** What a listed link holds, in this client's names: the server knows only ids. */
export function describeLink(l: Pick<LinkView, 'vault' | 'secret'>): string {
  if (l.vault === null) return 'a secret in a vault you cannot read';
  return l.secret === null ? `a deleted secret in ${l.vault}` : `${l.vault}/${l.secret}`;
}
