// Process: test (Vitest, Node).
// The daily due notification's rules (electron/core/desktop/due-notice.ts) with a moved clock,
// and the shell's adapter over a small stand-in for Electron's Notification (the one part that
// cannot run here).
import { describe, expect, it } from 'vitest';
import { DueNotice, dueNoticeText, localDay } from '../../electron/core/desktop/due-notice.ts';
import { notifyPort } from '../../electron/main/notify.ts';
import type { DueView } from '../../shared/ipc-results.ts';

const entry = (id: string, reason: DueView['reason']): DueView => ({
  id,
  vault: 'prod',
  vaultId: 'v',
  name: `name-${id}`,
  reason,
  dueAt: '2026-12-01T00:00:00Z',
  days: 0,
  canRotate: true,
});

describe('dueNoticeText', () => {
  it('counts secrets, not reminders, and names none', () => {
    const t = dueNoticeText([
      entry('a', 'expired'),
      entry('a', 'overdue'),
      entry('b', 'due-soon'),
      entry('c', 'expires-soon'),
    ]);
    expect(t).toEqual({
      title: 'Secrets to rotate',
      body: '1 secret overdue or expired, 2 secrets due within 7 days. Open Tessera to see which.',
    });
    expect(t!.body).not.toContain('name-');
    expect(dueNoticeText([])).toBeNull();
  });
});

describe('DueNotice', () => {
  function make() {
    let now = new Date(2026, 11, 3, 9, 0);
    let last: string | undefined;
    let enabled = true;
    let listed = 0;
    const shown: string[] = [];
    const clicks: number[] = [];
    const n = new DueNotice({
      notify: (x) => {
        shown.push(x.body);
        x.onClick();
      },
      now: () => now,
      lastDay: () => last,
      setLastDay: (d) => (last = d),
      enabled: () => enabled,
      onClick: () => clicks.push(1),
    });
    const list = (l: DueView[]) => () => {
      listed++;
      return l;
    };
    return {
      n,
      list,
      shown,
      clicks,
      get listed() {
        return listed;
      },
      at: (d: Date) => (now = d),
      off: () => (enabled = false),
    };
  }

  it('fires at most once per local day, and only when something is due', () => {
    const t = make();
    expect(t.n.check(t.list([]))).toBe(false);
    expect(t.n.check(t.list([entry('a', 'overdue')]))).toBe(true);
    expect(t.n.check(t.list([entry('a', 'overdue')]))).toBe(false);
    // Once it has fired today, the list is not even computed.
    expect(t.listed).toBe(2);
    t.at(new Date(2026, 11, 3, 23, 59));
    expect(t.n.check(t.list([entry('a', 'overdue')]))).toBe(false);
    t.at(new Date(2026, 11, 4, 0, 1));
    expect(t.n.check(t.list([entry('a', 'overdue')]))).toBe(true);
    expect(t.shown).toHaveLength(2);
    expect(t.clicks).toHaveLength(2);
  });

  it('stays quiet when turned off', () => {
    const t = make();
    t.off();
    expect(t.n.check(t.list([entry('a', 'overdue')]))).toBe(false);
    expect(t.listed).toBe(0);
  });

  it('names the local day', () => {
    expect(localDay(new Date(2026, 0, 5, 23, 30))).toBe('2026-01-05');
  });
});

describe('notifyPort (the shell)', () => {
  class FakeNotification {
    static supported = true;
    static shown: FakeNotification[] = [];
    static isSupported = () => FakeNotification.supported;
    private click: (() => void) | null = null;
    constructor(readonly options: { title: string; body: string }) {}
    on(_e: 'click', l: () => void) {
      this.click = l;
    }
    show() {
      FakeNotification.shown.push(this);
    }
    clickIt() {
      this.click?.();
    }
  }

  it('shows the notification; a click brings up the window, then tells the core', () => {
    const order: string[] = [];
    const port = notifyPort(FakeNotification, () => order.push('window'));
    port({ title: 'T', body: 'B', onClick: () => order.push('core') });
    expect(FakeNotification.shown.map((n) => n.options)).toEqual([{ title: 'T', body: 'B' }]);
    FakeNotification.shown[0]!.clickIt();
    expect(order).toEqual(['window', 'core']);
  });

  it('does nothing where the desktop has no notifications', () => {
    FakeNotification.supported = false;
    FakeNotification.shown = [];
    notifyPort(FakeNotification, () => undefined)({ title: 'T', body: 'B', onClick: () => undefined });
    expect(FakeNotification.shown).toEqual([]);
  });
});
