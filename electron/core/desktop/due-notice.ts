// Process: core (trusted Node side; never imports electron).
// The daily desktop notification of secrets to rotate: at most once per calendar day (the
// user's local day, by the core's clock, which tests move), and only when something is due.
// It says how many, never which: a notification outlives the lock (notification centres keep
// it, lock screens show it), and a secret's name can itself tell an onlooker too much. The
// day it last fired is kept in the profile, so a restart the same day stays quiet.
import { isUrgent } from '../../../shared/due-words.ts';
import type { DueView } from '../../../shared/ipc-results.ts';

export interface DueNotification {
  title: string;
  body: string;
  /** The shell calls this when the notification is clicked: the window opens on Due. */
  onClick(): void;
}

export type NotifyPort = (n: DueNotification) => void;

/** YYYY-MM-DD of the local calendar day. */
export function localDay(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** What the notification says, or null when nothing is due. Counts secrets, not reminders:
 *  an expired secret that is also overdue is one secret to deal with. */
export function dueNoticeText(list: DueView[]): { title: string; body: string } | null {
  const urgent = new Set(list.filter(isUrgent).map((e) => e.id));
  const soon = new Set(list.filter((e) => !urgent.has(e.id)).map((e) => e.id));
  if (urgent.size + soon.size === 0) return null;
  const secrets = (n: number) => `${n} secret${n === 1 ? '' : 's'}`;
  const parts = [
    ...(urgent.size ? [`${secrets(urgent.size)} overdue or expired`] : []),
    ...(soon.size ? [`${secrets(soon.size)} due within 7 days`] : []),
  ];
  return { title: 'Secrets to rotate', body: `${parts.join(', ')}. Open Tessera to see which.` };
}

export interface DueNoticeDeps {
  notify: NotifyPort;
  now(): Date;
  /** The local day it last fired, as kept in the profile. */
  lastDay(): string | undefined;
  setLastDay(day: string): void;
  enabled(): boolean;
  onClick(): void;
}

export class DueNotice {
  constructor(private readonly deps: DueNoticeDeps) {}

  /** Notifies if something is due and it has not notified today; returns whether it did.
   *  The list is asked for only then: on most calls the day alone settles it. */
  check(list: () => DueView[]): boolean {
    if (!this.deps.enabled()) return false;
    const today = localDay(this.deps.now());
    if (this.deps.lastDay() === today) return false;
    const text = dueNoticeText(list());
    if (!text) return false;
    this.deps.setLastDay(today);
    this.deps.notify({ ...text, onClick: () => this.deps.onClick() });
    return true;
  }
}
