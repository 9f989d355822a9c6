// Process: test (browser end-to-end).
// Items as people expect them (issue 8), through the real renderer build in Chromium, a real
// DesktopCore and a real team server: the detail pane lists every field of an item with its
// kind, shows text and URL values, keeps concealed ones out of the page until that field's
// Reveal, copies any one field from the core, and shows a TOTP field's live code; History
// shows who wrote each version when, an old version's value on Show, and Restore; a secret is
// renamed and moved to another vault from the window. The item editor (New / Edit secret) lays
// out a type's fields, adds custom ones, moves the primary, generates through the core with the
// settings Rotate then repeats, keeps what an edit did not touch, shows the core's refusal on
// the field it names, and asks before Escape throws typing away. TESSERA_SCREENSHOTS=1 also
// rewrites docs/screenshots/secrets-item.png (the README's picture of an item) and
// item-editor.png.
// Steps share state and run in order; after a failed step the rest are skipped.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import {
  bodyText,
  type E2EEnv,
  type E2EUser,
  e2eGate,
  eventually,
  screenshot,
  screenshotsEnabled,
  setField,
  startE2E,
} from './harness.ts';
import { orderedSteps } from './steps.ts';
import {
  alert,
  button,
  dialog,
  field,
  gone,
  hasFocus,
  openSecret,
  SLOW,
  secretOption,
  signUpWithTeam,
  visible,
} from './ui.ts';

const unavailable = e2eGate('items');

const PASSWORD = 'pw-primary-9d3e';
const RECOVERY = 'recovery-code-71ac';
const USERNAME = 'ops@acme.example';
const URL = 'https://db.acme.example';
const SEED = 'JBSWY3DPEHPK3PXP';
const DB = 'orders-db';
const DB_REF = `prod/${DB}`;
const DB_PASSWORD = 'orders-pw-4f1c';
const ADMIN_SEED = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

let env: E2EEnv;
let alice: E2EUser;

const steps = orderedSteps();
/** Sets the page's theme attribute (inside the page: this file compiles without the DOM library). */
type ThemeRoot = { document: { documentElement: { setAttribute(n: string, v: string): void } } };
const step = steps.step;

const fields = () => alice.page.getByRole('list', { name: 'Fields', exact: true });
const row = (label: string) => fields().getByRole('listitem', { name: label, exact: true });
const fieldValue = (label: string) => alice.page.getByLabel(`${label} value`, { exact: true });
/** One field's box in the item editor: 'Host field', 'Password field (primary)', 'New URL field'. */
const editorField = (label: string) => dialog(alice.page).getByRole('group', { name: label, exact: true });
const show = (ref: string) => alice.dispatch('secret.show', { ref });
const revealed = async (ref: string, f?: string) =>
  (await alice.dispatch('secret.reveal', f ? { ref, field: f } : { ref })).value;

async function editOpen() {
  await button(alice.page, 'Edit').click();
  return visible(dialog(alice.page));
}

async function save(d: ReturnType<typeof dialog>) {
  await button(d, 'Save').click();
  await gone(d, SLOW);
}

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
  step(
    'New secret lays out a database item: host, user, password, a custom TOTP field, notes, tags',
    async () => {
      const p = alice.page;
      await button(p, 'New secret').click();
      const d = await visible(dialog(p));
      // The cursor starts where typing starts.
      expect(await hasFocus(field(d, 'Name'))).toBe(true);
      await setField(field(d, 'Vault'), 'prod');
      await setField(field(d, 'Type'), 'Database');
      expect(
        await d.getByRole('group').evaluateAll((gs) => gs.map((g) => g.getAttribute('aria-label'))),
      ).toEqual(['Host field', 'Port field', 'Database field', 'Username field', 'Password field (primary)']);
      await field(d, 'Name').fill(DB);
      await field(d, 'Host').fill('db.acme.example');
      await field(d, 'Username').fill('orders');
      await field(d, 'Password').fill(DB_PASSWORD);
      await visible(editorField('Password field (primary)').getByText(/^Strength: /));
      await button(d, 'Add a one-time code field').click();
      const added = editorField('New one-time code field');
      expect(await hasFocus(field(added, 'Field label'))).toBe(true);
      await field(added, 'Field label').fill('Admin 2FA');
      await field(editorField('Admin 2FA field'), 'Admin 2FA value').fill(ADMIN_SEED);
      // A TOTP seed is masked like a password until shown.
      expect(await field(d, 'Admin 2FA value').getAttribute('type')).toBe('password');
      await field(d, 'Notes').fill('Primary in eu-west.');
      await field(d, 'Tags').fill('Prod, db, orders');
      await field(d, 'Rotate every (days)').fill('90');
      await field(d, 'Expires on').fill('2031-01-31');
      await screenshot(p, 'item-editor');
      if (screenshotsEnabled()) {
        // The same dialog in the dark palette, for the docs: switched on the page only, so the
        // saved settings (and the rest of this run) stay light.
        await p.evaluate(
          (t) => (globalThis as unknown as ThemeRoot).document.documentElement.setAttribute('data-theme', t),
          'dark',
        );
        await screenshot(p, 'item-editor-dark');
        await p.evaluate(
          (t) => (globalThis as unknown as ThemeRoot).document.documentElement.setAttribute('data-theme', t),
          'light',
        );
      }
      await save(d);

      await openSecret(p, DB);
      expect(
        (await fields().getByRole('listitem').allTextContents()).map((t) => t.split(/Reveal|Copy/)[0]),
      ).toEqual([
        'Host textdb.acme.example',
        'Port textempty',
        'Database textempty',
        'Username textorders',
        'Password concealedprimary••••••••',
        expect.stringMatching(/^Admin 2FA one-time code\d{6} \d+ s left$/),
      ]);
      expect(await p.getByRole('region', { name: 'Notes' }).textContent()).toBe('NotesPrimary in eu-west.');
      expect(await p.getByRole('list', { name: 'Tags' }).getByRole('listitem').allTextContents()).toEqual([
        'prod',
        'db',
        'orders',
      ]);
      await visible(p.getByText('Expires on 2031-01-31'));
      await visible(p.getByText('Rotate every 90 days'));
      const item = await show(DB_REF);
      expect(item).toMatchObject({
        type: 'database',
        primary: 'password',
        notes: 'Primary in eu-west.',
        tags: ['prod', 'db', 'orders'],
        rotateEveryDays: 90,
        expires: '2031-01-31',
      });
      expect(item.fields.map((f) => [f.key, f.label, f.kind, f.value])).toEqual([
        ['host', 'Host', 'text', 'db.acme.example'],
        ['port', 'Port', 'text', ''],
        ['database', 'Database', 'text', ''],
        ['username', 'Username', 'text', 'orders'],
        ['password', 'Password', 'concealed', null],
        ['admin-2fa', 'Admin 2FA', 'totp', null],
      ]);
      expect(await revealed(DB_REF)).toBe(DB_PASSWORD);
      expect(await revealed(DB_REF, 'admin-2fa')).toBe(ADMIN_SEED);
    },
  );

  step('the primary field is chosen in the editor, and Copy then copies the new primary', async () => {
    const p = alice.page;
    const d = await editOpen();
    await d.getByRole('radio', { name: 'Primary: Username' }).check();
    await save(d);
    await eventually('username is primary', async () => (await show(DB_REF)).primary === 'username');
    await visible(row('Username').getByText('primary', { exact: true }));
    await button(p, 'Copy').click();
    await eventually('the new primary copied', async () => alice.clipboard.text === 'orders');
    // `secret get` and Reveal take the same field.
    expect(await revealed(DB_REF)).toBe('orders');
  });

  step(
    'the generator: a passphrase of words and 24 characters without symbols, as the core stored them',
    async () => {
      const d = await editOpen();
      await d.getByRole('radio', { name: 'Primary: Password' }).check();
      const pw = editorField('Password field (primary)');
      await button(pw, 'Password generator options').click();
      await pw.getByRole('radio', { name: 'Words (passphrase)' }).check();
      await field(pw, 'Words').fill('5');
      await field(pw, 'Separator').fill('.');
      await button(pw, 'Generate Password').click();
      const phrase = /^[a-z]+(\.[a-z]+){4}$/;
      const shownPhrase = await eventually('a passphrase', async () => {
        const v = await field(pw, 'Password').inputValue();
        return phrase.test(v) ? v : null;
      });
      await visible(pw.getByText(/^Strength: /));

      await button(d, 'Add a concealed field').click();
      await field(editorField('New concealed field'), 'Field label').fill('Deploy token');
      const tok = editorField('Deploy token field');
      await button(tok, 'Deploy token generator options').click();
      await field(tok, 'Length').fill('12');
      await tok.getByRole('checkbox', { name: /^Symbols/ }).uncheck();
      await button(tok, 'Generate Deploy token').click();
      await eventually('12 characters, no symbols', async () =>
        /^[A-Za-z0-9]{12}$/.test(await field(tok, 'Deploy token value').inputValue()),
      );
      // Trying Words and coming back keeps what was chosen for Characters.
      await tok.getByRole('radio', { name: 'Words (passphrase)' }).check();
      await tok.getByRole('radio', { name: 'Characters' }).check();
      expect(await field(tok, 'Length').inputValue()).toBe('12');
      expect(await tok.getByRole('checkbox', { name: /^Symbols/ }).isChecked()).toBe(false);
      // A generated value follows its settings.
      await field(tok, 'Length').fill('24');
      const token = await eventually('24 characters, no symbols', async () => {
        const v = await field(tok, 'Deploy token value').inputValue();
        return /^[A-Za-z0-9]{24}$/.test(v) ? v : null;
      });
      await button(tok, 'Show Deploy token').click();
      expect(await field(tok, 'Deploy token value').getAttribute('type')).toBe('text');
      await save(d);

      expect(await revealed(DB_REF)).toBe(shownPhrase);
      expect(await revealed(DB_REF, 'deploy-token')).toBe(token);
      const item = await show(DB_REF);
      expect(item.primary).toBe('password');
      expect(item.generator).toEqual({ mode: 'words', words: 5, separator: '.' });
      // Rotate generates the next value the way the last one was made.
      await alice.dispatch('secret.rotate', { ref: DB_REF });
      const next = await revealed(DB_REF);
      expect(next).toMatch(phrase);
      expect(next).not.toBe(shownPhrase);
    },
  );

  step('an edit that changes only the notes keeps every field, the interval and the expiry', async () => {
    const p = alice.page;
    await eventually('the rotated version in the pane', async () => (await p.getByText(/· v4/).count()) > 0);
    const before = await show(DB_REF);
    const password = await revealed(DB_REF);
    const d = await editOpen();
    // Nothing loaded into the form counts as typed: Escape closes at once.
    await p.keyboard.press('Escape');
    await gone(d);
    await editOpen();
    expect(await field(d, 'Expires on').inputValue()).toBe('2031-01-31');
    expect(await field(d, 'Rotate every (days)').inputValue()).toBe('90');
    expect(await field(d, 'Tags').inputValue()).toBe('prod, db, orders');
    await field(d, 'Notes').fill('Failover in eu-central.');
    await save(d);
    const after = await eventually('the new version', async () => {
      const v = await show(DB_REF);
      return v.version > before.version ? v : null;
    });
    expect(after).toEqual({
      ...before,
      version: after.version,
      pending: after.pending,
      notes: 'Failover in eu-central.',
    });
    expect(await revealed(DB_REF)).toBe(password);
    expect(await revealed(DB_REF, 'admin-2fa')).toBe(ADMIN_SEED);
  });

  step("a bad URL or TOTP seed shows the core's message on that field and keeps what was typed", async () => {
    const p = alice.page;
    const before = await show(DB_REF);
    const d = await editOpen();
    // Checked in the window: a second field with a label already taken.
    await button(d, 'Add a text field').click();
    await field(editorField('New text field'), 'Field label').fill('host');
    await button(d, 'Save').click();
    await visible(editorField('host field').getByText('Another field is already called "host".'));
    await button(editorField('host field'), 'Remove host').click();
    // Checked by the core: an address with a space in it.
    await button(d, 'Add a URL field').click();
    await field(editorField('New URL field'), 'Field label').fill('Console');
    await field(editorField('Console field'), 'Console value').fill('console acme example');
    await button(d, 'Save').click();
    await visible(editorField('Console field').getByText(/^not a web address/));
    await button(editorField('Console field'), 'Remove Console').click();

    await button(d, 'Add a one-time code field').click();
    await field(editorField('New one-time code field'), 'Field label').fill('Backup 2FA');
    const backup = editorField('Backup 2FA field');
    await field(backup, 'Backup 2FA value').fill('not-a-seed!');
    await button(d, 'Save').click();
    // The core refused it; its words are on the field, and nothing was written.
    await visible(
      backup.getByText('the TOTP seed is not base32 (letters A-Z and digits 2-7)', { exact: true }),
    );
    expect(await field(backup, 'Backup 2FA value').getAttribute('aria-invalid')).toBe('true');
    expect(await field(backup, 'Backup 2FA value').inputValue()).toBe('not-a-seed!');
    expect(await field(backup, 'Field label').inputValue()).toBe('Backup 2FA');
    expect(await visible(dialog(p))).toBeTruthy();
    expect((await show(DB_REF)).version).toBe(before.version);
  });

  step('Escape with typed input asks before closing; Keep editing keeps it, Discard drops it', async () => {
    const p = alice.page;
    const d = dialog(p);
    await field(d, 'Notes').fill('half-typed note');
    await p.keyboard.press('Escape');
    await visible(alert(d).getByText('Discard what you typed? It is not saved.'));
    await button(d, 'Keep editing').click();
    expect(await field(d, 'Notes').inputValue()).toBe('half-typed note');
    expect(await field(editorField('Backup 2FA field'), 'Backup 2FA value').inputValue()).toBe('not-a-seed!');
    await p.keyboard.press('Escape');
    await button(await visible(d), 'Discard').click();
    await gone(d);
    const item = await show(DB_REF);
    expect(item.notes).toBe('Failover in eu-central.');
    expect(item.fields.some((f) => f.key === 'backup-2fa')).toBe(false);
  });
});
