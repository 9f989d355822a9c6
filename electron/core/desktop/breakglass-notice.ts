// Process: core (trusted Node side; never imports electron).
// Desktop notifications for break-glass (docs/design.md "Break-glass"), through the same
// notify port as the due notice: an approver is told when requests wait for their answer, a
// responder when their access is open. Counts only, never a vault label or a reason: a
// notification outlives the lock and shows on lock screens. Each request is told once per
// unlocked run.
import type { BreakGlassEntry } from '../service/breakglass.ts';
import type { NotifyPort } from './due-notice.ts';

export class BreakGlassNotice {
  private readonly told = new Set<string>();

  constructor(
    private readonly notify: NotifyPort,
    private readonly onClick: () => void,
  ) {}

  check(list: readonly BreakGlassEntry[]): void {
    const waiting = list.filter((e) => e.canAnswer && !this.told.has(`ask:${e.request}`));
    const opened = list.filter((e) => e.mine && e.status === 'open' && !this.told.has(`open:${e.request}`));
    for (const e of waiting) this.told.add(`ask:${e.request}`);
    for (const e of opened) this.told.add(`open:${e.request}`);
    if (waiting.length > 0) {
      const n = list.filter((e) => e.canAnswer).length;
      this.notify({
        title: 'Break-glass request',
        body: `${n} break-glass request${n === 1 ? ' waits' : 's wait'} for your answer. Open Tessera to answer.`,
        onClick: this.onClick,
      });
    }
    if (opened.length > 0)
      this.notify({
        title: 'Break-glass access granted',
        body: 'Your break-glass access is open. Open Tessera to use it before the window ends.',
        onClick: this.onClick,
      });
  }

  reset(): void {
    this.told.clear();
  }
}
