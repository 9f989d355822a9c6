// Process: core (trusted Node side; never imports electron).
// Desktop notifications for break-glass (docs/design.md "Break-glass"), through the same
// notify port as the due notice: an approver is told when requests wait for their answer and
// when a session is granted; a responder when their access is open, with the window's end.
// Everything is judged from this client's verified chain (the statuses it passes in), never
// from a server's word: a grant the server claims but nobody signed tells nobody anything.
// Counts and a time only, never a vault label, a person or a reason: a notification outlives
// the lock and shows on lock screens. Each request is told once per unlocked run.
import type { BreakGlassEntry } from '../service/breakglass.ts';
import type { NotifyPort } from './due-notice.ts';

/** The window's end as the notification says it: local hours and minutes. */
export function clockTime(iso: string): string {
  return new Date(iso).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false });
}

const live = (e: BreakGlassEntry) => e.status === 'granted' || e.status === 'open';

export class BreakGlassNotice {
  private readonly told = new Set<string>();

  constructor(
    private readonly notify: NotifyPort,
    private readonly onClick: () => void,
  ) {}

  /** `approver`: this user may approve break-glass in the team (an admin or an owner). */
  check(list: readonly BreakGlassEntry[], approver = false): void {
    const fresh = (tag: string, e: BreakGlassEntry) => !this.told.has(`${tag}:${e.request}`);
    const waiting = list.filter((e) => e.canAnswer && fresh('ask', e));
    const opened = list.filter((e) => e.mine && e.status === 'open' && e.endsAt && fresh('open', e));
    const granted = approver ? list.filter((e) => !e.mine && live(e) && fresh('grant', e)) : [];
    for (const e of waiting) this.told.add(`ask:${e.request}`);
    for (const e of opened) this.told.add(`open:${e.request}`);
    for (const e of granted) this.told.add(`grant:${e.request}`);
    if (waiting.length > 0) {
      const n = list.filter((e) => e.canAnswer).length;
      this.notify({
        title: 'Break-glass request',
        body: `${n} break-glass request${n === 1 ? ' waits' : 's wait'} for your answer. Open Tessera to answer.`,
        onClick: this.onClick,
      });
    }
    if (granted.length > 0) {
      const n = granted.length;
      this.notify({
        title: 'Break-glass session granted',
        body: `${n} break-glass session${n === 1 ? ' was' : 's were'} granted. Open Tessera to see ${n === 1 ? 'it' : 'them'}.`,
        onClick: this.onClick,
      });
    }
    if (opened.length > 0) {
      const end = opened.map((e) => e.endsAt!).sort()[0]!;
      this.notify({
        title: 'Break-glass access granted',
        body: `Your break-glass access is granted, window until ${clockTime(end)}. Open Tessera to use it.`,
        onClick: this.onClick,
      });
    }
  }

  reset(): void {
    this.told.clear();
  }
}
