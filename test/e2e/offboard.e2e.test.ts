// Process: test (browser end-to-end).
// Offboarding from the Team screen (docs/design.md "Offboarding"), in real Chromium with the
// real renderer and a real DesktopCore against a real team server: alice offboards bob through
// the Offboard button and its confirm dialog, reads the report (exactly bob's secrets, each
// "rotation required: bob offboarded on <date>"), exports it as CSV and JSON (the core writes
// the files: the window may not download), and finds the
// same flags on the Due screen. Bob's own client is refused from then on.
import { readFileSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { bytes, type Person, signUp } from '../helpers/people.ts';
import { type E2EEnv, e2eGate, type E2EUser, eventually, screenshot, startE2E } from './harness.ts';
import { orderedSteps } from './steps.ts';
import { button, dialog, gone, heading, openScreen, SLOW, signUpWithTeam, visible } from './ui.ts';

const unavailable = e2eGate('offboard');

let env: E2EEnv;
let alice: E2EUser;
let bob: Person;
let date = '';

const steps = orderedSteps(240_000);
const step = steps.step;
const row = (email: string) => alice.page.getByRole('row').filter({ hasText: email });

describe.skipIf(!!unavailable)('the Team screen: offboarding a member', () => {
  beforeAll(async () => {
    env = await startE2E();
    alice = await env.openUser('alice', { settings: { autoLockMinutes: 60 } });
    bob = await signUp(env.serverUrl, 'bob');
  }, 600_000);

  afterAll(async () => {
    bob?.svc.lock();
    await env?.close();
  }, 60_000);

  step('alice shares two of three vaults with bob', async () => {
    await signUpWithTeam(alice, env.serverUrl);
    const code = (await alice.dispatch('team.invite', { email: bob.email, role: 'member' })).inviteCode;
    await bob.svc.accept(code);
    await alice.dispatch('team.confirm', { email: bob.email, fingerprint: bob.svc.whoami().fingerprint });
    for (const v of ['prod', 'ops', 'hr']) await alice.dispatch('vault.create', { name: v });
    for (const ref of ['prod/db', 'prod/api', 'ops/vpn', 'hr/payroll'])
      await alice.dispatch('secret.set', { ref, value: `${ref}-v1` });
    await alice.dispatch('group.create', { name: 'oncall' });
    await alice.dispatch('group.add', { group: 'oncall', email: bob.email });
    await alice.dispatch('vault.share', { vault: 'prod', with: bob.email, role: 'view' });
    await alice.dispatch('vault.share', { vault: 'ops', with: 'oncall', role: 'edit' });
    await bob.svc.sync();
    expect(new TextDecoder().decode(bob.svc.getSecret('ops/vpn'))).toBe('ops/vpn-v1');
    await bob.svc.setSecret('ops/extra', bytes('x'));
  });

  step('Offboard asks first, says what will happen, then shows the report', async () => {
    const p = alice.page;
    await openScreen(p, 'Team');
    await visible(heading(p, 'Members'));
    await button(row(bob.email), `Offboard ${bob.email}`).click();
    const d = await visible(dialog(p));
    expect(await d.textContent()).toContain('signed out at once');
    expect(await d.textContent()).toContain('rotation required');
    await button(d, 'Offboard member').click();
    await visible(heading(p, `Offboarding report: ${bob.email}`), SLOW);
    const report = dialog(p);
    const cells = await report.locator('tbody tr').allTextContents();
    date = new Date().toISOString().slice(0, 10);
    const flag = `rotation required: ${bob.email} offboarded on ${date}`;
    // Bob read ops/vpn once before he left: the audit log says so; the rest he never opened.
    const never = 'never revealed or copied';
    expect(cells.sort()).toEqual([
      `opsextra${flag}${never}`,
      `opsvpn${flag}revealed 1, copied 0, last ${date}`,
      `prodapi${flag}${never}`,
      `proddb${flag}${never}`,
    ]);
    await screenshot(p, 'offboard-report');
    await expect(bob.svc.sync()).rejects.toMatchObject({ code: 'session_revoked' });
  });

  step('the report exports as CSV and as JSON, saved by the core', async () => {
    const p = alice.page;
    const report = dialog(p);
    const savedTo = async () => {
      const status = await visible(report.getByRole('status').filter({ hasText: 'Saved to ' }));
      return (await status.textContent())!.replace(/^Saved to /, '');
    };
    await button(report, 'Export CSV').click();
    const csvPath = await savedTo();
    expect(csvPath).toMatch(new RegExp(`offboarding-bob-example-test-${date}\\.csv$`));
    const text = readFileSync(csvPath, 'utf8');
    expect(text.split('\r\n')[0]).toBe(
      'kind,vault,name,rotation,created,expires,status,revealed,copied,last used',
    );
    expect(text).toContain(`secret,ops,vpn,rotation required: ${bob.email} offboarded on ${date}`);
    expect(text).not.toContain('payroll');
    expect(statSync(csvPath).mode & 0o777).toBe(0o600);
    await button(report, 'Export JSON').click();
    await eventually('the JSON path', async () => (await savedTo()).endsWith('.json'));
    const parsed = JSON.parse(readFileSync(await savedTo(), 'utf8'));
    expect(parsed.email).toBe(bob.email);
    expect(parsed.secrets).toHaveLength(4);
    await button(report, 'Close').click();
    await gone(dialog(p));
    await visible(p.getByRole('status').filter({ hasText: `${bob.email} is offboarded.` }));
  });

  step('the Due screen flags each of those secrets with the reason', async () => {
    const p = alice.page;
    await p.getByRole('navigation').getByRole('link', { name: /^Due/ }).click();
    const rows = p.getByRole('table', { name: 'Secrets to rotate' }).locator('tbody tr');
    await eventually('four rows', async () => (await rows.count()) === 4);
    for (const text of await rows.allTextContents())
      expect(text).toContain(`Rotation required: ${bob.email} offboarded on ${date}`);
    expect(await rows.filter({ hasText: 'hr/payroll' }).count()).toBe(0);
  });
});
