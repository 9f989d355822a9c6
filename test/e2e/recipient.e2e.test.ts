// Process: test (browser end-to-end).
// The one-time link recipient page (recipient/, served by the team server at /s/<id>) in
// Debian's Chromium, against a real team server, with links made by a real core service.
// What must hold: loading the page, even with its scripts running, spends no view; only
// Reveal does; the value shows and copies; every way a link cannot open says why; the page
// is served under a strict CSP, never cached and never refers; and the fragment key reaches
// neither a request nor the server's log. Every request the browser makes is recorded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildRecipient, e2eGate, launchBrowser, pageClipboard } from './harness.ts';
import { bytes, formTeam, type Person, signUp } from '../helpers/people.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import type { CreateLinkOptions } from '../../electron/core/service/links.ts';

const unavailable = e2eGate('recipient');

const VALUE = 'pg-secret-value-1';
const PASS = 'tangerine dream';

let srv: TestServer;
let browser: Browser;
let alice: Person;
const logs: string[] = [];
/** Every request any page made: method, URL and headers. */
const requests: string[] = [];
const consoleErrors: string[] = [];
const keys: string[] = [];
/** Link id by key, for the log check. */
const ids = new Map<string, string>();

const keyOf = (url: string) => url.slice(url.indexOf('#') + 1);
const idOf = (url: string) => url.slice(url.lastIndexOf('/') + 1, url.indexOf('#'));

async function makeLink(opts: CreateLinkOptions = {}) {
  const made = await alice.svc.createLink('prod/db', opts);
  keys.push(keyOf(made.url));
  ids.set(keyOf(made.url), idOf(made.url));
  return made;
}

async function linkState(id: string) {
  const l = (await alice.svc.listLinks()).find((x) => x.id === id);
  if (!l) throw new Error(`link ${id} is not listed`);
  return { viewsLeft: l.viewsLeft, status: l.status };
}

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: srv.url });
  const page = await context.newPage();
  page.on('request', (r) => requests.push(`${r.method()} ${r.url()} ${JSON.stringify(r.headers())}`));
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  page.on('close', () => void context.close().catch(() => undefined));
  return page;
}

const reveal = (p: Page) => p.getByRole('button', { name: 'Reveal' });
const alert = (p: Page) => p.getByRole('alert');
const problemOf = (p: Page) => alert(p).getAttribute('data-problem');

async function openPage(url: string): Promise<Page> {
  const page = await newPage();
  await page.goto(url);
  return page;
}

describe.skipIf(!!unavailable)('the one-time link page in a browser', () => {
  beforeAll(async () => {
    // Built before the server starts, so /s/<id> never answers "not built" here.
    await buildRecipient();
    srv = await startTestServer({ logger: true, logStream: { write: (line: string) => logs.push(line) } });
    browser = await launchBrowser();
    alice = await signUp(srv.url, 'alice');
    await formTeam(alice, 'acme', []);
    await alice.svc.createVault('prod');
    await alice.svc.setSecret('prod/db', {
      type: 'database',
      primaryValue: bytes(VALUE),
      fields: [
        { key: 'username', value: bytes('app-user') },
        { key: 'host', value: bytes('db.internal') },
      ],
    });
  }, 300_000);

  afterAll(async () => {
    alice?.svc.lock();
    await browser?.close().catch(() => undefined);
    await srv?.close();
  }, 60_000);

  it('is served with a strict CSP, no referrer, no caching, and its own files only', async () => {
    const made = await makeLink();
    const res = await fetch(`${srv.url}/s/${made.id}`);
    expect(res.status).toBe(200);
    // Exactly these directives: nothing inline, no eval, nothing from anywhere else.
    expect(res.headers.get('content-security-policy')?.split('; ').sort()).toEqual(
      [
        "default-src 'none'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "connect-src 'self'",
        "style-src 'self'",
        'img-src data:',
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
      ].sort(),
    );
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.filter((a) => a.startsWith('/s/assets/')).length).toBe(2);
    // Nothing from anywhere else, nothing inline.
    expect(assets.every((a) => a.startsWith('/s/assets/') || a === 'data:,')).toBe(true);
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>|\sstyle=/);
    for (const a of assets.filter((x) => x.startsWith('/'))) {
      const r = await fetch(srv.url + a);
      expect(r.status, a).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^text\/(javascript|css)/);
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    }
    // Ids, paths outside the bundle and a missing build: test/integration/server-recipient-page.test.ts.
    // Fetching the page and its files, as a scanner would, spent nothing.
    expect(await linkState(made.id)).toEqual({ viewsLeft: 1, status: 'active' });
  });

  it('loading it and waiting spends no view; Reveal shows the value and Copy copies it', async () => {
    const made = await makeLink({ fields: ['username', 'password'] });
    const page = await openPage(made.url);
    await reveal(page).waitFor();
    expect(await page.locator('#app').textContent()).toMatch(/can be opened once more, until .*2\d\d\d/);
    // A scanner that runs the page's scripts and waits: nothing but a peek happens.
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(1500);
    expect(await linkState(made.id)).toEqual({ viewsLeft: 1, status: 'active' });
    expect(requests.filter((r) => r.startsWith('POST ') && r.includes(made.id))).toEqual([]);
    expect(page.url()).toBe(made.url);

    await reveal(page).click();
    await page.getByText(VALUE).waitFor();
    expect(await page.locator('dt').allInnerTexts()).toEqual(['Username', 'Password']);
    expect(await page.locator('dd code').allInnerTexts()).toEqual(['app-user', VALUE]);
    await page.getByRole('button', { name: 'Copy Password' }).click();
    expect(await pageClipboard(page)).toBe(VALUE);
    await page.getByRole('button', { name: 'Copy Username' }).click();
    expect(await pageClipboard(page)).toBe('app-user');
    expect(await page.locator('#app').textContent()).toContain('This was the last view');
    expect(await linkState(made.id)).toEqual({ viewsLeft: 0, status: 'used_up' });
    // The key left the address bar, and nothing was kept anywhere.
    expect(page.url()).toBe(`${srv.url}/s/${made.id}`);
    const kept =
      'JSON.stringify([localStorage.length, sessionStorage.length, document.cookie, location.hash])';
    expect(JSON.parse((await page.evaluate(kept)) as string)).toEqual([0, 0, '', '']);

    const again = await openPage(made.url);
    await alert(again).waitFor();
    expect(await problemOf(again)).toBe('link_used_up');
    expect(await alert(again).textContent()).toMatch(/already opened as many times as it allows/);
    expect(await reveal(again).count()).toBe(0);
    await page.close();
    await again.close();
  });

  it('a passphrase: asked before Reveal; a wrong one says so and, as the server spends a view on it, a retry here spends none', async () => {
    const made = await makeLink({ views: 2, passphrase: bytes(PASS) });
    const page = await openPage(made.url);
    const field = page.getByLabel('Passphrase');
    await field.waitFor();
    await reveal(page).click();
    expect(await alert(page).textContent()).toMatch(/needs the passphrase/);
    expect(await linkState(made.id)).toEqual({ viewsLeft: 2, status: 'active' });

    await field.fill('tangerine drean');
    await reveal(page).click();
    await alert(page).getByText('That passphrase is wrong').waitFor({ timeout: 20_000 });
    expect(await page.getByText(VALUE).count()).toBe(0);
    // docs/design.md: the server cannot tell a wrong passphrase from a right one.
    expect(await linkState(made.id)).toEqual({ viewsLeft: 1, status: 'active' });
    // The key stays in the address bar until the secret is shown: a reload may still need it.
    expect(page.url()).toBe(made.url);

    await field.fill(PASS);
    await reveal(page).click();
    await page.getByText(VALUE).waitFor({ timeout: 20_000 });
    expect(await linkState(made.id)).toEqual({ viewsLeft: 1, status: 'active' });
    expect(page.url()).toBe(`${srv.url}/s/${made.id}`);

    const second = await openPage(made.url);
    await second.getByLabel('Passphrase').fill(PASS);
    await reveal(second).click();
    await second.getByText(VALUE).waitFor({ timeout: 20_000 });
    expect(await linkState(made.id)).toEqual({ viewsLeft: 0, status: 'used_up' });
    await page.close();
    await second.close();
  });

  it('an expired link says so, on load and when it expires between load and Reveal', async () => {
    const expire = (id: string) =>
      srv.db.query(`UPDATE links SET expires_at = now() - interval '1 second' WHERE id = $1`, [id]);
    const early = await makeLink();
    await expire(early.id);
    const page = await openPage(early.url);
    await alert(page).waitFor();
    expect(await problemOf(page)).toBe('link_expired');
    expect(await alert(page).textContent()).toBe('This link has expired. Ask the sender for a new one.');

    const late = await makeLink();
    const waiting = await openPage(late.url);
    await reveal(waiting).waitFor();
    await expire(late.id);
    await reveal(waiting).click();
    await alert(waiting).waitFor();
    expect(await problemOf(waiting)).toBe('link_expired');
    expect(await waiting.getByRole('button').count()).toBe(0);
    await page.close();
    await waiting.close();
  });

  it('a revoked link, an unknown one and one whose key was changed each say why', async () => {
    const revoked = await makeLink();
    await alice.svc.revokeLink(revoked.id);
    const page = await openPage(revoked.url);
    await alert(page).waitFor();
    expect(await problemOf(page)).toBe('link_revoked');
    expect(await alert(page).textContent()).toMatch(/sender revoked this link/);

    const unknown = `${srv.url}/s/${crypto.randomUUID()}#${keyOf(revoked.url)}`;
    await page.goto(unknown);
    await alert(page).waitFor();
    expect(await problemOf(page)).toBe('not_found');

    const made = await makeLink({ views: 2 });
    const key = keyOf(made.url);
    const changed = `${made.url.slice(0, made.url.indexOf('#') + 1)}${key[0] === 'A' ? 'B' : 'A'}${key.slice(1)}`;
    await page.goto(changed);
    await reveal(page).click();
    await alert(page).waitFor();
    expect(await problemOf(page)).toBe('does_not_open');
    // The server cannot know the key was wrong: the view is spent, as for the CLI.
    expect(await linkState(made.id)).toEqual({ viewsLeft: 1, status: 'active' });
    await page.close();
  });

  it('a link with its key missing or damaged says so, asks the server nothing, and follows a fixed fragment', async () => {
    const made = await makeLink();
    const page = await newPage();
    const asked: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/')) asked.push(r.url());
    });
    const base = made.url.slice(0, made.url.indexOf('#'));
    for (const [url, problem] of [
      [base, 'missing_key'],
      [`${base}#`, 'missing_key'],
      [`${base}#${keyOf(made.url).slice(0, 20)}`, 'malformed_key'],
      [`${base}#${keyOf(made.url)}%%`, 'malformed_key'],
    ] as const) {
      // After the first, a same-document navigation: the page listens for the fragment changing.
      await page.goto(url);
      await expect.poll(() => problemOf(page), { message: url }).toBe(problem);
    }
    expect(await alert(page).textContent()).toMatch(/the key after the # is not the right length/);
    expect(asked).toEqual([]);
    await page.goto(made.url);
    await reveal(page).waitFor();
    expect(await linkState(made.id)).toEqual({ viewsLeft: 1, status: 'active' });
    await page.close();
  });

  it('an unreachable server says so, spends nothing, and Try again recovers', async () => {
    const made = await makeLink();
    const page = await newPage();
    await page.route('**/api/v1/links/**', (r) => r.abort('connectionrefused'));
    await page.goto(made.url);
    await alert(page).waitFor();
    expect(await problemOf(page)).toBe('unreachable');
    expect(await alert(page).textContent()).toMatch(/Cannot reach the server/);
    await page.unroute('**/api/v1/links/**');
    await page.getByRole('button', { name: 'Try again' }).click();
    await reveal(page).waitFor();
    expect(await linkState(made.id)).toEqual({ viewsLeft: 1, status: 'active' });

    // Lost on the way to Reveal: the page says the view may have been counted.
    await page.route('**/open', (r) => r.abort('connectionreset'));
    await reveal(page).click();
    await alert(page).waitFor();
    expect(await problemOf(page)).toBe('unreachable');
    expect(await page.locator('#app').textContent()).toMatch(/counted as a view/);
    await page.unroute('**/open');
    await page.getByRole('button', { name: 'Try again' }).click();
    await reveal(page).click();
    await page.getByText(VALUE).waitFor();
    await page.close();
  });

  it("needs 'wasm-unsafe-eval': without it libsodium cannot start, and Reveal then spends nothing", async () => {
    const made = await makeLink();
    const before = consoleErrors.length;
    const page = await newPage();
    // The same page under a CSP without WebAssembly compilation.
    await page.route(`**/s/${made.id}`, async (route) => {
      const res = await route.fetch();
      const csp = res.headers()['content-security-policy']!.replace(" 'wasm-unsafe-eval'", '');
      await route.fulfill({ response: res, headers: { ...res.headers(), 'content-security-policy': csp } });
    });
    await page.goto(made.url);
    await reveal(page).click();
    await alert(page).waitFor();
    expect(await problemOf(page)).toBe('no_crypto');
    expect(await linkState(made.id)).toEqual({ viewsLeft: 1, status: 'active' });
    await page.close();
    // Those refusals were this test's own doing; the final check looks for any others.
    consoleErrors.splice(before);
  });

  it('no request and no server log line held a fragment key; the page ran without a CSP refusal', () => {
    // The test can see what it checks: the pages asked the server, and the log names the ids.
    expect(requests.filter((r) => r.includes('/api/v1/links/')).length).toBeGreaterThan(10);
    expect(keys.length).toBeGreaterThan(8);
    const wire = requests.join('\n');
    const log = logs.join('\n');
    for (const k of keys) expect(log).toContain(`/s/${ids.get(k)}`);
    for (const k of keys) {
      expect(wire).not.toContain(k);
      expect(log).not.toContain(k);
    }
    expect(log).not.toContain(VALUE);
    expect(log).not.toContain(PASS);
    // No Referer on any request, and nothing sent anywhere but this server.
    expect(wire).not.toMatch(/"referer":"[^"]/i);
    expect(requests.every((r) => r.split(' ')[1]!.startsWith(`${srv.url}/`))).toBe(true);
    expect(consoleErrors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
  });
});
