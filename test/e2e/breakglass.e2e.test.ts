// Process: test (browser end-to-end).
// Break-glass from the desktop window (docs/design.md "Break-glass"), through the real renderer
// build in Chromium, real DesktopCores and a real team server: a member requests access with a
// reason (from the Secrets screen, which labels the vault break-glass and sends him to the
// request form), an admin sees the badge and approves, the owner's sync seals the key, the member
// opens the vault and reveals a secret inside the window, and the window ends by the member's
// own clock (injected, moved past the end) without a click. The owner is told of the grant and
// the member until when, by notifications their own verified chains decide. Then a denial, and
// a session the member closes. Steps share state and run in order; after a failed step the rest are skipped.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { type E2EEnv, e2eGate, type E2EUser, eventually, screenshot, setField, startE2E } from './harness.ts';
import { clockTime } from '../../electron/core/desktop/breakglass-notice.ts';
import { orderedSteps } from './steps.ts';
import { button, field, gone, hasFocus, navItem, openSecret, SLOW, signUpWithTeam, visible } from './ui.ts';

const unavailable = e2eGate('break-glass');

const MIN = 60_000;
let offset = 0;
let env: E2EEnv;
let alice: E2EUser; // owner
let adam: E2EUser; // admin
let rob: E2EUser; // responder, with a clock the test moves

const steps = orderedSteps();
const step = steps.step;
const rows = (u: E2EUser) => u.page.getByRole('table', { name: 'Break-glass requests' }).locator('tbody tr');

async function join(u: E2EUser, role: 'admin' | 'member') {
  await u.dispatch('account.signup', {
    server: env.serverUrl,
    email: u.email,
    name: u.name,
    password: u.password,
  });
  const { inviteCode } = await alice.dispatch('team.invite', { email: u.email, role });
  const joined = await u.dispatch('team.accept', { code: inviteCode });
  const { fingerprint } = await u.dispatch('app.state', {});
  await alice.dispatch('team.confirm', { email: u.email, fingerprint: fingerprint! });
  await u.dispatch('team.use', { team: joined.id });
  await u.page.reload();
  await visible(navItem(u.page, 'Break-glass'), SLOW);
}

async function request(reason: string, fromSecrets = false) {
  const p = rob.page;
  if (fromSecrets) {
    // The Secrets screen lists the vault rob has no standing access to, and sends him to the
    // request form for it, with the reason to fill in.
    await navItem(p, 'Secrets').click();
    const entry = await visible(
      p.getByRole('list', { name: 'Break-glass vaults' }).getByRole('listitem').filter({ hasText: 'prod' }),
    );
    await visible(entry.getByText('Break-glass', { exact: true }));
    expect(await entry.textContent()).toMatch(/no standing access/);
    // No vault he reads day to day: the empty list says where to go, not "no vaults yet".
    await visible(p.getByText(/^No vault you read day to day yet\. Request break-glass access above/));
    await screenshot(p, 'secrets-breakglass');
    await button(entry, 'Request access to prod').click();
  } else await navItem(p, 'Break-glass').click();
  const form = await visible(p.getByRole('form', { name: 'Request break-glass access' }));
  if (fromSecrets) {
    const vault = (await rob.dispatch('breakglass.status', {})).vaults.find((v) => v.label === 'prod')!;
    expect(await field(form, 'Vault').inputValue()).toBe(vault.id);
    expect(await hasFocus(field(form, 'Reason'))).toBe(true);
  }
  await setField(field(form, 'Reason'), reason);
  await setField(field(form, 'Minutes'), '30');
  await button(form, 'Request access').click();
  await visible(rows(rob).filter({ hasText: reason }));
}

const statusOf = async (u: E2EUser, reason: string) =>
  (await rows(u).filter({ hasText: reason }).textContent()) ?? '';

describe.skipIf(!!unavailable)('desktop window: break-glass', () => {
  beforeAll(async () => {
    env = await startE2E();
    alice = await env.openUser('alice', { settings: { autoLockMinutes: 60 } });
    adam = await env.openUser('adam', { settings: { autoLockMinutes: 60 } });
    rob = await env.openUser('rob', {
      settings: { autoLockMinutes: 60 },
      now: () => new Date(Date.now() + offset),
    });
  }, 600_000);

  afterAll(async () => {
    await env?.close();
  }, 60_000);

  step('an owner marks a vault break-glass; a member and an admin join', async () => {
    await signUpWithTeam(alice, env.serverUrl);
    await alice.dispatch('vault.create', { name: 'prod' });
    await alice.dispatch('secret.set', { ref: 'prod/db', type: 'password', value: 'pw-prod-1' });
    await join(adam, 'admin');
    await join(rob, 'member');
    const r = await alice.core.service.breakGlass.mark('prod', { kind: 'approval', approvals: 1 }, 60);
    expect(r.rekeyed).toBe(true);
    await rob.dispatch('sync.now', {});
  });

  step('the owner’s Secrets screen labels the vault break-glass, in the list and its header', async () => {
    const p = alice.page;
    await navItem(p, 'Secrets').click();
    const select = field(p, 'Vault');
    // An option of a closed select is never "visible": it is there, with its label.
    await eventually(
      'the labelled option',
      async () => (await select.locator('option', { hasText: 'prod · Break-glass' }).count()) === 1,
    );
    const id = (await alice.dispatch('vault.list', {})).find((v) => v.name === 'prod')!.id;
    await select.selectOption(id);
    const head = await visible(p.locator('.vault-head'));
    await visible(head.getByText('Break-glass', { exact: true }));
    await openSecret(p, 'db');
    await visible(p.getByRole('region', { name: 'db' }).getByText('Break-glass', { exact: true }));
    // An owner reads it day to day: nothing tells her to ask for it.
    await gone(p.getByRole('list', { name: 'Break-glass vaults' }));
  });

  step('the member requests access with a reason; it waits for an approval', async () => {
    await request('database down at night', true);
    expect(await statusOf(rob, 'database down at night')).toMatch(/Waiting \(0 of 1 approvals\)/);
    expect(await rob.core.dispatch('secret.reveal', { ref: 'prod/db' })).toMatchObject({ ok: false });
  });

  step('the admin sees the badge and approves; the owner’s sync seals the key', async () => {
    const p = adam.page;
    await adam.dispatch('sync.now', {});
    await navItem(p, 'Break-glass').click();
    await eventually('the badge', async () =>
      /1 waiting for your answer/.test((await p.locator('#nav-breakglass-pending').textContent()) ?? ''),
    );
    const notice = adam.notifications.find((n) => n.title === 'Break-glass request');
    expect(notice?.body).toBe('1 break-glass request waits for your answer. Open Tessera to answer.');
    expect(notice?.body).not.toContain('prod');
    // Clicking it (as the shell does) shows the Break-glass screen from anywhere.
    await navItem(p, 'Secrets').click();
    notice!.onClick();
    await adam.eventsDelivered();
    const row = await visible(rows(adam).filter({ hasText: 'database down at night' }));
    await screenshot(p, 'breakglass-approve');
    await button(row, 'Approve').click();
    await eventually('granted', async () =>
      /Granted|Open/.test(await statusOf(adam, 'database down at night')),
    );
    await alice.dispatch('sync.now', {});
    // The owner's client, from its own verified chain, tells of the grant: a count, no names.
    const granted = alice.notifications.find((n) => n.title === 'Break-glass session granted');
    expect(granted?.body).toBe('1 break-glass session was granted. Open Tessera to see it.');
    expect(JSON.stringify(alice.notifications)).not.toMatch(/prod|database down|rob@/);
    await navItem(alice.page, 'Secrets').click();
    granted!.onClick();
    await alice.eventsDelivered();
    await visible(rows(alice).filter({ hasText: /database down at night.*(Granted|Open)/ }), SLOW);
    // The grant is an audit entry of its own, by nobody: the policy, at the admin's approval.
    await navItem(alice.page, 'Audit').click();
    const log = alice.page
      .getByRole('table', { name: 'Audit log' })
      .locator('tbody tr[data-kind="breakglass.grant"]');
    expect(await (await visible(log.first(), SLOW)).textContent()).toContain('the policy, by the clock');
  });

  step('the member opens the vault and reveals a secret inside the window', async () => {
    const p = rob.page;
    await rob.dispatch('sync.now', {});
    const row = await visible(rows(rob).filter({ hasText: /database down at night.*Open/ }), SLOW);
    await button(row, 'Open vault').click();
    const pane = await visible(p.getByRole('region', { name: 'Break-glass session: prod' }));
    await visible(pane.getByText(/Window ends in (29|30):\d\d/));
    // The responder's own client: granted, and until when (its local time, from the signed key).
    const ends = rob.core.service.breakGlass.status().find((e) => e.reason === 'database down at night')!
      .endsAt!;
    const opened = rob.notifications.find((n) => n.title === 'Break-glass access granted');
    expect(opened?.body).toBe(
      `Your break-glass access is granted, window until ${clockTime(ends)}. Open Tessera to use it.`,
    );
    await button(pane, 'Reveal db').click();
    await visible(pane.getByText('pw-prod-1'));
    await screenshot(p, 'breakglass-session');
    await alice.dispatch('sync.now', {});
    const flags = alice.core.service.rotationFlags();
    expect(flags.open.map((f) => f.by)).toEqual([rob.email]);
  });

  step('the window ends by the member’s clock: the session goes without a click', async () => {
    offset = 31 * MIN;
    await gone(rob.page.getByRole('region', { name: 'Break-glass session: prod' }), SLOW);
    await eventually('ended', async () => /Ended/.test(await statusOf(rob, 'database down at night')));
    expect(await rob.core.dispatch('secret.reveal', { ref: 'prod/db' })).toMatchObject({ ok: false });
    expect(rob.core.service.breakGlass.heldKeyBuffers()).toEqual([]);
    offset = 0;
  });

  step('a denied request stays denied', async () => {
    await request('second look');
    await adam.dispatch('sync.now', {});
    const row = await visible(rows(adam).filter({ hasText: 'second look' }), SLOW);
    await button(row, 'Deny').click();
    await rob.dispatch('sync.now', {});
    await eventually('denied', async () => /Denied/.test(await statusOf(rob, 'second look')));
  });

  step('the member closes a session; the owner’s sync re-keys the vault', async () => {
    await request('third incident');
    await adam.dispatch('sync.now', {});
    await button(await visible(rows(adam).filter({ hasText: 'third incident' }), SLOW), 'Approve').click();
    await eventually('granted', async () => /Granted|Open/.test(await statusOf(adam, 'third incident')));
    await alice.dispatch('sync.now', {});
    await rob.dispatch('sync.now', {});
    const row = await visible(rows(rob).filter({ hasText: /third incident.*Open/ }), SLOW);
    await button(row, 'Open vault').click();
    const pane = await visible(rob.page.getByRole('region', { name: 'Break-glass session: prod' }));
    const gen = alice.core.service.listVaults().find((v) => v.name === 'prod')!.generation;
    await button(pane, 'Close session').click();
    await gone(pane);
    await eventually('closed', async () => /Closed/.test(await statusOf(rob, 'third incident')));
    await alice.dispatch('sync.now', {});
    expect(alice.core.service.listVaults().find((v) => v.name === 'prod')!.generation).toBe(gen + 1);
  });
});
