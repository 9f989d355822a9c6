// Process: test (browser end-to-end).
// Why this exists: the unit and integration suites prove the core and the server; this one
// proves the window a person actually uses. Two people (alice, bob) in two browser contexts,
// each with the real renderer build and a real DesktopCore on its own profile, against one
// real team server: sign up, form a team (alice's window shows the invite code, bob types it;
// a wrong code is refused) with a fingerprint check, share a vault as 'view',
// see a teammate's edit arrive through the push channel in under a second without a
// reload, lock without leaving plaintext in the page, a clipboard that clears itself, and
// taking access away again in the Share dialog (a member, then a group), which re-keys.
// Steps share state and run in order; after a failed step the rest are skipped, so the
// first failure is the one reported. TESSERA_SCREENSHOTS=1 also rewrites docs/screenshots.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import {
  bodyText,
  domDump,
  type E2EEnv,
  type E2EUser,
  e2eGate,
  eventually,
  now,
  pageClipboard,
  pageEvents,
  refuseClipboardApi,
  screenshot,
  setField,
  setPageClipboard,
  watchFor,
  type ScreenshotName,
  startE2E,
} from './harness.ts';
import { orderedSteps } from './steps.ts';
import {
  alert,
  button,
  closeDialog,
  dialog,
  field,
  fillSecretDialog,
  gone,
  hasFocus,
  heading,
  navItem,
  NORMAL,
  openScreen,
  openSecret,
  reveal,
  SLOW,
  searchBox,
  secretOption,
  secretsList,
  shownText,
  signUpThroughUi,
  visible,
  waitWithNudges,
} from './ui.ts';
import { inviteCodeOf } from '../../shared/chain/invite-code.ts';
import { formTeam, newUser } from '../helpers/server.ts';

const unavailable = e2eGate('desktop');

/** The push-channel promise from docs/design.md "Flows": every open client shows a change within a second. */
const PUSH_BUDGET_MS = 1000;
const TEAM = 'Acme';
const VAULT = 'prod';
const SECRET = 'db-password';
const VALUE_1 = 'hunter2-first-4f9c';
const VALUE_2 = 'rotated-second-7b21';
/** Crockford base32 of a team id, in groups of five (shared/chain/invite-code.ts). */
const INVITE_CODE = /^[0-9a-hjkmnp-tv-z]{5}(-[0-9a-hjkmnp-tv-z]{5}){4}-[0-9a-hjkmnp-tv-z]$/;

let env: E2EEnv;
let alice: E2EUser;
let bob: E2EUser;
/** The code alice's window showed her, which she gives bob out of band. */
let inviteCode = '';
/** Things the run noticed that are not failures but belong in the report. */
const notes: string[] = [];
const timings: Record<string, string> = {};

const steps = orderedSteps();
const step = steps.step;

const revisionOf = (payload: unknown) => (payload as { revision?: number } | null)?.revision ?? -1;

const shot = (u: E2EUser, file: ScreenshotName) => screenshot(u.page, file);

describe.skipIf(!!unavailable)('desktop window: two people, the real core, a real team server', () => {
  beforeAll(async () => {
    env = await startE2E();
    // A long auto-lock: a slow run must not be locked underneath by the idle timer.
    alice = await env.openUser('alice', { settings: { autoLockMinutes: 60 } });
    bob = await env.openUser('bob', { settings: { autoLockMinutes: 60 } });
  }, 600_000);

  afterAll(async () => {
    if (notes.length) console.log(`desktop e2e notes:\n  - ${notes.join('\n  - ')}`);
    if (Object.keys(timings).length) {
      console.log(
        `desktop e2e timings:\n${Object.entries(timings)
          .map(([k, v]) => `  ${k}: ${v}`)
          .join('\n')}`,
      );
    }
    await env?.close();
  }, 60_000);

  /** Bob's last calls and events (channels, codes and change summaries only, never values)
   *  and what his core holds, for a push that did not arrive. */
  async function whatBobSaw(): Promise<string> {
    const calls = bob.calls
      .slice(-30)
      .map((c) => `${Math.round(c.start)} ${c.channel} ${c.ok ? 'ok' : c.code}`);
    const events = bob.events
      .slice(-30)
      .map((e) => `${Math.round(e.at)} ${e.event} ${JSON.stringify(e.payload)}`);
    const list = await bob.dispatch('secret.list', {}).then(
      (l) => `${l.length} in the core's list`,
      (e) => `secret.list failed: ${String(e)}`,
    );
    return [`now ${Math.round(now())}`, list, 'calls:', ...calls, 'events:', ...events].join('\n  ');
  }

  step('first run: both people create an account through the window', async () => {
    await visible(heading(alice.page, 'Welcome to Tessera'));
    for (const name of ['Create account', 'Log in', 'Start a local server'])
      await visible(button(alice.page, name));
    await shot(alice, 'first-run');
    const t0 = now();
    await Promise.all(
      [alice, bob].map((u) =>
        signUpThroughUi(u.page, {
          server: env.serverUrl,
          email: u.email,
          name: u.name,
          password: u.password,
        }),
      ),
    );
    timings['sign up (two people at once, Argon2id + OPAQUE)'] = `${Math.round(now() - t0)} ms`;
    const st = await alice.dispatch('app.state', {});
    expect(st).toMatchObject({ hasAccount: true, unlocked: true, email: alice.email, team: null });
    // The password went to the core and left the page: no input still holds it.
    expect(await domDump(alice.page)).not.toContain(alice.password);
  });

  step(
    'alice creates a team and invites bob; her window shows the invite code, and Copy copies it',
    async () => {
      const p = alice.page;
      await field(p, 'Team name').fill(TEAM);
      await button(p, 'Create team').click();
      await visible(navItem(p, 'Secrets'), SLOW);

      await openScreen(p, 'Team');
      await visible(p.getByText('Your fingerprint', { exact: true }));
      // The team's own code, for an owner or admin to give out again.
      const teamCode = (await shownText(await visible(field(p, 'Team invite code')))).trim();
      expect(teamCode).toMatch(INVITE_CODE);
      expect(teamCode).toBe((await alice.dispatch('team.code', {})).inviteCode);

      await field(p, 'Invite email').fill(bob.email);
      await setField(field(p, 'Invite role'), 'member');
      await button(p, 'Invite').click();
      const shown = await visible(field(p, `Invite code for ${bob.email}`));
      inviteCode = (await shownText(shown)).trim();
      expect(inviteCode).toBe(teamCode);
      // The person must get it from alice, not from the server.
      const result = p.getByRole('region', { name: 'Invite', exact: true });
      await visible(result.getByText(/directly: in person, by phone or in chat, not through the/));
      expect((await alice.dispatch('team.members', {})).find((m) => m.email === bob.email)?.status).toBe(
        'invited',
      );
      await shot(alice, 'team-invite-code');

      // Copy, through the browser's Clipboard API.
      await setPageClipboard(p, 'something else');
      await button(p, 'Copy invite code').click();
      await visible(result.getByText('Copied the invite code.'));
      const copied = await eventually('the invite code on the clipboard', async () => {
        const c = await pageClipboard(p);
        return c === inviteCode ? c : null;
      });
      expect(copied).toBe(inviteCode);

      // The team code's Copy, the way it runs in Electron: the session refuses the Clipboard
      // API, so the button falls back to the copy command.
      await setPageClipboard(p, 'something else');
      const undo = await refuseClipboardApi(p);
      try {
        await button(p, 'Copy team invite code').click();
        await visible(
          p.getByRole('region', { name: 'Invite code', exact: true }).getByText('Copied the invite code.'),
        );
      } finally {
        await undo();
      }
      expect(await pageClipboard(p)).toBe(teamCode);
    },
  );

  step("a wrong invite code is refused with the core's own message, and bob is not joined", async () => {
    const p = bob.page;
    // The invitations list says who invited him, but joining needs the code.
    const invited = p
      .getByRole('listitem')
      .filter({ hasText: TEAM })
      .filter({ hasText: `invited ${bob.email}` });
    const nudge = await waitWithNudges(
      invited,
      [
        { what: "'Check again'", run: () => button(p, 'Check again').click() },
        { what: 'a page reload', run: async () => void (await p.reload()) },
      ],
      5_000,
    );
    if (nudge) notes.push(`bob's invitation list did not refresh by itself; needed ${nudge}`);
    expect(await button(p, `Join ${TEAM}`).count()).toBe(0);

    const code = field(p, 'Invite code');
    const join = button(p, 'Join');
    expect(await join.isDisabled()).toBe(true);
    await code.fill('   ');
    expect(await join.isDisabled()).toBe(true);

    // A team that exists on the same server but never invited bob.
    const stranger = await newUser(env.serverUrl, 'stranger');
    const otherCode = inviteCodeOf(await formTeam(stranger));
    // One character mistyped: still shaped like a code, but it names no team.
    const i = 7;
    const mistyped = inviteCode.slice(0, i) + (inviteCode[i] === 'z' ? 'y' : 'z') + inviteCode.slice(i + 1);
    for (const wrong of [mistyped, otherCode, 'not-a-code']) {
      await code.fill(wrong);
      await join.click();
      const refusal = await bob.core.dispatch('team.accept', { code: wrong });
      expect(refusal.ok, `team.accept ${wrong}`).toBe(false);
      const message = refusal.ok ? '' : refusal.error.message;
      notes.push(
        `join with ${JSON.stringify(wrong)} refused: ${refusal.ok ? '' : refusal.error.code}: ${message}`,
      );
      await visible(alert(p).getByText(message, { exact: true }));
      if (wrong === otherCode) expect(refusal.ok ? '' : refusal.error.code).toMatch(/^(tampered|not_found)$/);
      await visible(heading(p, 'Join or create a team'));
    }
    await shot(bob, 'join-wrong-code');
    expect(await bob.dispatch('app.state', {})).toMatchObject({ team: null });
    expect(await bob.dispatch('team.list', {})).toEqual([]);
    expect((await alice.dispatch('team.members', {})).find((m) => m.email === bob.email)?.status).toBe(
      'invited',
    );
  });

  step('bob types the code alice gave him and joins; he waits, showing his fingerprint', async () => {
    const p = bob.page;
    await field(p, 'Invite code').fill(inviteCode);
    await button(p, 'Join').click();
    await visible(p.getByText('Waiting for an admin to confirm you'), SLOW);
    const bobState = await bob.dispatch('app.state', {});
    expect(bobState.team?.name).toBe(TEAM);
    expect(bobState.fingerprint).toMatch(/^[0-9A-F]{4}( [0-9A-F]{4}){7}$/);
    await visible(p.getByText('Your fingerprint'));
    expect(await bodyText(p)).toContain(bobState.fingerprint!);
    await eventually("bob accepted in alice's member list", async () =>
      (await alice.dispatch('team.members', {})).some(
        (m) => m.email === bob.email && m.status === 'accepted',
      ),
    );
    await shot(bob, 'waiting');
    // While he waits his window checks every few seconds, not in a loop its own syncs feed.
    const syncs = () => bob.calls.filter((c) => c.channel === 'sync.now').length;
    const before = syncs();
    await new Promise((r) => setTimeout(r, 4_000));
    expect(syncs() - before).toBeLessThanOrEqual(3);
  });

  step('confirm dialog: a wrong fingerprint is refused, the one bob reads confirms him', async () => {
    const bobFingerprint = (await bob.dispatch('app.state', {})).fingerprint!;
    await openScreen(alice.page, 'Team');
    const confirm = button(alice.page, `Confirm ${bob.email}`);
    const nudge = await waitWithNudges(
      confirm,
      [
        {
          what: 'switching screens',
          run: async () => {
            await openScreen(alice.page, 'Secrets');
            await openScreen(alice.page, 'Team');
          },
        },
      ],
      10_000,
    );
    if (nudge) notes.push(`alice's member list did not show bob's acceptance by itself; needed ${nudge}`);
    await confirm.click();
    const d = await visible(dialog(alice.page));
    // Side by side: what the server claims for bob, next to what bob reads out.
    expect(await d.textContent()).toContain(bobFingerprint);
    const wrong = bobFingerprint.replace(/^[0-9A-F]/, (c) => (c === 'A' ? 'B' : 'A'));
    await field(d, 'Fingerprint they read to you').fill(wrong);
    await button(d, 'Confirm member').click();
    await visible(alert(d).or(alert(alice.page)));
    expect(await alert(alice.page).first().textContent()).toMatch(/fingerprint/i);
    expect((await alice.dispatch('team.members', {})).find((m) => m.email === bob.email)?.status).toBe(
      'accepted',
    );

    await field(d, 'Fingerprint they read to you').fill(bobFingerprint);
    await shot(alice, 'team-confirm');
    await field(d, 'Fingerprint they read to you').fill(bobFingerprint.toLowerCase().replaceAll(' ', '-'));
    await button(d, 'Confirm member').click();
    await gone(dialog(alice.page), SLOW);
    expect((await alice.dispatch('team.members', {})).find((m) => m.email === bob.email)?.status).toBe(
      'confirmed',
    );

    // Bob's window moves on by itself once the directory says he is in.
    const t0 = now();
    await visible(navItem(bob.page, 'Secrets'), 30_000);
    timings['bob leaves the waiting screen after confirmation'] = `${Math.round(now() - t0)} ms`;
  });

  step('alice creates a vault and a secret and shares the vault with bob as view', async () => {
    const p = alice.page;
    await openScreen(p, 'Secrets');
    await button(p, 'New vault').click();
    const vd = await visible(dialog(p));
    await field(vd, 'Vault name').fill(VAULT);
    await button(vd, 'Create vault').click();
    await gone(dialog(p), SLOW);

    await button(p, 'New secret').click();
    const sd = await visible(dialog(p));
    await visible(field(sd, 'Password'));
    // The generator and the strength meter are there; the saved value is ours.
    await button(sd, 'Generate Password').click();
    await eventually('a generated value', async () => (await field(sd, 'Password').inputValue()).length >= 8);
    await visible(sd.getByText(/^Strength: /));
    await fillSecretDialog(p, { vault: VAULT, name: SECRET, value: VALUE_1, rotateEveryDays: 30 });
    await visible(secretOption(p, SECRET), SLOW);

    await setField(field(p, 'Vault'), VAULT);
    await button(p, 'Share').click();
    const share = await visible(dialog(p));
    await setField(field(share, 'Member or group'), bob.email);
    await setField(field(share, 'Role'), 'view');
    await button(share, 'Share vault').click();
    await eventually(
      'bob has view on the vault',
      async () =>
        (await alice.dispatch('vault.access', { vault: VAULT })).some(
          (a) => a.role === 'view' && a.name.includes('bob'),
        ),
      SLOW,
    );
    await visible(share.getByText(bob.email).or(share.getByText('bob', { exact: true })));
    await visible(button(share, `Remove ${bob.email}`));
    await shot(alice, 'share-dialog');
    await closeDialog(p);
    await setField(field(p, 'Vault'), 'All vaults');

    await openSecret(p, SECRET);
    expect(await reveal(p)).toBe(VALUE_1);
    await shot(alice, 'secrets-revealed');
  });

  step('bob sees the shared secret, reveals it, and has no Edit or Delete', async () => {
    const p = bob.page;
    await openScreen(p, 'Secrets');
    // The share reaches bob through the push channel; no reload.
    try {
      await visible(secretOption(p, SECRET), NORMAL);
    } catch (e) {
      console.log(`bob's window did not show the share; what it saw:\n${await whatBobSaw()}`);
      throw e;
    }
    await openSecret(p, SECRET);
    expect(await reveal(p)).toBe(VALUE_1);
    expect(await button(p, 'Edit').count()).toBe(0);
    expect(await button(p, 'Delete').count()).toBe(0);
    await visible(button(p, 'Copy'));
    await visible(button(p, 'History'));
  });

  step(`an edit by alice shows in bob's window within ${PUSH_BUDGET_MS} ms, without a reload`, async () => {
    const bp = bob.page;
    const navigations: string[] = [];
    bp.on('framenavigated', (f) => navigations.push(f.url()));
    const seen = await watchFor(bp, VALUE_2);

    // Alice edits the value she has open.
    await button(alice.page, 'Edit').click();
    await fillSecretDialog(alice.page, { value: VALUE_2 });
    const saved = alice.calls.filter((c) => c.channel === 'secret.set' && c.ok).at(-1);
    expect(saved).toBeDefined();
    const savedAt = saved!.end;
    const revision = (await alice.dispatch('sync.now', {})).revision;

    // Either bob's revealed value refreshes itself, or bob re-reveals once the push has
    // landed (docs/design.md "Memory": a revealed value need not be live). Both are measured from the
    // moment alice's save resolved to the first frame in bob's window showing the new value.
    const syncedInPage = async () =>
      (await pageEvents(bp)).find(
        (e) => e.event === 'synced' && revisionOf(e.payload) >= revision && e.at >= savedAt - 5_000,
      );
    await eventually(
      'the new value or the push to reach bob',
      async () => (await seen.seenAt()) ?? (await syncedInPage()),
      10_000,
      10,
    );
    let shownAt = await seen.seenAt();
    let how = 'the revealed value refreshed itself';
    if (shownAt === null) {
      const synced = (await syncedInPage())!;
      timings["alice save → 'synced' event in bob's page"] = `${Math.round(synced.at - savedAt)} ms`;
      shownAt = await eventually('bob value auto-refresh', () => seen.seenAt(), 300, 10).catch(() => null);
      if (shownAt === null) {
        how = 'bob re-revealed after the push arrived';
        notes.push(
          "bob's revealed value did not refresh itself after a push; the test re-reveals (the brief allows it)",
        );
        expect(await reveal(bp)).toBe(VALUE_2);
        shownAt = await eventually('a frame with the new value', () => seen.seenAt(), 5_000, 10);
      }
    }
    const latency = shownAt - savedAt;
    timings[`alice save → new value on bob's screen (${how})`] = `${Math.round(latency)} ms`;
    expect(navigations).toEqual([]);
    expect(latency).toBeLessThan(PUSH_BUDGET_MS);
    if (await secretOption(bp, SECRET).isVisible()) expect(await reveal(bp)).toBe(VALUE_2);
  });

  step(`a secret alice adds appears in bob's list within ${PUSH_BUDGET_MS} ms, untouched`, async () => {
    const seen = await watchFor(bob.page, 'api-key');
    await button(alice.page, 'New secret').click();
    await fillSecretDialog(alice.page, { vault: VAULT, name: 'api-key', value: 'ak-live-0c0ffee' });
    const savedAt = alice.calls.filter((c) => c.channel === 'secret.set' && c.ok).at(-1)!.end;
    const shownAt = await eventually("'api-key' in bob's list", () => seen.seenAt(), 10_000, 10);
    await visible(secretOption(bob.page, 'api-key'));
    const latency = shownAt - savedAt;
    timings["alice save → new list entry on bob's screen"] = `${Math.round(latency)} ms`;
    expect(latency).toBeLessThan(PUSH_BUDGET_MS);
  });

  step('an edit keeps the rotation interval; emptying the field clears it', async () => {
    const p = alice.page;
    const rotationOf = async (u: E2EUser) =>
      (await u.dispatch('secret.list', {})).find((x) => x.name === SECRET)?.rotateEveryDays;
    await openScreen(p, 'Secrets');
    await openSecret(p, SECRET);
    await visible(p.getByText('Rotate every 30 days'));
    // The dialog starts from what the secret has; a new value alone leaves it as it was.
    await button(p, 'Edit').click();
    expect(await field(await visible(dialog(p)), 'Rotate every (days)').inputValue()).toBe('30');
    await fillSecretDialog(p, { value: VALUE_2 });
    expect(await rotationOf(alice)).toBe(30);
    await visible(p.getByText('Rotate every 30 days'));
    const version = (await alice.dispatch('secret.list', {})).find((x) => x.name === SECRET)!.version;
    await eventually("bob's copy of the new version, with the interval", async () => {
      const b = (await bob.dispatch('secret.list', {})).find((x) => x.name === SECRET);
      return b?.version === version && b.rotateEveryDays === 30;
    });

    await button(p, 'Edit').click();
    const d = await visible(dialog(p));
    await field(d, 'Rotate every (days)').fill('');
    await fillSecretDialog(p, { value: VALUE_2 });
    expect(await rotationOf(alice)).toBeUndefined();
    await gone(p.getByText(/Rotate every/));
  });

  step('keyboard: Tab reaches the search box and then the secrets list', async () => {
    const p = alice.page;
    await openScreen(p, 'Secrets');
    await p.evaluate(() => {
      const d = (globalThis as unknown as { document: { activeElement: { blur?(): void } | null } }).document;
      d.activeElement?.blur?.();
    });
    await p.mouse.click(1, 1);
    let search = -1;
    let list = -1;
    for (let i = 1; i <= 60 && list < 0; i++) {
      await p.keyboard.press('Tab');
      if (search < 0 && (await hasFocus(searchBox(p)))) search = i;
      else if (search >= 0 && (await hasFocus(secretsList(p)))) list = i;
    }
    expect(search, 'Tab presses to reach Search secrets').toBeGreaterThan(0);
    expect(list, 'Tab presses to reach the Secrets list').toBeGreaterThan(search);
    timings['Tab presses to Search secrets / to the list'] = `${search} / ${list}`;
    // From the list, the keyboard alone opens a secret.
    await p.keyboard.press('ArrowDown');
    await p.keyboard.press('Enter');
    await visible(button(p, 'Reveal').or(button(p, 'Hide')));
    // And search filters the list.
    await searchBox(p).fill('api');
    await visible(secretOption(p, 'api-key'));
    await gone(secretOption(p, SECRET));
    await searchBox(p).fill('');
    await visible(secretOption(p, SECRET));
  });

  step('sync and settings screens; the dark theme', async () => {
    const p = alice.page;
    await openScreen(p, 'Sync');
    await visible(p.getByText('Online', { exact: true }));
    await visible(p.getByText(/Queued edits: 0/));
    await button(p, 'Sync now').click();
    await p.waitForTimeout(300);
    expect(await alert(p).count()).toBe(0);
    await visible(p.getByText('Conflicts'));
    await shot(alice, 'sync');

    await openScreen(p, 'Settings');
    await visible(field(p, 'Auto-lock after (minutes)'));
    await visible(field(p, 'Clear clipboard after (seconds)'));
    await shot(alice, 'settings');
    await setField(field(p, 'Theme'), 'dark');
    await button(p, 'Save settings').click();
    await eventually('theme saved', async () => (await alice.dispatch('settings.get', {})).theme === 'dark');
    await openScreen(p, 'Secrets');
    await openSecret(p, SECRET);
    await shot(alice, 'secrets-dark');
    await openScreen(p, 'Settings');
    await setField(field(p, 'Theme'), 'light');
    await button(p, 'Save settings').click();
    await eventually('theme saved', async () => (await alice.dispatch('settings.get', {})).theme === 'light');
  });

  step('clipboard: Copy puts the value on the clipboard and it clears itself', async () => {
    const p = bob.page;
    await openScreen(p, 'Settings');
    await field(p, 'Clear clipboard after (seconds)').fill('5');
    await button(p, 'Save settings').click();
    await eventually(
      'setting saved',
      async () => (await bob.dispatch('settings.get', {})).clipboardClearSeconds === 5,
    );

    await openScreen(p, 'Secrets');
    await openSecret(p, SECRET);
    const before = bob.clipboard.writes;
    const t0 = now();
    await button(p, 'Copy').click();
    await eventually(
      'the value on the clipboard',
      async () => bob.clipboard.writes > before && bob.clipboard.text === VALUE_2,
    );
    await visible(p.getByText(/Clipboard clears in \d+\s?s/));
    // The value went core → clipboard; the copy answer carried no plaintext into the page.
    const copyCall = bob.calls.filter((c) => c.channel === 'secret.copy').at(-1);
    expect(copyCall?.ok).toBe(true);
    await eventually('the clipboard cleared', async () => bob.clipboard.text === '', 15_000);
    const clearedAfter = now() - t0;
    await visible(p.getByText('Clipboard cleared'), 5_000);
    timings['copy → clipboard cleared (setting 5 s)'] = `${(clearedAfter / 1000).toFixed(2)} s`;
    expect(clearedAfter).toBeGreaterThanOrEqual(4_500);
    expect(bob.events.some((e) => e.event === 'clipboard-cleared')).toBe(true);
  });

  step('lock leaves no secret in the page; unlock brings the list back', async () => {
    const p = alice.page;
    await openScreen(p, 'Secrets');
    await openSecret(p, SECRET);
    expect(await reveal(p)).toBe(VALUE_2);
    await button(p, 'Lock').first().click();
    await visible(heading(p, 'Unlock Tessera'));
    expect(await alice.dispatch('app.state', {})).toMatchObject({ unlocked: false });
    await visible(field(p, 'Password'));
    const text = await bodyText(p);
    const dom = await domDump(p);
    for (const secret of [VALUE_1, VALUE_2, 'ak-live-0c0ffee']) {
      expect(text).not.toContain(secret);
      expect(dom).not.toContain(secret);
    }
    expect(dom).not.toContain(SECRET); // not even a secret's name survives the lock
    await shot(alice, 'unlock');

    await field(p, 'Password').fill('not the password');
    await button(p, 'Unlock').click();
    await visible(alert(p), SLOW);
    await field(p, 'Password').fill(alice.password);
    const t0 = now();
    await button(p, 'Unlock').click();
    await visible(secretOption(p, SECRET), SLOW);
    timings['unlock (Argon2id) → list shown'] = `${Math.round(now() - t0)} ms`;
    expect(await domDump(p)).not.toContain(alice.password);
  });

  step(
    "a burst of alice's writes: bob's window refetches its list a few times, and not at all for a vault he cannot read",
    async () => {
      const BURST = 40;
      const listCalls = (since: number) =>
        bob.calls.filter((c) => c.channel === 'secret.list' && c.start >= since).length;
      const settle = async () => {
        await bob.eventsDelivered();
        await new Promise((r) => setTimeout(r, 1_500));
      };
      // A vault bob is not given: its writes are announced to him all the same.
      await alice.dispatch('vault.create', { name: 'private' });
      await settle();
      let t0 = now();
      for (let i = 0; i < BURST; i++)
        await alice.dispatch('secret.set', { ref: `private/p-${i}`, value: `private-${i}` });
      await settle();
      const unreadable = listCalls(t0);

      t0 = now();
      const before = (await bob.dispatch('secret.list', {})).length;
      for (let i = 0; i < BURST; i++)
        await alice.dispatch('secret.set', { ref: `${VAULT}/burst-${i}`, value: `burst-${i}` });
      await visible(secretOption(bob.page, `burst-${BURST - 1}`), NORMAL);
      await settle();
      const readable = listCalls(t0);
      const synced = bob.events.filter((e) => e.event === 'synced' && e.at >= t0).length;
      timings[`${BURST} writes in a vault bob reads → his secret-list refetches`] =
        `${readable} (${synced} syncs)`;
      timings[`${BURST} writes in a vault bob cannot read → his secret-list refetches`] = `${unreadable}`;
      expect(unreadable).toBe(0);
      expect(readable).toBeGreaterThan(0);
      expect(readable).toBeLessThanOrEqual(10);
      expect((await bob.dispatch('secret.list', {})).length).toBe(before + BURST);
    },
  );

  /** Opens the Share dialog of VAULT in alice's window. */
  async function openShare() {
    const p = alice.page;
    await openScreen(p, 'Secrets');
    await setField(field(p, 'Vault'), VAULT);
    await button(p, 'Share').click();
    return visible(dialog(p));
  }
  const generationOf = async (u: E2EUser) =>
    (await u.dispatch('vault.list', {})).find((v) => v.name === VAULT)?.generation ?? 0;

  step("Remove in the Share dialog: bob's access is gone and the vault is re-keyed", async () => {
    const before = await generationOf(alice);
    const share = await openShare();
    await button(share, `Remove ${bob.email}`).click();
    await visible(
      share.getByText(`Removed ${bob.email}. The vault was re-keyed (key generation ${before + 1}).`),
    );
    expect(await alert(share).count()).toBe(0);
    expect(await generationOf(alice)).toBe(before + 1);
    const access = await alice.dispatch('vault.access', { vault: VAULT });
    expect(access.map((a) => a.name)).toEqual([alice.email]);
    await gone(button(share, `Remove ${bob.email}`));
    await closeDialog(alice.page);
    await setField(field(alice.page, 'Vault'), 'All vaults');

    // Bob's window drops the vault through the push channel; his core no longer opens it.
    await gone(secretOption(bob.page, SECRET), NORMAL);
    expect((await bob.dispatch('vault.list', {})).map((v) => v.name)).not.toContain(VAULT);
    const read = await bob.core.dispatch('secret.reveal', { ref: `${VAULT}/${SECRET}` });
    expect(read.ok).toBe(false);
  });

  // A group's name is only a label: it may look like an email. The dialog removes it by its id.
  const GROUP = 'sre@berlin';
  step(`a group named ${GROUP} is shared and removed through the Share dialog`, async () => {
    const p = alice.page;
    await openScreen(p, 'Team');
    await field(p, 'Group name').fill(GROUP);
    await button(p, 'Create group').click();
    const card = await visible(p.getByRole('region', { name: GROUP, exact: true }), SLOW);
    await field(card, 'Member email').fill(bob.email);
    await button(card, `Add to ${GROUP}`).click();
    await visible(button(card, `Remove ${bob.email} from ${GROUP}`), SLOW);

    let share = await openShare();
    await setField(field(share, 'Member or group'), GROUP);
    await setField(field(share, 'Role'), 'view');
    await button(share, 'Share vault').click();
    await visible(button(share, `Remove ${GROUP}`), SLOW);
    expect(await alert(share).count()).toBe(0);
    await closeDialog(p);
    await setField(field(p, 'Vault'), 'All vaults');
    await visible(secretOption(bob.page, SECRET), NORMAL);

    const before = await generationOf(alice);
    share = await openShare();
    await button(share, `Remove ${GROUP}`).click();
    await visible(
      share.getByText(`Removed ${GROUP}. The vault was re-keyed (key generation ${before + 1}).`),
    );
    expect(await alert(share).count()).toBe(0);
    expect((await alice.dispatch('vault.access', { vault: VAULT })).map((a) => a.name)).toEqual([
      alice.email,
    ]);
    await closeDialog(p);
    await setField(field(p, 'Vault'), 'All vaults');
    await gone(secretOption(bob.page, SECRET), NORMAL);
  });
});
