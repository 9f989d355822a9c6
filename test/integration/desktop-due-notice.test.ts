// Process: test. The daily due notification inside a real desktop core over a real team
// server: it fires when a write makes something due, again only on a later day, from the
// hourly re-check of a window left open, and not after a restart the same day; locking stops
// the re-check. The timers and the clock are the test's, so a day passes at once.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Timers } from '../../electron/core/desktop/auto-lock.ts';
import type { DesktopCore } from '../../electron/core/desktop/desktop-core.ts';
import type { DueNotification } from '../../electron/core/desktop/due-notice.ts';
import { openTestWindow, type TestWindow } from '../helpers/desktop.ts';
import { startTestServer } from '../helpers/server.ts';

const HOUR = 3_600_000;
let srv: Awaited<ReturnType<typeof startTestServer>>;
const profileDir = mkdtempSync(join(tmpdir(), 'tessera-due-notice-'));
let offset = 0;
const notifications: DueNotification[] = [];
/** Pending timers by delay; the test fires them by hand. */
const pending = new Map<number, { fn: () => void; ms: number }>();
let nextHandle = 1;
const timers: Timers = {
  setTimeout: (fn, ms) => {
    const h = nextHandle++;
    pending.set(h, { fn, ms });
    return h;
  },
  clearTimeout: (h) => void pending.delete(h as number),
};
const hourly = () => [...pending].filter(([, t]) => t.ms === HOUR);

/** The same profile each time: the second window is the app restarted. */
const open = () =>
  openTestWindow({
    profileDir,
    timers,
    now: () => new Date(Date.now() + offset),
    notify: (n) => notifications.push(n),
  });
let core: DesktopCore;
let call: TestWindow['call'];
const password = 'alice long pass phrase';

beforeAll(async () => {
  srv = await startTestServer();
  ({ core, call } = open());
  await call('account.signup', { server: srv.url, email: 'alice@example.test', name: 'alice', password });
  await call('team.create', { name: 'acme' });
  await call('vault.create', { name: 'prod' });
}, 60_000);

afterAll(async () => {
  core?.lock();
  await srv?.close();
});

describe('the daily due notification in the desktop core', () => {
  it('fires when a write makes a secret due, then not again that day', async () => {
    await call('secret.set', { ref: 'prod/plain', value: 'p' });
    expect(notifications).toHaveLength(0);
    await call('secret.set', { ref: 'prod/cert', value: 'pem', expires: '2020-01-31' });
    expect(notifications).toHaveLength(1);
    await call('secret.set', { ref: 'prod/cert2', value: 'pem', expires: '2020-01-31' });
    expect(notifications).toHaveLength(1);
  });

  it('fires the next day from the hourly re-check of a window left open', () => {
    expect(hourly()).toHaveLength(1);
    offset += 24 * HOUR;
    const [h, t] = hourly()[0]!;
    pending.delete(h);
    t.fn();
    expect(notifications).toHaveLength(2);
    expect(notifications[1]!.body).toBe('2 secrets overdue or expired. Open Tessera to see which.');
    // Re-armed for the next hour.
    expect(hourly()).toHaveLength(1);
  });

  it('stops re-checking when locked, and a restart the same day stays quiet', async () => {
    await call('account.lock', {});
    expect(hourly()).toHaveLength(0);
    ({ core, call } = open());
    await call('account.unlock', { password });
    expect(notifications).toHaveLength(2);
    expect(hourly()).toHaveLength(1);
  });
});
