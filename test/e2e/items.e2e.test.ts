// Process: test (browser end-to-end).
// Items as people expect them (issue 8), through the real renderer build in Chromium, a real
// DesktopCore and a real team server: the detail pane lists every field of an item with its
// kind, shows text and URL values, keeps concealed ones out of the page until that field's
// Reveal, copies any one field from the core, and shows a TOTP field's live code; History
// shows who wrote each version when, an old version's value on Show, and Restore; a secret is
// renamed and moved to another vault from the window. TESSERA_SCREENSHOTS=1 also rewrites
// docs/screenshots/secrets-item.png, the README's picture of an item.
// Steps share state and run in order; after a failed step the rest are skipped.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import {
  bodyText,
  type E2EEnv,
  type E2EUser,
  e2eRequired,
  e2eUnavailable,
  eventually,
  screenshot,
  setField,
  startE2E,
} from './harness.ts';
import { orderedSteps } from './steps.ts';
import { button, dialog, field, gone, openSecret, secretOption, visible, signUpWithTeam } from './ui.ts';

const unavailable = e2eUnavailable();
if (unavailable && e2eRequired()) throw new Error(`items e2e required but cannot run: ${unavailable}`);
if (unavailable) console.warn(`items e2e skipped: ${unavailable}`);

const PASSWORD = 'pw-primary-9d3e';
const RECOVERY = 'recovery-code-71ac';
const USERNAME = 'ops@acme.example';
const URL = 'https://db.acme.example';
const SEED = 'JBSWY3DPEHPK3PXP';

let env: E2EEnv;
let alice: E2EUser;

const steps = orderedSteps();
const step = steps.step;

const fields = () => alice.page.getByRole('list', { name: 'Fields', exact: true });
const row = (label: string) => fields().getByRole('listitem', { name: label, exact: true });
const fieldValue = (label: string) => alice.page.getByLabel(`${label} value`, { exact: true });

describe.skipIf(!!unavailable)('desktop window: items with fields', () => {
  beforeAll(async () => {
    env = await startE2E();
    alice = await env.openUser('alice', {
      settings: { autoLockMinutes: 60 },
      // Tall enough for the whole item in the README's picture.
      viewport: { width: 1280, height: 1100 },
    });
  }, 600_000);

  afterAll(async () => {
    await env?.close();
  }, 60_000);

  step('the detail pane lists every field with its kind; concealed values stay out of the page', async () => {
    const p = alice.page;
    await signUpWithTeam(alice, env.serverUrl);
    await alice.dispatch('vault.create', { name: 'prod' });
    await alice.dispatch('secret.set', {
      ref: 'prod/db-login',
      type: 'login',
      value: PASSWORD,
      fields: [
        { key: 'username', value: USERNAME },
        { key: 'url', value: URL },
        { key: 'recovery', kind: 'concealed', label: 'Recovery code', value: RECOVERY },
        { key: 'otp', kind: 'totp', label: 'One-time code', value: SEED },
      ],
      notes: 'Rotated by the on-call.',
      tags: ['prod', 'db'],
    });
    await openSecret(p, 'db-login');
    await visible(fields());
    const texts = await fields().getByRole('listitem').allTextContents();
    expect(texts.map((t) => t.split(/Reveal|Copy/)[0])).toEqual([
      `Username text${USERNAME}`,
      'Password concealedprimary••••••••',
      `Website URL${URL}`,
      'Recovery code concealed••••••••',
      expect.stringMatching(/^One-time code one-time code\d{6} \d+ s left$/),
    ]);
    expect(await p.getByRole('region', { name: 'Notes' }).textContent()).toBe('NotesRotated by the on-call.');
    expect(await p.getByRole('list', { name: 'Tags' }).getByRole('listitem').allTextContents()).toEqual([
      'prod',
      'db',
    ]);
    const body = await bodyText(p);
    expect(body).not.toContain(RECOVERY);
    expect(body).not.toContain(PASSWORD);
    expect(body).not.toContain(SEED);
    // A text field has nothing to reveal; the seed behind a TOTP field is never revealed.
    expect(await button(row('Username'), 'Reveal Username').count()).toBe(0);
    expect(await button(row('One-time code'), 'Reveal One-time code').count()).toBe(0);
  });

  step('Reveal shows that one concealed field, and Hide takes it out of the page again', async () => {
    const p = alice.page;
    await button(p, 'Reveal Recovery code').click();
    expect((await (await visible(fieldValue('Recovery code'))).textContent())?.trim()).toBe(RECOVERY);
    await p.getByRole('heading', { name: 'db-login', exact: true }).scrollIntoViewIfNeeded();
    await screenshot(p, 'secrets-item');
    // Only that field: the primary password stays hidden.
    expect(await bodyText(p)).not.toContain(PASSWORD);
    await button(p, 'Hide Recovery code').click();
    await gone(fieldValue('Recovery code'));
    expect(await bodyText(p)).not.toContain(RECOVERY);
  });

  step('Copy on a field puts that field on the clipboard, and a TOTP field its current code', async () => {
    const p = alice.page;
    await button(p, 'Copy Username').click();
    await eventually('the username copied', async () => alice.clipboard.text === USERNAME);
    await visible(p.getByRole('status').filter({ hasText: 'Copied db-login Username' }));
    await button(p, 'Copy Recovery code').click();
    await eventually('the recovery code copied', async () => alice.clipboard.text === RECOVERY);
    await button(p, 'Copy One-time code').click();
    await eventually('a six-digit code copied', async () => /^\d{6}$/.test(alice.clipboard.text));
    expect(alice.clipboard.text).not.toContain(SEED);
  });

  step("the TOTP field shows the core's current code and counts its seconds down", async () => {
    const code = alice.page.getByLabel('One-time code code', { exact: true });
    await eventually('the shown code is the current one', async () => {
      const { code: now } = await alice.dispatch('secret.totp', { ref: 'prod/db-login', field: 'otp' });
      return (await code.textContent()) === now;
    });
    const left = async () =>
      Number(/(\d+) s left/.exec((await row('One-time code').textContent()) ?? '')?.[1]);
    const first = await left();
    await eventually('the countdown moves', async () => (await left()) !== first, 5_000);
  });

  step(
    'History names who wrote each version; Show reveals an old value; Restore makes it the newest',
    async () => {
      const p = alice.page;
      await alice.dispatch('secret.set', { ref: 'prod/db-login', value: 'pw-second-55b0' });
      const versions = p.getByRole('list', { name: 'Versions', exact: true });
      await visible(p.getByRole('heading', { name: /^db-login$/ }));
      await eventually('v2 in the pane', async () => (await p.getByText(/· v2/).count()) > 0);
      await button(p, 'History').click();
      await visible(versions);
      const v1 = versions.getByRole('listitem', { name: 'Version 1', exact: true });
      expect(
        await versions.getByRole('listitem', { name: 'Version 2', exact: true }).textContent(),
      ).toContain(`by ${alice.email}`);
      expect(await v1.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
      // The current version has no Show or Restore of its own: the pane above reveals it.
      expect(await button(versions, 'Show v2').count()).toBe(0);
      await button(v1, 'Show v1').click();
      expect((await (await visible(fieldValue('v1'))).textContent())?.trim()).toBe(PASSWORD);
      await button(v1, 'Hide v1').click();
      await gone(fieldValue('v1'));
      await button(v1, 'Restore v1').click();
      await visible(versions.getByRole('listitem', { name: 'Version 3', exact: true }));
      const { value } = await alice.dispatch('secret.reveal', { ref: 'prod/db-login' });
      expect(value).toBe(PASSWORD);
      // The restore brought back every field, not only the password.
      const item = await alice.dispatch('secret.show', { ref: 'prod/db-login' });
      expect(item.fields.map((f) => f.key)).toEqual(['username', 'password', 'url', 'recovery', 'otp']);
    },
  );

  step('Rename or move renames the secret, then moves it into another vault', async () => {
    const p = alice.page;
    await alice.dispatch('vault.create', { name: 'staging' });
    await button(p, 'Rename or move').click();
    const d = dialog(p);
    await field(d, 'Name').fill('db-main');
    await button(d, 'Save').click();
    await gone(d);
    await visible(p.getByRole('heading', { name: 'db-main', exact: true }));
    expect(await secretOption(p, 'db-login').count()).toBe(0);

    await button(p, 'Rename or move').click();
    await setField(field(d, 'Vault'), 'staging');
    await button(d, 'Save').click();
    await gone(d);
    await eventually('listed in staging', async () => {
      const list = await alice.dispatch('secret.list', {});
      return (
        list.some((x) => x.vault === 'staging' && x.name === 'db-main') &&
        !list.some((x) => x.vault === 'prod')
      );
    });
    await visible(p.getByText(/^staging · v\d+/));
    const { value } = await alice.dispatch('secret.reveal', { ref: 'staging/db-main', field: 'recovery' });
    expect(value).toBe(RECOVERY);
  });
});
