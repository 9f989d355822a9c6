// Process: test (browser end-to-end).
// The Team screen as an owner and then an admin uses it, in real Chromium with the real
// renderer build and a real DesktopCore, against a real team server. The other people are
// in-process core services on their own profiles. Invited, accepted-and-waiting and confirmed
// rows carry different badge text; alice changes a role with the select (offered only the
// roles she may assign), revokes an invitation and removes a member through their dialogs;
// each change is checked where it counts: in the core's chain and at the server. Removed as
// an admin, a vault she cannot re-key is named with who will finish it.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { TeamRole } from '../../shared/roles.ts';
import { bytes, type Person, signUp } from '../helpers/people.ts';
import { type E2EEnv, type E2EUser, e2eGate, eventually, setField, startE2E } from './harness.ts';
import { orderedSteps } from './steps.ts';
import { button, dialog, field, gone, heading, openScreen, SLOW, visible, signUpWithTeam } from './ui.ts';

const unavailable = e2eGate('team');

let env: E2EEnv;
let alice: E2EUser; // owner in the window, made admin by bob later
let bob: Person; // member, made owner through the window
let carol: Person; // member with view on prod and her own vault; removed through the window
let dave: Person; // invited, never accepts; revoked through the window
let erin: Person; // accepted, waiting for confirmation
let code = '';

const steps = orderedSteps(240_000);
const step = steps.step;

const row = (email: string) => alice.page.getByRole('row').filter({ hasText: email });
const roleOf = async (email: string): Promise<TeamRole | undefined> =>
  (await alice.dispatch('team.members', {})).find((m) => m.email === email)?.role;

describe.skipIf(!!unavailable)('the Team screen: roles, revoking and removing', () => {
  beforeAll(async () => {
    env = await startE2E();
    alice = await env.openUser('alice', { settings: { autoLockMinutes: 60 } });
    [bob, carol, dave, erin] = (await Promise.all(
      ['bob', 'carol', 'dave', 'erin'].map((n) => signUp(env.serverUrl, n)),
    )) as [Person, Person, Person, Person];
  }, 600_000);

  afterAll(async () => {
    for (const p of [bob, carol, dave, erin]) p?.svc.lock();
    await env?.close();
  }, 60_000);

  step('alice forms a team: confirmed, accepted and invited people', async () => {
    const p = alice.page;
    await signUpWithTeam(alice, env.serverUrl);
    for (const who of [bob, carol, erin, dave]) {
      code = (await alice.dispatch('team.invite', { email: who.email, role: 'member' })).inviteCode;
      if (who !== dave) await who.svc.accept(code);
      if (who === bob || who === carol)
        await alice.dispatch('team.confirm', { email: who.email, fingerprint: who.svc.whoami().fingerprint });
    }
    await alice.dispatch('vault.create', { name: 'prod' });
    await alice.dispatch('secret.set', { ref: 'prod/db', value: 'db-v1' });
    await alice.dispatch('vault.share', { vault: 'prod', with: carol.email, role: 'view' });
    await carol.svc.sync();
    await carol.svc.createVault('notes');
    await carol.svc.setSecret('notes/todo', bytes('carol-notes'));
    await bob.svc.sync();

    await openScreen(p, 'Team');
    await visible(heading(p, 'Members'));
    // Three states, three texts: not colour alone.
    await visible(row(dave.email).getByText('invited', { exact: true }));
    await visible(row(erin.email).getByText('accepted, awaiting confirmation', { exact: true }));
    await visible(row(bob.email).getByText('confirmed', { exact: true }));
    await visible(button(row(erin.email), `Confirm ${erin.email}`));
    await visible(button(row(dave.email), `Revoke invitation of ${dave.email}`));
    expect(await button(row(bob.email), `Revoke invitation of ${bob.email}`).count()).toBe(0);
    // An owner may move a member to any role.
    const select = field(p, `Role of ${bob.email}`);
    expect(await select.locator('option').allTextContents()).toEqual(['owner', 'admin', 'member']);
    // No select and no Remove on her own row.
    expect(await field(p, `Role of ${alice.email}`).count()).toBe(0);
    expect(await button(p, `Remove ${alice.email}`).count()).toBe(0);
  });

  step('alice makes bob an owner with the role select', async () => {
    const p = alice.page;
    await setField(field(p, `Role of ${bob.email}`), 'owner');
    await visible(p.getByRole('status').getByText(`${bob.email} is now owner.`, { exact: false }), SLOW);
    expect(await roleOf(bob.email)).toBe('owner');
    // The chain gave him every vault key in the same change.
    await bob.svc.sync();
    expect(new TextDecoder().decode(bob.svc.getSecret('notes/todo'))).toBe('carol-notes');
  });

  step(
    'alice revokes the invitation of dave: the dialog says what it does, and dave cannot join',
    async () => {
      const p = alice.page;
      await button(row(dave.email), `Revoke invitation of ${dave.email}`).click();
      const d = await visible(dialog(p));
      await visible(d.getByText(/their invite code no longer lets them join/));
      await button(d, 'Revoke invitation').click();
      await gone(dialog(p), SLOW);
      await visible(
        p.getByRole('status').getByText(`The invitation of ${dave.email} is withdrawn`, { exact: false }),
      );
      await gone(row(dave.email), SLOW);
      await expect(dave.svc.accept(code)).rejects.toMatchObject({ code: 'forbidden' });
    },
  );

  step('made an admin by bob, alice sees at once what an admin may do', async () => {
    await bob.svc.changeRole(alice.email, 'admin');
    const p = alice.page;
    // The push channel brings the change; the window re-reads her role from the chain.
    await visible(p.getByText(/you are admin/), SLOW);
    await eventually(
      'no role select on an owner',
      async () => (await field(p, `Role of ${bob.email}`).count()) === 0,
    );
    expect(await button(p, `Remove ${bob.email}`).count()).toBe(0);
    expect(await field(p, `Role of ${carol.email}`).locator('option').allTextContents()).toEqual([
      'admin',
      'member',
    ]);
  });

  step(
    'alice removes carol: prod is re-keyed, notes is left for bob, and the server refuses carol',
    async () => {
      const p = alice.page;
      await button(row(carol.email), `Remove ${carol.email}`).click();
      const d = await visible(dialog(p));
      await visible(d.getByText(/Every vault they could read is re-keyed/));
      await button(d, 'Remove member').click();
      await visible(dialog(p).getByRole('heading', { name: `${carol.email} is removed` }), SLOW);
      const list = dialog(p).getByRole('list', { name: 'Vaults still to re-key' });
      await visible(list.getByText(`re-keyed when ${bob.email} next opens Tessera`, { exact: false }));
      expect(await list.getByRole('listitem').count()).toBe(1);
      await visible(dialog(p).getByText('Re-keyed: prod.', { exact: false }));
      await button(dialog(p), 'Close').click();
      await gone(dialog(p));
      await gone(row(carol.email), SLOW);

      await expect(carol.svc.sync()).rejects.toMatchObject({ code: 'forbidden' });
      // Bob's next sync finishes the re-key alice could not do.
      const synced = await bob.svc.sync();
      expect(synced.keysSealed).toBeGreaterThan(0);
      expect(new TextDecoder().decode(bob.svc.getSecret('notes/todo'))).toBe('carol-notes');
    },
  );
});
