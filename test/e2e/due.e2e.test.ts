// Process: test (browser end-to-end).
// The Due screen and its nav badge (issue 9, rotation reminders), through the real renderer
// build in Chromium, a real DesktopCore and a real team server. The core's clock is moved
// forward by the test (DesktopPorts.now), so a 30-day interval comes due without waiting.
// The last steps flag a secret for rotation from its detail pane and rotate it from Due.
// Steps share state and run in order; after a failed step the rest are skipped.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { type E2EEnv, type E2EUser, e2eGate, eventually, setField, startE2E } from './harness.ts';
import { orderedSteps } from './steps.ts';
import {
  button,
  dialog,
  field,
  gone,
  heading,
  navItem,
  openSecret,
  SLOW,
  visible,
  signUpWithTeam,
} from './ui.ts';

const unavailable = e2eGate('due');

const DAY = 86_400_000;
let offset = 0;
let env: E2EEnv;
let alice: E2EUser;

const steps = orderedSteps();
const step = steps.step;

const dueLink = () => alice.page.getByRole('navigation').getByRole('link', { name: /^Due/ });
const rows = () => alice.page.getByRole('table', { name: 'Secrets to rotate' }).locator('tbody tr');

describe.skipIf(!!unavailable)('desktop window: what to rotate', () => {
  beforeAll(async () => {
    env = await startE2E();
    alice = await env.openUser('alice', {
      settings: { autoLockMinutes: 60 },
      now: () => new Date(Date.now() + offset),
    });
  }, 600_000);

  afterAll(async () => {
    await env?.close();
  }, 60_000);

  step('an expired certificate is listed and counted in the nav; a fresh interval is not', async () => {
    const p = alice.page;
    await signUpWithTeam(alice, env.serverUrl);
    await alice.dispatch('vault.create', { name: 'prod' });
    await alice.dispatch('secret.set', { ref: 'prod/db', value: 'db-v1', rotateEveryDays: 30 });
    await alice.dispatch('secret.set', { ref: 'prod/cert', value: 'pem', expires: '2020-01-31' });
    await alice.dispatch('secret.set', { ref: 'prod/plain', value: 'p' });
    offset = 0;
    await (await visible(dueLink())).click();
    await visible(heading(p, 'Due'));
    // Only the expired certificate: the database password was just set.
    await eventually('one row', async () => (await rows().count()) === 1);
    expect(await rows().first().textContent()).toMatch(/prod\/certExpired \d+ days ago2020-01-31/);
    expect(await dueLink().textContent()).toBe('Due1 overdue, expired or flagged');
  });

  step('thirty-five days on, the database password is overdue and counted in the badge', async () => {
    offset = 35 * DAY;
    // The screen refetches when shown; leave and come back.
    await navItem(alice.page, 'Secrets').click();
    await dueLink().click();
    await eventually('two rows', async () => (await rows().count()) === 2);
    const texts = await rows().allTextContents();
    expect(texts.join(' | ')).toMatch(/prod\/dbRotation overdue by 5 days/);
    await eventually(
      'badge of 2',
      async () => (await dueLink().textContent()) === 'Due2 overdue, expired or flagged',
    );
  });

  step('Rotate saves a new generated value and the row goes away', async () => {
    const p = alice.page;
    await button(p, 'Rotate db').click();
    await visible(p.getByRole('status').filter({ hasText: 'db: a new value was generated' }));
    await eventually('one row left', async () => (await rows().count()) === 1);
    const { value } = await alice.dispatch('secret.reveal', { ref: 'prod/db' });
    expect(value).not.toBe('db-v1');
    expect(value).toHaveLength(24);
    expect(await button(p, 'Rotate cert').count()).toBe(0);
    await eventually(
      'badge of 1',
      async () => (await dueLink().textContent()) === 'Due1 overdue, expired or flagged',
    );
  });

  step(
    "the Vault menu's Rotation reminder gives prod a default: a secret without its own comes due",
    async () => {
      const p = alice.page;
      await navItem(p, 'Secrets').click();
      await setField(field(p, 'Vault'), 'prod');
      await (await visible(button(p, 'Vault prod'))).click();
      await p.getByRole('menuitem', { name: 'Rotation reminder…' }).click();
      const d = await visible(dialog(p));
      // No default yet, so nothing to remove.
      expect(await button(d, 'Remove default').count()).toBe(0);
      await field(d, 'Rotate every (days)').fill('30');
      await button(d, 'Save').click();
      await gone(dialog(p), SLOW);
      expect((await alice.dispatch('vault.list', {})).find((v) => v.name === 'prod')?.rotateEveryDays).toBe(
        30,
      );

      await dueLink().click();
      // plain and cert were set 35 days ago and have no interval of their own; db was just
      // rotated, and its own interval wins.
      await eventually('three rows', async () => (await rows().count()) === 3);
      expect(await rows().filter({ hasText: 'prod/db' }).count()).toBe(0);
      const plain = rows().filter({ hasText: 'prod/plain' });
      expect(await plain.textContent()).toMatch(
        /Rotation overdue by 5 days every 30 days, the vault's default/,
      );
      await eventually(
        'badge of 3',
        async () => (await dueLink().textContent()) === 'Due3 overdue, expired or flagged',
      );
    },
  );

  step('Remove default in the same dialog takes it away again', async () => {
    const p = alice.page;
    await navItem(p, 'Secrets').click();
    await setField(field(p, 'Vault'), 'prod');
    await button(p, 'Vault prod').click();
    await p.getByRole('menuitem', { name: 'Rotation reminder…' }).click();
    const d = await visible(dialog(p));
    expect(await field(d, 'Rotate every (days)').inputValue()).toBe('30');
    await button(d, 'Remove default').click();
    await gone(dialog(p), SLOW);
    await dueLink().click();
    await eventually('one row', async () => (await rows().count()) === 1);
    expect(await rows().first().textContent()).toMatch(/prod\/cert/);
  });

  /** Locks and unlocks through the window, as a user back the next morning would. */
  async function lockAndUnlock() {
    const p = alice.page;
    await button(p, 'Lock').first().click();
    await visible(heading(p, 'Unlock Tessera'));
    await field(p, 'Password').fill(alice.password);
    await button(p, 'Unlock').click();
    await visible(navItem(p, 'Secrets'), SLOW);
  }

  step('the daily notification: one a day, counts without names, and a click opens Due', async () => {
    const p = alice.page;
    // The writes above made the expired certificate due on the first day, and again on the
    // day thirty-five days on; never twice on one day.
    const days = alice.notifications.length;
    expect(days).toBeGreaterThanOrEqual(1);
    for (const n of alice.notifications) {
      expect(n.title).toBe('Secrets to rotate');
      expect(n.body).not.toMatch(/cert|plain|db|prod/);
    }
    await lockAndUnlock();
    expect(alice.notifications).toHaveLength(days);

    offset += DAY;
    await lockAndUnlock();
    expect(alice.notifications).toHaveLength(days + 1);
    expect(alice.notifications.at(-1)!.body).toBe('1 secret overdue or expired. Open Tessera to see which.');
    await lockAndUnlock();
    expect(alice.notifications).toHaveLength(days + 1);

    await navItem(p, 'Settings').click();
    alice.notifications.at(-1)!.onClick();
    await visible(heading(p, 'Due'));
  });

  step('turned off in Settings, no notification comes the next day', async () => {
    const p = alice.page;
    await navItem(p, 'Settings').click();
    const box = p.getByRole('checkbox', { name: 'Notify me once a day when secrets are due for rotation' });
    expect(await box.isChecked()).toBe(true);
    await box.uncheck();
    await button(p, 'Save settings').click();
    await visible(p.getByRole('status').filter({ hasText: 'Settings saved.' }));
    expect((await alice.dispatch('settings.get', {})).dueNotifications).toBe(false);
    const before = alice.notifications.length;
    offset += DAY;
    await lockAndUnlock();
    expect(alice.notifications).toHaveLength(before);
  });

  step(
    'Flag for rotation in the detail pane: Due lists it with the reason and who flagged, the badge counts it',
    async () => {
      const p = alice.page;
      await navItem(p, 'Secrets').click();
      await setField(field(p, 'Vault'), 'prod');
      await openSecret(p, 'plain');
      await button(p, 'Flag for rotation').click();
      const d = await visible(dialog(p));
      // Nothing to flag without a reason.
      expect(await button(d, 'Flag').isDisabled()).toBe(true);
      await field(d, 'Reason').fill('left on a train in a laptop bag');
      await button(d, 'Flag').click();
      await gone(dialog(p), SLOW);
      await visible(p.getByRole('status').filter({ hasText: 'plain is flagged for rotation' }));

      await dueLink().click();
      await eventually('two rows', async () => (await rows().count()) === 2);
      const row = rows().filter({ hasText: 'prod/plain' });
      expect(await row.getAttribute('data-reason')).toBe('rotation-required');
      const shown = await row.textContent();
      expect(shown).toContain('Rotation required: left on a train in a laptop bag');
      expect(shown).toContain(`flagged by ${alice.email} on `);
      await eventually(
        'badge of 2',
        async () => (await dueLink().textContent()) === 'Due2 overdue, expired or flagged',
      );
    },
  );

  step('Rotate settles the flag: the row and the count go, and the core lists no flag', async () => {
    const p = alice.page;
    await button(p, 'Rotate plain').click();
    await visible(p.getByRole('status').filter({ hasText: 'plain: a new value was generated' }));
    await eventually('one row left', async () => (await rows().count()) === 1);
    expect(await rows().first().textContent()).toMatch(/prod\/cert/);
    await eventually(
      'badge of 1',
      async () => (await dueLink().textContent()) === 'Due1 overdue, expired or flagged',
    );
    expect((await alice.dispatch('secret.due', {})).some((e) => e.reason === 'rotation-required')).toBe(
      false,
    );
  });
});
