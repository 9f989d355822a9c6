// Process: test (browser end-to-end).
// Words and screens (issue 8), through the real renderer build in Chromium, a real DesktopCore
// and a real team server: search by several words across vault names, item names and tags;
// counts that read "1 secret"; empty states that say what to do; dialogs that focus the field
// to fill and ask before Escape throws typed input away; the in-page shortcuts (lock, search,
// copy) and where they are listed; and conflicts shown side by side, with who wrote each, a
// value concealed until revealed, and a count in the nav.
// Steps share state and run in order; after a failed step the rest are skipped.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { bodyText, type E2EEnv, type E2EUser, e2eGate, eventually, setField, startE2E } from './harness.ts';
import { bytes, type Person, signUp } from '../helpers/people.ts';
import { orderedSteps } from './steps.ts';
import {
  button,
  dialog,
  field,
  gone,
  hasFocus,
  heading,
  navItem,
  openScreen,
  openSecret,
  SLOW,
  searchBox,
  secretOption,
  secretsList,
  visible,
  signUpWithTeam,
} from './ui.ts';

const unavailable = e2eGate('ux');

let env: E2EEnv;
let alice: E2EUser;
/** Another member, through his own core (not a window): the one whose edit crosses alice's. */
let bob: Person;
/** While set, alice's core cannot reach the server, so her edit waits in the queue. */
let offline = false;
const cutFetch: typeof fetch = (input, init) =>
  offline ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init);

const steps = orderedSteps();
const step = steps.step;

const count = () => alice.page.locator('.count');
const listed = async () => (await secretsList(alice.page).getByRole('option').allTextContents()).length;

async function search(q: string): Promise<void> {
  await searchBox(alice.page).fill(q);
}

describe.skipIf(!!unavailable)('desktop window: words and screens', () => {
  beforeAll(async () => {
    env = await startE2E();
    alice = await env.openUser('alice', { settings: { autoLockMinutes: 60 }, fetch: cutFetch });
  }, 600_000);

  afterAll(async () => {
    bob?.svc.lock();
    await env?.close();
  }, 60_000);

  step('with no vault, the list says how to start; one secret reads "1 secret"', async () => {
    const p = alice.page;
    await signUpWithTeam(alice, env.serverUrl);
    await visible(p.getByText('No vaults yet. Create one with New vault, then add secrets to it.'));
    await alice.dispatch('vault.create', { name: 'prod' });
    await alice.dispatch('vault.create', { name: 'staging' });
    await alice.dispatch('secret.set', { ref: 'prod/db-password', value: 'prod-db-1', tags: ['postgres'] });
    await openScreen(p, 'Team');
    await openScreen(p, 'Secrets');
    await visible(secretOption(p, 'db-password'), SLOW);
    expect(await count().textContent()).toBe('1 secret');
    await setField(field(p, 'Vault'), 'staging');
    await visible(p.getByText('No secrets in staging yet. Add one with New secret.'));
    await setField(field(p, 'Vault'), 'All vaults');
  });

  step('several words must each match a name, a vault or a tag; a plural finds the singular', async () => {
    const p = alice.page;
    await alice.dispatch('secret.set', { ref: 'staging/db-password', value: 'stg-db-1' });
    await alice.dispatch('secret.set', { ref: 'prod/stripe-key', value: 'sk_live_1', tags: ['billing'] });
    await alice.dispatch('secret.set', { ref: 'staging/smtp', value: 'smtp-1', tags: ['mail'] });
    await openScreen(p, 'Team');
    await openScreen(p, 'Secrets');
    await eventually('four secrets', async () => (await count().textContent()) === '4 secrets');

    await search('PROD passwords');
    await eventually('one hit', async () => (await listed()) === 1);
    expect(await secretOption(p, 'db-password').textContent()).toContain('prod');
    expect(await count().textContent()).toBe('1 of 4 secrets');

    await search('passwords prod');
    await eventually('order does not matter', async () => (await listed()) === 1);

    await search('billing');
    await visible(secretOption(p, 'stripe-key'));
    expect(await listed()).toBe(1);

    await search('staging');
    await eventually('a vault name lists its secrets', async () => (await listed()) === 2);

    await search('mail staging');
    await eventually('a tag and a vault', async () => (await listed()) === 1);
    await visible(secretOption(p, 'smtp'));
  });

  step('a search that matches nothing clears the detail pane and says what to try', async () => {
    const p = alice.page;
    await search('stripe');
    await openSecret(p, 'stripe-key');
    await search('stripe staging');
    await visible(
      p.getByText(
        'No secret matches "stripe staging". Try fewer words: each one must appear in a name, a vault or a tag.',
      ),
    );
    await gone(p.getByRole('heading', { name: 'stripe-key', exact: true }));
    expect(await bodyText(p)).not.toContain('Select a secret');
    expect(await count().textContent()).toBe('0 of 4 secrets');
    // Emptying the box brings the list, and the selection, back.
    await search('');
    await visible(p.getByRole('heading', { name: 'stripe-key', exact: true }));
  });

  step(
    'a dialog puts the cursor in its first field; Escape closes it at once when nothing was typed',
    async () => {
      const p = alice.page;
      await button(p, 'New vault').click();
      const d = await visible(dialog(p));
      await eventually('Name has focus', () => hasFocus(field(d, 'Vault name')));
      await p.keyboard.press('Escape');
      await gone(dialog(p));
    },
  );

  step('after typing, Escape asks first: Keep editing keeps the text, Discard closes', async () => {
    const p = alice.page;
    await button(p, 'New vault').click();
    const d = await visible(dialog(p));
    await eventually('Name has focus', () => hasFocus(field(d, 'Vault name')));
    await p.keyboard.type('billing');
    await p.keyboard.press('Escape');
    await visible(d.getByText('Discard what you typed? It is not saved.'));
    expect(await dialog(p).count()).toBe(1);
    await eventually('Keep editing has focus', () => hasFocus(button(d, 'Keep editing')));
    await button(d, 'Keep editing').click();
    await gone(d.getByText('Discard what you typed?'));
    expect(await field(d, 'Vault name').inputValue()).toBe('billing');
    // A second Escape while asked answers "keep editing" too.
    await p.keyboard.press('Escape');
    await visible(d.getByText('Discard what you typed?'));
    await p.keyboard.press('Escape');
    await gone(d.getByText('Discard what you typed?'));
    await visible(dialog(p));
    await p.keyboard.press('Escape');
    await button(d, 'Discard').click();
    await gone(dialog(p));
    expect((await alice.dispatch('vault.list', {})).map((v) => v.name).sort()).toEqual(['prod', 'staging']);
    // Typed and then erased is nothing typed.
    await button(p, 'New vault').click();
    await eventually('Name has focus', () => hasFocus(field(dialog(p), 'Vault name')));
    await p.keyboard.type('x');
    await p.keyboard.press('Backspace');
    await p.keyboard.press('Escape');
    await gone(dialog(p));
  });

  step('the shortcuts are listed on the Settings screen and on the Lock button', async () => {
    const p = alice.page;
    await openScreen(p, 'Settings');
    const rows = (await visible(p.getByRole('table', { name: 'Keyboard shortcuts' }))).getByRole('row');
    const texts = await rows.allTextContents();
    expect(texts).toContain('Ctrl+FSearch secrets');
    expect(texts).toContain('Ctrl+Shift+CCopy the selected secret’s main value');
    expect(texts).toContain('Ctrl+LLock Tessera');
    expect(await button(p, 'Lock').getAttribute('title')).toBe('Lock (Ctrl+L)');
  });

  step('Ctrl+F on another screen opens Secrets with the search box focused', async () => {
    const p = alice.page;
    await p.keyboard.press('Control+f');
    await eventually('the search box has focus', () => hasFocus(searchBox(p)));
    await p.keyboard.type('stripe');
    await visible(secretOption(p, 'stripe-key'));
    expect(await listed()).toBe(1);
  });

  step(
    'Ctrl+Shift+C copies the selected secret’s main value; with none selected it says what to do',
    async () => {
      const p = alice.page;
      const writes = alice.clipboard.writes;
      await p.keyboard.press('Control+Shift+C');
      await visible(p.getByText('Select a secret first, then press Ctrl+Shift+C to copy it.'));
      expect(alice.clipboard.writes).toBe(writes);
      await openSecret(p, 'stripe-key');
      await gone(p.getByText('Select a secret first'));
      // From the search box too, where the person just typed.
      await searchBox(p).focus();
      await p.keyboard.press('Control+Shift+C');
      await eventually('the value on the clipboard', async () => alice.clipboard.text === 'sk_live_1');
      expect(await bodyText(p)).not.toContain('sk_live_1');
    },
  );

  step('Ctrl+L locks from the page, even with a dialog open', async () => {
    const p = alice.page;
    await button(p, 'New vault').click();
    await visible(dialog(p));
    await p.keyboard.press('Control+l');
    await visible(heading(p, 'Unlock Tessera'), SLOW);
    expect(await dialog(p).count()).toBe(0);
    expect((await alice.dispatch('app.state', {})).unlocked).toBe(false);
    await field(p, 'Password').fill(alice.password);
    await button(p, 'Unlock').click();
    await visible(navItem(p, 'Secrets'), SLOW);
  });

  step(
    'crossing edits: the nav counts the conflict; the Sync screen shows both sides concealed and who wrote each',
    async () => {
      const p = alice.page;
      bob = await signUp(env.serverUrl, 'bob');
      const { inviteCode } = await alice.dispatch('team.invite', { email: bob.email, role: 'member' });
      await bob.svc.accept(inviteCode);
      await alice.dispatch('team.confirm', { email: bob.email, fingerprint: bob.svc.whoami().fingerprint });
      await alice.dispatch('vault.share', { vault: 'prod', with: bob.email, role: 'edit' });
      await bob.svc.sync();
      offline = true;
      try {
        const r = await alice.dispatch('secret.set', { ref: 'prod/db-password', value: 'alice-edit-2' });
        expect(r.offline).toBe(true);
        await bob.svc.setSecret('prod/db-password', bytes('bob-edit-2'));
      } finally {
        offline = false;
      }
      const synced = await alice.dispatch('sync.now', {});
      expect(synced.conflicts).toHaveLength(1);

      await eventually('the nav counts one conflict', async () => (await syncDescription()) === '1 conflict');
      await openScreen(p, 'Sync');
      const row = await visible(p.getByRole('listitem').filter({ hasText: 'db-password in prod' }));
      await visible(row.getByText(`Written by ${bob.email}`, { exact: false }));
      await visible(row.getByText(`Written by ${alice.email}`, { exact: false }));
      expect(await field(row, 'Current value of db-password').textContent()).toBe('••••••••');
      expect(await field(row, 'Crossing edit of db-password').textContent()).toBe('••••••••');
      const text = await bodyText(p);
      expect(text).not.toContain('bob-edit-2');
      expect(text).not.toContain('alice-edit-2');

      await button(row, 'Reveal current value of db-password').click();
      await eventually(
        'bob’s value shown',
        async () => (await field(row, 'Current value of db-password').textContent()) === 'bob-edit-2',
      );
      expect(await field(row, 'Crossing edit of db-password').textContent()).toBe('••••••••');
      await button(row, 'Reveal crossing edit of db-password').click();
      await eventually(
        'alice’s value shown',
        async () => (await field(row, 'Crossing edit of db-password').textContent()) === 'alice-edit-2',
      );
      await button(row, 'Hide current value of db-password').click();
      expect(await field(row, 'Current value of db-password').textContent()).toBe('••••••••');
    },
  );

  step('keeping the crossing edit makes it the next version; the conflict and its badge go', async () => {
    const p = alice.page;
    await button(p, 'Keep the crossing edit of db-password').click();
    await visible(p.getByText('No conflicts.'), SLOW);
    expect((await alice.dispatch('secret.reveal', { ref: 'prod/db-password' })).value).toBe('alice-edit-2');
    expect((await alice.dispatch('secret.list', {})).filter((s) => s.conflictOf)).toHaveLength(0);
    await eventually('no count in the nav', async () => (await syncDescription()) === '');
    await bob.svc.sync();
    expect(new TextDecoder().decode(bob.svc.getSecret('prod/db-password'))).toBe('alice-edit-2');
  });
});

/** The Sync link's description: the conflict count, or '' when there is none. */
function syncDescription(): Promise<string> {
  return navItem(alice.page, 'Sync').evaluate((el) => {
    const id = el.getAttribute('aria-describedby');
    const d = (
      globalThis as unknown as { document: { getElementById(i: string): { textContent: string } | null } }
    ).document;
    return (id && d.getElementById(id)?.textContent) || '';
  });
}
