// Process: test (browser end-to-end).
// Why this exists: the browser tests drive the window the way a person does, by the
// accessible names the UI promises (the list agreed with the renderer), never by CSS
// classes or component internals. Keeping those names and the few multi-step gestures
// (sign up, open a screen, pick a secret) here means a renamed button breaks one line, and
// the failure message names the control a screen-reader user would also miss.
import type { Locator, Page } from 'playwright-core';
import { type E2EEnv, type E2EUser, eventually, setField } from './harness.ts';

/** Generous waits: Argon2id at 64 MiB and a real server on two shared cores. */
export const SLOW = 60_000;
export const NORMAL = 15_000;

export const heading = (page: Page, name: string) => page.getByRole('heading', { name, exact: true });
export const button = (scope: Page | Locator, name: string | RegExp) =>
  scope.getByRole('button', typeof name === 'string' ? { name, exact: true } : { name });
export const field = (scope: Page | Locator, label: string) => scope.getByLabel(label, { exact: true });
export const alert = (scope: Page | Locator) => scope.getByRole('alert');
export const dialog = (page: Page) => page.getByRole('dialog');
export const secretsList = (page: Page) => page.getByRole('listbox', { name: 'Secrets', exact: true });
export const secretOption = (page: Page, name: string) =>
  secretsList(page).getByRole('option', { name, exact: true });
export const searchBox = (page: Page) => page.getByRole('searchbox', { name: 'Search secrets', exact: true });
export const secretValue = (page: Page) => page.getByLabel('Secret value', { exact: true });

export async function visible(l: Locator, timeout = NORMAL): Promise<Locator> {
  await l.first().waitFor({ state: 'visible', timeout });
  return l;
}

export async function gone(l: Locator, timeout = NORMAL): Promise<void> {
  await l.first().waitFor({ state: 'hidden', timeout });
}

/** A nav entry by name: the agreed names are 'Secrets', 'Team', 'Sync', 'Settings'. */
export function navItem(page: Page, name: string): Locator {
  const nav = page.getByRole('navigation');
  return nav
    .getByRole('link', { name, exact: true })
    .or(nav.getByRole('button', { name, exact: true }))
    .or(nav.getByRole('tab', { name, exact: true }));
}

export async function openScreen(page: Page, name: 'Secrets' | 'Team' | 'Sync' | 'Settings'): Promise<void> {
  await (await visible(navItem(page, name))).click();
}

/** The text a labelled element shows: an input's value, anything else's text. */
export function shownText(l: Locator): Promise<string> {
  return l.evaluate((el) => {
    const e = el as unknown as { value?: unknown; textContent: string | null };
    return typeof e.value === 'string' ? e.value : (e.textContent ?? '');
  });
}

/** First run → 'Create account' → the account form → the no-team screen. */
export async function signUpThroughUi(
  page: Page,
  who: { server: string; email: string; name: string; password: string },
): Promise<void> {
  await visible(heading(page, 'Welcome to Tessera'));
  await button(page, 'Create account').click();
  await field(page, 'Server URL').fill(who.server);
  await field(page, 'Email').fill(who.email);
  await field(page, 'Name').fill(who.name);
  await field(page, 'Password').fill(who.password);
  // The form's submit button carries the same name as the first-run choice.
  await button(page, 'Create account').last().click();
  await visible(heading(page, 'Join or create a team'), SLOW);
}

/** Signs `user` up through the window and creates a team there: where most e2e files start. */
export async function signUpWithTeam(
  user: { page: Page; email: string; name: string; password: string },
  server: string,
  team = 'Acme',
): Promise<void> {
  const p = user.page;
  await signUpThroughUi(p, { server, email: user.email, name: user.name, password: user.password });
  await field(p, 'Team name').fill(team);
  await button(p, 'Create team').click();
  await visible(navItem(p, 'Secrets'), SLOW);
}

/** Selects a secret in the list (clearing the search and vault filter first is the
 *  caller's business) and waits for its detail heading. */
export async function openSecret(page: Page, name: string): Promise<void> {
  await (await visible(secretOption(page, name))).click();
  await visible(page.getByRole('heading', { name, exact: true }));
}

/** Reveals the open secret and returns what the value element shows. */
export async function reveal(page: Page): Promise<string> {
  const hide = button(page, 'Hide');
  if (await hide.isVisible()) await hide.click();
  await button(page, 'Reveal').click();
  await visible(button(page, 'Hide'));
  return eventually('a revealed value', async () => {
    const t = (await shownText(secretValue(page))).trim();
    return t && !/^[•*·●]+$/.test(t) ? t : null;
  });
}

/** Fills the secret dialog (new or edit) and saves; waits for the dialog to close. `value`
 *  goes into the field labelled `valueField`: 'Password', the primary field of a new secret's
 *  default type. */
export async function fillSecretDialog(
  page: Page,
  s: { vault?: string; name?: string; value: string; valueField?: string; rotateEveryDays?: number },
): Promise<void> {
  const d = await visible(dialog(page));
  if (s.vault !== undefined) {
    const v = field(d, 'Vault');
    if (await v.isEnabled()) await setField(v, s.vault);
  }
  if (s.name !== undefined) await field(d, 'Name').fill(s.name);
  await field(d, s.valueField ?? 'Password').fill(s.value);
  if (s.rotateEveryDays !== undefined) await field(d, 'Rotate every (days)').fill(String(s.rotateEveryDays));
  await button(d, 'Save').click();
  await gone(dialog(page), SLOW);
}

/** Closes whatever dialog is open the way a keyboard user would. */
export async function closeDialog(page: Page): Promise<void> {
  const d = dialog(page);
  if (!(await d.count())) return;
  const close = d.getByRole('button', { name: /^(Close|Done|Cancel)$/ });
  if (await close.count()) await close.first().click();
  else await page.keyboard.press('Escape');
  await gone(d);
}

/** Clicks the first of `nudges` whose target appears, for screens that offer a manual
 *  refresh; returns which nudge (if any) was needed, for the report. */
export async function waitWithNudges(
  target: Locator,
  nudges: { what: string; run(): Promise<void> }[],
  timeoutEach = NORMAL,
): Promise<string | null> {
  try {
    await visible(target, timeoutEach);
    return null;
  } catch {
    // fall through to the nudges
  }
  for (const n of nudges) {
    await n.run();
    try {
      await visible(target, timeoutEach);
      return n.what;
    } catch {
      // try the next nudge
    }
  }
  await visible(target, 1);
  return 'never';
}

/** Whether the element currently has keyboard focus (or contains it). */
export function hasFocus(l: Locator): Promise<boolean> {
  return l.evaluate((el) => {
    const d = (globalThis as unknown as { document: { activeElement: unknown } }).document;
    const node = el as unknown as { contains(x: unknown): boolean };
    return d.activeElement === el || node.contains(d.activeElement);
  });
}

/** A second person signs up in their own window, joins with the invite code, is confirmed by
 *  fingerprint and given `view` on a vault: the everyday way in, after which the window shows
 *  the team (what the waiting screen does once confirmed: team.use, which starts live sync). */
export async function joinAsViewer(env: E2EEnv, admin: E2EUser, user: E2EUser, vault: string): Promise<void> {
  const p = user.page;
  await signUpThroughUi(p, {
    server: env.serverUrl,
    email: user.email,
    name: user.name,
    password: user.password,
  });
  const { inviteCode } = await admin.dispatch('team.invite', { email: user.email, role: 'member' });
  const joined = await user.dispatch('team.accept', { code: inviteCode });
  const { fingerprint } = await user.dispatch('app.state', {});
  await admin.dispatch('team.confirm', { email: user.email, fingerprint: fingerprint! });
  await admin.dispatch('vault.share', { vault, with: user.email, role: 'view' });
  await user.dispatch('team.use', { team: joined.id });
  await p.reload();
  await visible(navItem(p, 'Secrets'), SLOW);
}
