// Process: test (browser end-to-end).
// The audit screen (docs/design.md "Audit") through the real renderer build in Chromium, a
// real DesktopCore and a real team server: the owner sees the entries the team's actions made
// (a copy reported by the core, signed), filters them, exports the rows shown as JSON lines,
// and, once a row is rewritten directly in the database, Verify again shows the log does not
// verify, with no rows.
import { readFileSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import {
  bodyText,
  type E2EEnv,
  e2eGate,
  type E2EUser,
  eventually,
  screenshot,
  setField,
  startE2E,
} from './harness.ts';
import { orderedSteps } from './steps.ts';
import { button, field, joinAsViewer, navItem, SLOW, signUpWithTeam, visible } from './ui.ts';

const unavailable = e2eGate('audit');

let env: E2EEnv;
let alice: E2EUser;
let bob: E2EUser;

const steps = orderedSteps();
const step = steps.step;

const rows = () => alice.page.getByRole('table', { name: 'Audit log' }).locator('tbody tr');
const kinds = async () => (await rows().locator('td:nth-child(4)').allTextContents()).reverse();

describe.skipIf(!!unavailable)('desktop window: audit log', () => {
  beforeAll(async () => {
    env = await startE2E();
    alice = await env.openUser('alice', { settings: { autoLockMinutes: 60 } });
  }, 600_000);

  afterAll(async () => {
    await env?.close();
  }, 60_000);

  step('an owner sees the Audit screen with the entries the team made, verified', async () => {
    const p = alice.page;
    await signUpWithTeam(alice, env.serverUrl);
    await alice.dispatch('vault.create', { name: 'prod' });
    await alice.dispatch('secret.set', { ref: 'prod/db', type: 'password', value: 'hunter2-e2e' });
    await (await visible(navItem(p, 'Audit'))).click();
    await visible(p.getByRole('heading', { name: 'Audit log', exact: true }));
    await eventually('team and vault creation', async () => {
      const k = await kinds();
      return k.includes('team.create') && k.includes('vault.create');
    });
    expect(await bodyText(p)).toMatch(/Verified up to entry \d+/);
  });

  step('a copy through the window’s copy call appears, signed, by the secret’s name', async () => {
    const p = alice.page;
    await alice.dispatch('secret.copy', { ref: 'prod/db' });
    await eventually(
      'the copy entry',
      async () => {
        await button(p, 'Verify again').click();
        return (await kinds()).includes('secret.copy');
      },
      SLOW,
    );
    const row = rows().filter({ hasText: 'secret.copy' }).first();
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('prod/db');
    expect(text).toContain(alice.email);
    expect(text).toContain('signed by their device');
  });

  step('filters by action, secret, person and time', async () => {
    const p = alice.page;
    await setField(field(p, 'Action'), 'secret.copy');
    await eventually('only the copy', async () => {
      const k = await kinds();
      return k.length === 1 && k[0] === 'secret.copy';
    });
    await setField(field(p, 'Action'), 'All actions');
    await field(p, 'Secret').fill('prod/db');
    await eventually('only entries on prod/db', async () => {
      const k = await kinds();
      return k.length >= 1 && k.every((x) => x === 'secret.copy' || x === 'secret.reveal');
    });
    await field(p, 'Secret').fill('');
    await field(p, 'Person').fill(alice.email);
    await eventually('alice’s entries', async () => (await kinds()).includes('team.create'));
    await field(p, 'From').fill('2999-01-01');
    await visible(p.getByText('No entries match.'));
    await field(p, 'From').fill('');
    await field(p, 'Person').fill('');
    await eventually('all entries back', async () => (await kinds()).includes('vault.create'));
  });

  step('Export has the core save the rows shown as JSON lines', async () => {
    const p = alice.page;
    await screenshot(p, 'audit');
    // The window downloads nothing (the shell blocks it): the core writes the file, 0600.
    await button(p, 'Export').click();
    const status = await visible(p.getByRole('status').filter({ hasText: /^Saved \d+ entries to / }));
    const path = (await status.textContent())!.replace(/^Saved \d+ entries to /, '');
    expect(path).toMatch(/\/tessera-audit-Acme-\d{4}-\d\d-\d\d\.jsonl$/);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const lines = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.kind)).toEqual(await kinds());
    expect(lines.find((l) => l.kind === 'secret.copy')).toMatchObject({
      vault: 'prod',
      secret: 'db',
      signed: true,
    });
    expect(readFileSync(path, 'utf8')).not.toContain('hunter2-e2e');
  });

  step('a member sees no Audit screen; their reveal shows in the owner’s log, signed', async () => {
    bob = await env.openUser('bob', { settings: { autoLockMinutes: 60 } });
    await joinAsViewer(env, alice, bob, 'prod');
    const b = bob.page;
    expect(await navItem(b, 'Audit').count()).toBe(0);
    const refused = await bob.core.dispatch('audit.list', {});
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await eventually(
      'bob reads prod',
      async () => (await bob.core.dispatch('secret.reveal', { ref: 'prod/db' })).ok,
      SLOW,
    );

    const p = alice.page;
    await eventually(
      'bob’s reveal',
      async () => {
        await button(p, 'Verify again').click();
        return (
          (await rows().filter({ hasText: bob.email }).filter({ hasText: 'secret.reveal' }).count()) === 1
        );
      },
      SLOW,
    );
    const text = (await rows().filter({ hasText: 'secret.reveal' }).first().textContent()) ?? '';
    expect(text).toContain('prod/db');
    expect(text).toContain('signed by their device');
  });

  step('a row rewritten in the database: Verify again shows the log does not verify', async () => {
    const p = alice.page;
    await env.server!.db.query(
      `UPDATE audit_entries SET entry = jsonb_set(entry, '{at}', '"2020-01-01T00:00:00.000Z"') WHERE seq = 1`,
    );
    await button(p, 'Verify again').click();
    await visible(p.getByRole('heading', { name: 'The audit log does not verify' }), SLOW);
    const alert = await visible(p.getByRole('alert'));
    expect(await alert.textContent()).toContain('the audit log of team "Acme" does not verify');
    expect(await rows().count()).toBe(0);
    expect(await button(p, 'Export').isDisabled()).toBe(true);
  });
});
