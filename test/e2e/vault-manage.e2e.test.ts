// Process: test (browser end-to-end).
// The vault menu on the Secrets screen (issue 8): renaming a vault and deleting it, through
// the real renderer build in Chromium, a real DesktopCore on its own profile and a real team
// server. The window offers the menu only for a vault the user manages, refuses a name in
// use with the core's words, and asks before a delete, naming how many secrets go with it.
// Steps share state and run in order; after a failed step the rest are skipped.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { type E2EEnv, type E2EUser, e2eGate, eventually, setField, startE2E } from './harness.ts';
import { orderedSteps } from './steps.ts';
import {
  alert,
  button,
  dialog,
  field,
  fillSecretDialog,
  gone,
  openScreen,
  SLOW,
  secretOption,
  visible,
  signUpWithTeam,
} from './ui.ts';

const unavailable = e2eGate('vault');

let env: E2EEnv;
let alice: E2EUser;

const steps = orderedSteps();
const step = steps.step;

const vaultNames = async () => (await alice.dispatch('vault.list', {})).map((v) => v.name).sort();
const menuButton = (name: string) => button(alice.page, `Vault ${name}`);

describe.skipIf(!!unavailable)('desktop window: the vault menu', () => {
  beforeAll(async () => {
    env = await startE2E();
    alice = await env.openUser('alice', { settings: { autoLockMinutes: 60 } });
  }, 600_000);

  afterAll(async () => {
    await env?.close();
  }, 60_000);

  step('alice signs up, creates a team, and has two vaults with secrets', async () => {
    const p = alice.page;
    await signUpWithTeam(alice, env.serverUrl);
    await openScreen(p, 'Secrets');
    for (const name of ['prod', 'staging']) {
      await button(p, 'New vault').click();
      const vd = await visible(dialog(p));
      await field(vd, 'Vault name').fill(name);
      await button(vd, 'Create vault').click();
      await gone(dialog(p), SLOW);
    }
    for (const name of ['db', 'api']) {
      await button(p, 'New secret').click();
      await fillSecretDialog(p, { vault: 'prod', name, value: `${name}-v` });
    }
    // Creating a vault filters the list to it; show them all again.
    await setField(field(p, 'Vault'), 'All vaults');
    await visible(secretOption(p, 'db'), SLOW);
  });

  step('the menu is offered for one vault, not for all of them', async () => {
    const p = alice.page;
    await setField(field(p, 'Vault'), 'All vaults');
    expect(await p.getByRole('button', { name: /^Vault / }).count()).toBe(0);
    await setField(field(p, 'Vault'), 'prod');
    await (await visible(menuButton('prod'))).click();
    const menu = await visible(p.getByRole('menu', { name: 'Vault prod' }));
    await visible(menu.getByRole('menuitem', { name: 'Rename vault…' }));
    await visible(menu.getByRole('menuitem', { name: 'Delete vault…' }));
    await p.keyboard.press('Escape');
    await gone(menu);
  });

  step('a name another vault has, in other letters, is refused in the core’s words', async () => {
    const p = alice.page;
    await menuButton('prod').click();
    await p.getByRole('menuitem', { name: 'Rename vault…' }).click();
    const d = await visible(dialog(p));
    await field(d, 'New vault name').fill('STAGING');
    await button(d, 'Rename vault').click();
    await visible(alert(d));
    expect(await alert(d).textContent()).toMatch(/a vault named "staging" already exists in this team/);
    expect(await vaultNames()).toEqual(['prod', 'staging']);
  });

  step('renaming shows the new name in the filter and the list, and the secrets read on', async () => {
    const p = alice.page;
    const d = dialog(p);
    await field(d, 'New vault name').fill('production');
    await button(d, 'Rename vault').click();
    await gone(d, SLOW);
    expect(await vaultNames()).toEqual(['production', 'staging']);
    await visible(menuButton('production'));
    await eventually('the filter shows the new name', async () =>
      (await field(p, 'Vault').locator('option').allTextContents()).includes('production'),
    );
    await visible(secretOption(p, 'db'));
    expect(await alice.dispatch('secret.reveal', { ref: 'production/db' })).toEqual({ value: 'db-v' });
  });

  step('deleting asks first, naming the two secrets, and then the vault is gone', async () => {
    const p = alice.page;
    await menuButton('production').click();
    await p.getByRole('menuitem', { name: 'Delete vault…' }).click();
    const d = await visible(dialog(p));
    await visible(d.getByRole('heading', { name: 'Delete vault production?' }));
    await visible(d.getByText('Its 2 secrets go with it.'));
    // Cancel keeps it.
    await button(d, 'Cancel').click();
    await gone(d);
    expect(await vaultNames()).toEqual(['production', 'staging']);

    await menuButton('production').click();
    await p.getByRole('menuitem', { name: 'Delete vault…' }).click();
    await button(await visible(dialog(p)), 'Delete vault').click();
    await gone(dialog(p), SLOW);
    expect(await vaultNames()).toEqual(['staging']);
    await eventually(
      'the filter is back on all vaults',
      async () => (await field(p, 'Vault').locator('option:checked').textContent()) === 'All vaults',
    );
    await gone(secretOption(p, 'db'), SLOW);
    expect(await field(p, 'Vault').locator('option').allTextContents()).toEqual(['All vaults', 'staging']);
  });

  step('an empty vault is deleted the same way, saying it holds no secrets', async () => {
    const p = alice.page;
    await setField(field(p, 'Vault'), 'staging');
    await menuButton('staging').click();
    await p.getByRole('menuitem', { name: 'Delete vault…' }).click();
    const d = await visible(dialog(p));
    await visible(d.getByText('It holds no secrets.'));
    await button(d, 'Delete vault').click();
    await gone(dialog(p), SLOW);
    expect(await vaultNames()).toEqual([]);
    await visible(p.getByText('No vaults yet.'));
  });
});
