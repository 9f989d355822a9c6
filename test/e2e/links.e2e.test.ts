// Process: test (browser end-to-end).
// One-time links from the desktop window (docs/design.md "One-time links"), through the real
// renderer build in Chromium, a real DesktopCore and a real team server: Share as link in the
// detail pane (fields, passphrase, views, expiry), the URL copied through the core, opened the
// way a recipient's client does (service.openLink, no account), My links counting the view
// and revoking, and the vault's link policy from the Vault menu, which takes the button away
// or caps the expiry the dialog offers, with the core refusing the same.
// Steps share state and run in order; after a failed step the rest are skipped.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import {
  bodyText,
  domDump,
  type E2EEnv,
  type E2EUser,
  e2eGate,
  eventually,
  setField,
  startE2E,
} from './harness.ts';
import { orderedSteps } from './steps.ts';
import {
  button,
  closeDialog,
  dialog,
  field,
  gone,
  navItem,
  openSecret,
  SLOW,
  secretOption,
  signUpWithTeam,
  visible,
  joinAsViewer,
} from './ui.ts';

const unavailable = e2eGate('links');

const PASSWORD = 'pw-link-5c1f';
const USERNAME = 'ops@acme.example';
const PASSPHRASE = 'plum blossom at noon';

let env: E2EEnv;
let alice: E2EUser;
let bob: E2EUser;
let url = '';

const steps = orderedSteps();
const step = steps.step;

const rows = (p = alice.page) => p.getByRole('table', { name: 'One-time links' }).locator('tbody tr');
const shareButton = () => button(alice.page, 'Share as link');
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

async function openDbDetail() {
  const p = alice.page;
  await navItem(p, 'Secrets').click();
  await setField(field(p, 'Vault'), 'prod');
  await openSecret(p, 'db');
}

async function setPolicy(allow: boolean, cap: string) {
  const p = alice.page;
  await navItem(p, 'Secrets').click();
  await setField(field(p, 'Vault'), 'prod');
  await (await visible(button(p, 'Vault prod'))).click();
  await p.getByRole('menuitem', { name: 'Link policy…' }).click();
  const d = await visible(dialog(p));
  const box = d.getByRole('checkbox', { name: 'Allow one-time links from this vault' });
  await visible(box);
  await box.setChecked(allow);
  if (allow) await setField(field(d, 'Longest a link may live'), cap);
  await button(d, 'Save').click();
  await gone(dialog(p), SLOW);
}

describe.skipIf(!!unavailable)('desktop window: one-time links', () => {
  beforeAll(async () => {
    env = await startE2E();
    alice = await env.openUser('alice', { settings: { autoLockMinutes: 60 } });
  }, 600_000);

  afterAll(async () => {
    await env?.close();
  }, 60_000);

  step('My links starts empty and says how to make one', async () => {
    const p = alice.page;
    await signUpWithTeam(alice, env.serverUrl);
    await alice.dispatch('vault.create', { name: 'prod' });
    await alice.dispatch('secret.set', {
      ref: 'prod/db',
      type: 'login',
      value: PASSWORD,
      fields: [{ key: 'username', value: USERNAME }],
    });
    await (await visible(navItem(p, 'My links'))).click();
    await visible(p.getByRole('heading', { name: 'My links', exact: true }));
    await visible(
      p.getByText(/No links yet\. To send a secret to someone outside the team, .*Share as link\./),
    );
  });

  step(
    'Share as link: primary value by default, a passphrase, 2 views; the URL is copied by the core',
    async () => {
      const p = alice.page;
      await openDbDetail();
      await (await visible(shareButton())).click();
      const d = await visible(dialog(p));
      const item = await alice.dispatch('secret.show', { ref: 'prod/db' });
      const primary = item.fields.find((f) => f.key === item.primary)!;
      const user = item.fields.find((f) => f.key === 'username')!;
      const primaryBox = d.getByRole('checkbox', { name: primary.label, exact: true });
      const userBox = d.getByRole('checkbox', { name: user.label, exact: true });
      expect(await primaryBox.isChecked()).toBe(true);
      expect(await userBox.isChecked()).toBe(false);
      await userBox.check();
      // No vault policy yet: every preset up to the 7 days any link may live.
      const expiry = field(d, 'Expires after');
      expect(await expiry.locator('option').allTextContents()).toEqual([
        '10 minutes',
        '1 hour',
        '8 hours',
        '1 day',
        '3 days',
        '7 days',
      ]);
      expect(await expiry.locator('option:checked').textContent()).toBe('1 hour');
      await visible(d.getByText('Links from this vault may live up to 7 days.'));
      expect(await field(d, 'Views').inputValue()).toBe('1');
      await field(d, 'Passphrase (optional)').fill(PASSPHRASE);
      await field(d, 'Views').fill('2');
      await setField(expiry, '1 day');
      await button(d, 'Create link').click();

      const link = await visible(field(d, 'Link'), SLOW);
      url = await link.inputValue();
      expect(url).toMatch(new RegExp(`^${env.serverUrl}/s/[0-9a-f-]{36}#[A-Za-z0-9_-]{43}$`));
      await visible(d.getByText(/Whoever has this link can open it with the passphrase/));
      await visible(d.getByText('Tell them the passphrase another way than the link.'));
      expect(await field(d, 'Passphrase (optional)').count()).toBe(0);

      await button(d, 'Copy link').click();
      await eventually('the link on the clipboard', async () => alice.clipboard.text === url);
      await visible(d.getByText(/Clipboard clears in \d+s/));

      // The form with the typed passphrase is gone, so Escape closes without asking.
      await p.keyboard.press('Escape');
      await gone(dialog(p));
      // Gone with the dialog: neither the key nor the passphrase stays anywhere in the page.
      const key = url.slice(url.indexOf('#') + 1);
      const dom = await domDump(p);
      expect(dom).not.toContain(key);
      expect(dom).not.toContain(PASSPHRASE);
    },
  );

  step('a recipient opens it through the core with the passphrase and gets both fields', async () => {
    // No account: only the URL and the passphrase, as the recipient's client has them.
    const got = await alice.core.service.openLink(url, enc(PASSPHRASE));
    expect(got.name).toBe('db');
    const primary = (await alice.dispatch('secret.show', { ref: 'prod/db' })).primary;
    expect(Object.fromEntries(got.fields.map((f) => [f.key, dec(f.value)]))).toEqual({
      [primary]: PASSWORD,
      username: USERNAME,
    });
    expect(got.viewsLeft).toBe(1);
  });

  step('My links shows the view spent, and Revoke (after asking) stops the link', async () => {
    const p = alice.page;
    await navItem(p, 'My links').click();
    await button(p, 'Refresh').click();
    await eventually('one row', async () => (await rows().count()) === 1);
    const row = rows().first();
    await eventually('1 of 2 views left', async () =>
      /1 of 2 views left/.test((await row.textContent()) ?? ''),
    );
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('prod/db');
    expect(text).toContain('passphrase');
    expect(text).toContain('Active');
    // An owner is a team admin (shared/roles.ts `link.admin`): the team's links, with who made each.
    expect(await bodyText(p)).toContain('Links made by anyone in the team (you are an admin): 1 active link');
    expect(text).toContain('you');

    await button(row, 'Revoke').click();
    const d = await visible(dialog(p));
    await visible(d.getByText(/Whoever has the link to prod\/db will no longer be able to open it/));
    // Cancel changes nothing.
    await button(d, 'Cancel').click();
    await gone(dialog(p));
    expect(await row.textContent()).toContain('Active');

    await button(row, 'Revoke').click();
    await button(await visible(dialog(p)), 'Revoke link').click();
    await gone(dialog(p), SLOW);
    await visible(p.getByRole('status').filter({ hasText: 'The link to prod/db was revoked.' }));
    await eventually('revoked in the list', async () => /Revoked/.test((await row.textContent()) ?? ''));
    expect(await button(row, 'Revoke').count()).toBe(0);

    await expect(alice.core.service.openLink(url, enc(PASSPHRASE))).rejects.toMatchObject({
      code: 'link_revoked',
    });
  });

  step('a vault policy forbidding links takes the button away, and the core refuses', async () => {
    const p = alice.page;
    await setPolicy(false, '');
    expect(await alice.dispatch('link.policy', { vault: 'prod' })).toMatchObject({
      linksAllowed: false,
      maxExpirySeconds: null,
    });
    await openDbDetail();
    await visible(p.getByText('One-time links are turned off for this vault.'));
    expect(await shareButton().count()).toBe(0);
    const r = await alice.core.dispatch('link.create', { ref: 'prod/db', expiresInSeconds: 3600, views: 1 });
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: 'an admin has turned off one-time links for this vault' },
    });
  });

  step('a cap of 1 day: the dialog offers nothing longer and says so; the core refuses longer', async () => {
    const p = alice.page;
    await setPolicy(true, '1 day');
    expect(await alice.dispatch('link.policy', { vault: 'prod' })).toMatchObject({
      linksAllowed: true,
      maxExpirySeconds: 86_400,
    });
    await openDbDetail();
    await (await visible(shareButton())).click();
    const d = await visible(dialog(p));
    await visible(d.getByText("This vault's policy lets links live at most 1 day."));
    expect(await field(d, 'Expires after').locator('option').allTextContents()).toEqual([
      '10 minutes',
      '1 hour',
      '8 hours',
      '1 day',
    ]);
    await closeDialog(p);
    const r = await alice.core.dispatch('link.create', {
      ref: 'prod/db',
      expiresInSeconds: 3 * 86_400,
      views: 1,
    });
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: "this vault's policy lets links live at most 1d" },
    });
  });

  step(
    'a member who reads the vault may share it as a link, sees only their own links and no policy',
    async () => {
      bob = await env.openUser('bob', { settings: { autoLockMinutes: 60 } });
      await joinAsViewer(env, alice, bob, 'prod');
      const p = bob.page;
      await setField(field(p, 'Vault'), 'prod');
      // A viewer manages nothing and is no admin: no Vault menu at all, so no Link policy.
      await visible(secretOption(p, 'db'));
      expect(await button(p, 'Vault prod').count()).toBe(0);
      await openSecret(p, 'db');
      await (await visible(button(p, 'Share as link'))).click();
      const d = await visible(dialog(p));
      await button(d, 'Create link').click();
      await visible(field(d, 'Link'), SLOW);
      await visible(d.getByText(/^Whoever has this link can open it, until/));
      await button(d, 'Done').click();
      await gone(dialog(p));

      await navItem(p, 'My links').click();
      await eventually('one row', async () => (await rows(p).count()) === 1);
      expect(await bodyText(p)).toContain('Links you made: 1 active link');
      expect(await rows(p).first().textContent()).toContain('1 of 1 view left');
      const refused = await bob.core.dispatch('link.setPolicy', {
        vault: 'prod',
        linksAllowed: true,
        maxExpirySeconds: null,
      });
      expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(!refused.ok && refused.error.message).toMatch(
        /^your role in this team \(member\) does not let you set a vault's link policy/,
      );
    },
  );

  step("the admin's My links shows the member's link, by whom, and may revoke it", async () => {
    const p = alice.page;
    await navItem(p, 'My links').click();
    await button(p, 'Refresh').click();
    const theirs = rows(p).filter({ hasText: bob.email });
    await eventually('two rows', async () => (await rows(p).count()) === 2);
    expect(await theirs.textContent()).toContain('Active');
    await button(theirs, 'Revoke').click();
    await button(await visible(dialog(p)), 'Revoke link').click();
    await gone(dialog(p), SLOW);
    await eventually('revoked', async () => /Revoked/.test((await theirs.textContent()) ?? ''));
  });

  step('an admin who does not manage the vault gets a Vault menu with Link policy alone', async () => {
    const p = bob.page;
    await alice.dispatch('team.role', { email: bob.email, role: 'admin' });
    // Live sync brings the role change to bob's window; nothing is reloaded.
    await navItem(p, 'Secrets').click();
    await setField(field(p, 'Vault'), 'prod');
    await (await visible(button(p, 'Vault prod'), SLOW)).click();
    const menu = await visible(p.getByRole('menu', { name: 'Vault prod' }));
    expect(await menu.getByRole('menuitem').allTextContents()).toEqual(['Link policy…']);
    await menu.getByRole('menuitem', { name: 'Link policy…' }).click();
    const d = await visible(dialog(p));
    await visible(d.getByText("Now: This vault's policy lets links live at most 1 day."));
    await closeDialog(p);
    await navItem(p, 'My links').click();
    await eventually('both links', async () => (await rows(p).count()) === 2);
    expect(await bodyText(p)).toContain(
      'Links made by anyone in the team (you are an admin): 0 active links',
    );
  });
});
