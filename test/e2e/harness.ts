// Process: test (browser end-to-end).
// Why this exists: the Electron binary cannot run on the build machines, yet the window has
// to be tested against the real core, not a mock. So the React renderer (built by Vite, as
// the app ships it) runs in Debian's Chromium driven by playwright-core, and window.tessera
// is defined exactly as electron/preload.ts would define it, but wired through a Playwright
// binding to a real DesktopCore (the object electron/main.ts holds) that talks HTTP to a
// real team server. Only the platform ports are stand-ins: a temp profile folder, a small
// in-memory clipboard, and events pushed into the page with page.evaluate instead of
// webContents.send. Everything between the click and the server is the production code.
import type { DueNotification } from '../../electron/core/desktop/due-notice.ts';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { DesktopCore } from '../../electron/core/desktop/desktop-core.ts';
import type { Timers } from '../../electron/core/desktop/auto-lock.ts';
import type { ClipboardPort } from '../../electron/core/desktop/clipboard-guard.ts';
import type { IpcArgs, IpcChannel, IpcEvent, IpcResult } from '../../shared/ipc.ts';
import type { IpcReturns } from '../../shared/ipc-results.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CHROMIUM = process.env.TESSERA_CHROMIUM ?? '/usr/bin/chromium';
export const RENDERER_SRC = join(ROOT, 'renderer');
/** Where `npx vite build` writes the renderer (vite.config.ts: build.outDir). */
export const RENDERER_DIST = process.env.TESSERA_RENDERER_DIST ?? join(ROOT, 'dist', 'renderer');
/** Where screenshots go: docs/screenshots, or elsewhere for a look that must not touch docs. */
export const SCREENSHOT_DIR = process.env.TESSERA_SCREENSHOT_DIR ?? join(ROOT, 'docs', 'screenshots');

/** The flags the machine notes prescribe: no sandbox (we run as root), no GPU, and no
 *  background traffic, which this machine's closed network would refuse many times over. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Wall-clock milliseconds with sub-millisecond precision, comparable between this process
 *  and a page (both count from their own timeOrigin on the same system clock). */
export const now = () => performance.timeOrigin + performance.now();

// ---- can we run at all? ------------------------------------------------------------------

/** Why the browser suite cannot run here, or null when it can. TESSERA_E2E=require turns a
 *  missing piece into a failure instead of a skip (for a CI that installs Chromium). */
export function e2eUnavailable(): string | null {
  if (!existsSync(CHROMIUM)) {
    return `no Chromium at ${CHROMIUM} (apt-get update && apt-get install -y chromium; never npx playwright install)`;
  }
  if (
    !process.env.TESSERA_RENDERER_DIST &&
    !existsSync(join(RENDERER_SRC, 'index.html')) &&
    !existsSync(join(ROOT, 'index.html'))
  ) {
    return 'no renderer in this checkout yet (renderer/index.html missing)';
  }
  return null;
}

export const e2eRequired = () => process.env.TESSERA_E2E === 'require';

/** The opening every browser file shares: why `suite` cannot run (it is then skipped, with a
 *  warning), or null. Under TESSERA_E2E=require a missing piece fails the file instead. */
export function e2eGate(suite: string): string | null {
  const unavailable = e2eUnavailable();
  if (unavailable && e2eRequired()) throw new Error(`${suite} e2e required but cannot run: ${unavailable}`);
  if (unavailable) console.warn(`${suite} e2e skipped: ${unavailable}`);
  return unavailable;
}

// ---- the renderer build ------------------------------------------------------------------

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name === 'dist') continue;
    newest = Math.max(newest, newestMtime(join(path, name)));
  }
  return newest;
}

/** Inputs that change what `vite build` emits. */
function rendererInputsMtime(): number {
  return inputsMtime(['renderer', 'shared', 'vite.config.ts', 'index.html', 'package-lock.json']);
}

/** Inputs of the recipient page build: its own folder, shared/ and the core's link crypto. */
function recipientInputsMtime(): number {
  return inputsMtime([
    'recipient',
    'shared',
    'electron/core/crypto',
    'vite.recipient.config.ts',
    'package-lock.json',
  ]);
}

function inputsMtime(paths: string[]): number {
  return Math.max(...paths.map((p) => newestMtime(join(ROOT, p))));
}

function isFresh(index: string, inputs: () => number): boolean {
  return existsSync(index) && statSync(index).mtimeMs >= inputs();
}

interface ViteBuild {
  what: string;
  /** The index.html the build must write. */
  index: string;
  inputs: () => number;
  args: string[];
}

/** Runs one Vite build unless its output is newer than every input. Two test files may ask
 *  at the same moment in different workers, so the build holds a lock folder. */
async function viteBuildOnce(b: ViteBuild): Promise<void> {
  if (isFresh(b.index, b.inputs)) return;
  const lock = join(ROOT, 'dist', `.${b.what.replace(/\W+/g, '-')}-build.lock`);
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Someone else is building; a lock older than five minutes belongs to a dead run.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 300_000)
        rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`e2e: timed out waiting for another ${b.what} build`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (!isFresh(b.index, b.inputs)) {
      const t0 = now();
      const r = spawnSync('npx', ['vite', 'build', ...b.args], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, NODE_ENV: 'production' },
      });
      if (r.status !== 0)
        throw new Error(
          `e2e: \`npx vite build ${b.args.join(' ')}\` failed (${r.status}):\n${r.stdout}\n${r.stderr}`,
        );
      if (!existsSync(b.index))
        throw new Error(`e2e: the ${b.what} build wrote no ${b.index}; check its outDir`);
      console.log(`e2e: built the ${b.what} in ${((now() - t0) / 1000).toFixed(1)} s`);
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Builds the renderer once (skipped when dist/renderer is newer than every input). */
export async function buildRenderer(): Promise<string> {
  if (process.env.TESSERA_RENDERER_DIST) return RENDERER_DIST;
  await viteBuildOnce({
    what: 'renderer',
    index: join(RENDERER_DIST, 'index.html'),
    inputs: rendererInputsMtime,
    args: [],
  });
  return RENDERER_DIST;
}

/** Where `npm run build` writes the one-time link page (vite.recipient.config.ts), which the
 *  team server serves from there (server/routes/recipient-page.ts). */
export const RECIPIENT_DIST = join(ROOT, 'dist', 'recipient');

/** Builds the recipient page once, like buildRenderer; start the team server after it, or
 *  its /s/<id> answers 503. */
export async function buildRecipient(): Promise<string> {
  await viteBuildOnce({
    what: 'recipient page',
    index: join(RECIPIENT_DIST, 'index.html'),
    inputs: recipientInputsMtime,
    args: ['-c', 'vite.recipient.config.ts'],
  });
  return RECIPIENT_DIST;
}

// ---- a tiny static server for dist/renderer ---------------------------------------------

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/** Serves a folder on 127.0.0.1; unknown extension-less paths get index.html (the app may
 *  use client-side routes). Electron loads the same files from disk. */
export async function serveStatic(dir: string): Promise<StaticServer> {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      // Chromium asks for a favicon on its own; Electron does not. Answer quietly.
      if (path === '/favicon.ico') {
        res.writeHead(204).end();
        return;
      }
      if (extname(path)) {
        res.writeHead(404).end();
        return;
      }
      file = join(root, 'index.html');
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

// ---- the browser -------------------------------------------------------------------------

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

// ---- platform stand-ins ------------------------------------------------------------------

/** A SMALL fake standing in for Electron's `clipboard` module (readText/writeText), so a
 *  test can see what the core wrote and whether the guard cleared it. It is not the system
 *  clipboard: the OS side (other apps, clipboard history) is the shell's concern. */
export class FakeClipboard implements ClipboardPort {
  text = '';
  writes = 0;
  readText(): string {
    return this.text;
  }
  writeText(text: string): void {
    this.text = text;
    this.writes++;
  }
}

/** Manual timers for a DesktopCore whose auto-lock and clipboard clearing a test drives
 *  itself. Real timers are the default; pass one of these to openUser to take control. */
export class FakeTimers implements Timers {
  private clock = 0;
  private seq = 0;
  private pending = new Map<number, { at: number; fn: () => void }>();
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.pending.set(id, { at: this.clock + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  /** Moves time forward, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const target = this.clock + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.pending) if (e[1].at <= target && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      this.pending.delete(next[0]);
      this.clock = next[1].at;
      next[1].fn();
    }
    this.clock = target;
  }
  get size(): number {
    return this.pending.size;
  }
}

// ---- the bridge ---------------------------------------------------------------------------

/** Runs in the page before any of the app's scripts, as the preload does: defines
 *  window.tessera = { invoke, on } and nothing else the app could use. `__tesseraEmit` is
 *  how the harness delivers core events (Electron: webContents.send to the preload), and
 *  `__tesseraEvents` is a record the tests read for timings. Kept as source text: a
 *  function would be rewritten by the TypeScript loader (helpers such as __name) and
 *  would not run in the page as written. */
const BRIDGE_INIT_SCRIPT = `(() => {
  const listeners = new Set();
  const events = [];
  const bridge = Object.freeze({
    invoke: (channel, args) => globalThis.__tesseraInvoke(channel, args),
    on: (listener) => {
      listeners.add(listener);
      return () => { listeners.delete(listener); };
    },
  });
  Object.defineProperty(globalThis, 'tessera', { value: bridge, enumerable: true });
  Object.defineProperty(globalThis, '__tesseraEvents', { value: events });
  Object.defineProperty(globalThis, '__tesseraEmit', {
    value: (event, payload) => {
      events.push({ event, payload, at: performance.timeOrigin + performance.now() });
      for (const l of [...listeners]) {
        try { l(event, payload); } catch (e) { console.error('tessera event listener failed', e); }
      }
    },
  });
})();`;

/** The TypeScript loaders (tsx, Vite) may wrap functions in a `__name(fn, "name")` helper
 *  that exists only in Node; callbacks this file hands to page.evaluate would then throw in
 *  the page. A no-op stand-in makes them portable. Test-only, invisible to the app. */
const NAME_HELPER_SCRIPT = `if (typeof globalThis.__name !== 'function') Object.defineProperty(globalThis, '__name', { value: (f) => f });`;

/** Test-only probes in the page, for timings a poll from outside would blur: `watchFor`
 *  checks once per animation frame whether some text is on screen (visible text or a form
 *  control's value) and records the wall-clock time of the first frame that shows it. */
const PROBES_SCRIPT = `(() => {
  const now = () => performance.timeOrigin + performance.now();
  const shows = (needle) => {
    if (document.body && document.body.innerText.includes(needle)) return true;
    for (const el of document.querySelectorAll('input, textarea')) if (el.value && el.value.includes(needle)) return true;
    return false;
  };
  const api = {
    watch: null,
    watchFor(needle) {
      const w = { needle, seenAt: null, startedAt: now() };
      api.watch = w;
      const frame = () => {
        if (api.watch !== w || w.seenAt !== null) return;
        if (shows(needle)) w.seenAt = now();
        else requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    },
    seenAt() { return api.watch ? api.watch.seenAt : null; },
  };
  Object.defineProperty(globalThis, '__e2e', { value: api });
})();`;

/** The shape of the page globals the harness adds, for typed page.evaluate callbacks. */
export interface PageGlobals {
  __tesseraEvents: { event: string; payload: unknown; at: number }[];
  __e2e: { watchFor(needle: string): void; seenAt(): number | null };
}

/** Starts watching `page` for `needle`; `seenAt` later gives the first frame that showed it. */
export async function watchFor(page: Page, needle: string): Promise<{ seenAt(): Promise<number | null> }> {
  await page.evaluate((n) => (globalThis as unknown as PageGlobals).__e2e.watchFor(n), needle);
  return { seenAt: () => page.evaluate(() => (globalThis as unknown as PageGlobals).__e2e.seenAt()) };
}

/** Events as the page's listeners received them, with page-side arrival times. */
export function pageEvents(page: Page): Promise<PageGlobals['__tesseraEvents']> {
  return page.evaluate(() => (globalThis as unknown as PageGlobals).__tesseraEvents.slice());
}

export interface CallRecord {
  channel: string;
  start: number;
  end: number;
  ok: boolean;
  /** The result's error code, when it failed. Never arguments or values: they hold secrets. */
  code?: string;
}

export interface EventRecord {
  event: IpcEvent;
  payload: unknown;
  at: number;
}

export interface E2EUser {
  name: string;
  email: string;
  password: string;
  core: DesktopCore;
  clipboard: FakeClipboard;
  context: BrowserContext;
  page: Page;
  profileDir: string;
  /** Every dispatch the page made, in order, with timings. */
  calls: CallRecord[];
  /** Every event the core emitted, with the time it left the core. */
  events: EventRecord[];
  /** Every desktop notification the core asked for (the shell's Notification stands aside:
   *  the test clicks one by calling its onClick, as the shell does). */
  notifications: DueNotification[];
  /** Calls the core directly, as the tests' own hand (seeding, settings). */
  dispatch<C extends IpcChannel>(channel: C, args: IpcArgs<C>): Promise<IpcReturns[C]>;
  /** Resolves when the page's listeners have received every event emitted so far. */
  eventsDelivered(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenUserOptions {
  timers?: Timers;
  colorScheme?: 'light' | 'dark';
  viewport?: { width: number; height: number };
  /** Applied through settings.set before the page loads (e.g. a long auto-lock for a slow run). */
  settings?: IpcArgs<'settings.set'>;
  /** An existing profile folder (default: a fresh temp folder, removed on close). */
  profileDir?: string;
  /** The core's fetch, for a test that cuts the network under it (default: the real one). */
  fetch?: typeof fetch;
  /** The core's clock, for reminders (default: the real one). */
  now?: () => Date;
}

export interface E2EEnv {
  server: TestServer | null;
  serverUrl: string;
  browser: Browser;
  app: StaticServer;
  users: E2EUser[];
  openUser(name: string, opts?: OpenUserOptions): Promise<E2EUser>;
  close(): Promise<void>;
}

/** Builds the renderer, starts a team server (unless one is given), the static server and
 *  Chromium. One per test file. */
export async function startE2E(opts: { serverUrl?: string } = {}): Promise<E2EEnv> {
  const dist = await buildRenderer();
  const server = opts.serverUrl ? null : await startTestServer();
  const app = await serveStatic(dist);
  const browser = await launchBrowser();
  const users: E2EUser[] = [];
  const env: E2EEnv = {
    server,
    serverUrl: opts.serverUrl ?? server!.url,
    browser,
    app,
    users,
    openUser: async (name, o = {}) => {
      const u = await openUser(env, name, o);
      users.push(u);
      return u;
    },
    close: async () => {
      for (const u of users) await u.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await app.close();
      await server?.close();
    },
  };
  return env;
}

async function openUser(env: E2EEnv, name: string, o: OpenUserOptions): Promise<E2EUser> {
  const ownDir = !o.profileDir;
  const profileDir = o.profileDir ?? mkdtempSync(join(tmpdir(), `tessera-e2e-${name}-`));
  const clipboard = new FakeClipboard();
  const events: EventRecord[] = [];
  const calls: CallRecord[] = [];
  const notifications: DueNotification[] = [];
  let page: Page | null = null;
  // Events reach the page in the order the core emitted them, like IPC messages do.
  let delivery: Promise<unknown> = Promise.resolve();
  const core = new DesktopCore({
    profileDir,
    clipboard,
    timers: o.timers,
    fetch: o.fetch,
    now: o.now,
    notify: (n) => notifications.push(n),
    exportDir: mkdtempSync(join(tmpdir(), `tessera-e2e-${name}-exports-`)),
    emit: (event, payload) => {
      events.push({ event, payload, at: now() });
      const p = page;
      if (!p) return;
      delivery = delivery.then(() =>
        p
          .evaluate(
            ([e, pl]) =>
              (globalThis as unknown as { __tesseraEmit(e: string, p: unknown): void }).__tesseraEmit(e, pl),
            [event, payload ?? null] as const,
          )
          // A page that is navigating or closed misses the event, as an Electron window would.
          .catch(() => undefined),
      );
    },
  });
  if (o.settings) await dispatchOrThrow(core, 'settings.set', o.settings);

  const context = await env.browser.newContext({
    viewport: o.viewport ?? { width: 1280, height: 800 },
    colorScheme: o.colorScheme ?? 'light',
    reducedMotion: 'reduce',
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  // Text the window copies itself (an invite code; never a secret, which goes core → FakeClipboard)
  // lands on the browser's clipboard; reading it back needs the read permission.
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.app.url });
  await context.exposeBinding('__tesseraInvoke', async (_source, channel: unknown, args: unknown) => {
    const rec: CallRecord = { channel: String(channel), start: now(), end: 0, ok: false };
    calls.push(rec);
    const r: IpcResult = await core.dispatch(channel, args);
    rec.end = now();
    rec.ok = r.ok;
    if (!r.ok) rec.code = r.error.code;
    return r;
  });
  await context.addInitScript({ content: NAME_HELPER_SCRIPT });
  await context.addInitScript({ content: BRIDGE_INIT_SCRIPT });
  await context.addInitScript({ content: PROBES_SCRIPT });
  page = await context.newPage();
  page.on('pageerror', (e) => console.error(`[${name} page error] ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') console.error(`[${name} console] ${m.text()}`);
  });
  await page.goto(env.app.url);

  const user: E2EUser = {
    name,
    email: `${name}@example.test`,
    password: `${name} correct horse battery staple`,
    core,
    clipboard,
    context,
    page,
    profileDir,
    calls,
    events,
    notifications,
    dispatch: (channel, args) => dispatchOrThrow(core, channel, args),
    eventsDelivered: async () => {
      await delivery;
    },
    close: async () => {
      core.lock('quit');
      await context.close().catch(() => undefined);
      if (ownDir) rmSync(profileDir, { recursive: true, force: true });
    },
  };
  return user;
}

export async function dispatchOrThrow<C extends IpcChannel>(
  core: DesktopCore,
  channel: C,
  args: IpcArgs<C>,
): Promise<IpcReturns[C]> {
  const r = await core.dispatch(channel, args);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
  return r.value as IpcReturns[C];
}

// ---- page helpers --------------------------------------------------------------------------

/** Sets a labelled form control whatever element the UI chose for it: a <select> gets an
 *  option picked by its label (or value), anything else is filled. */
export async function setField(field: Locator, value: string): Promise<void> {
  const tag = await field.evaluate((el) => el.tagName.toLowerCase());
  if (tag !== 'select') {
    await field.fill(value);
    return;
  }
  // Match an option by its label or value, ignoring case ('view' picks 'View'); failing
  // at once with the options listed beats selectOption's silent wait for a missing label.
  const options = await field.evaluate((el) =>
    Array.from((el as unknown as { options: ArrayLike<{ label: string; value: string }> }).options, (o) => ({
      label: o.label,
      value: o.value,
    })),
  );
  const want = value.trim().toLowerCase();
  const hit =
    options.find((o) => o.label.trim().toLowerCase() === want) ??
    options.find((o) => o.value.toLowerCase() === want);
  if (!hit)
    throw new Error(`no option ${JSON.stringify(value)} in ${JSON.stringify(options.map((o) => o.label))}`);
  await field.selectOption({ value: hit.value });
}

/** What the browser's clipboard holds, read through the page (null when it cannot be read).
 *  This is where text the window copies by itself goes, such as an invite code; secret values
 *  never do: the core writes them to the FakeClipboard. Contexts share one browser, so one
 *  clipboard: read it right after the copy under test. */
export function pageClipboard(page: Page): Promise<string | null> {
  return page.evaluate(async () => {
    type Nav = { clipboard?: { readText(): Promise<string> } };
    try {
      return (await (globalThis as unknown as { navigator: Nav }).navigator.clipboard?.readText()) ?? null;
    } catch {
      return null;
    }
  });
}

/** Makes the page's async Clipboard API refuse writes, as Electron does (its session denies
 *  every permission), so a Copy button has to take its fallback; returns the undo. */
export async function refuseClipboardApi(page: Page): Promise<() => Promise<void>> {
  await page.evaluate(() => {
    const nav = (globalThis as unknown as { navigator: { clipboard: object } }).navigator;
    Object.defineProperty(nav.clipboard, 'writeText', {
      configurable: true,
      value: () => Promise.reject(new Error('NotAllowedError: Write permission denied.')),
    });
  });
  return async () => {
    await page.evaluate(() => {
      const nav = (globalThis as unknown as { navigator: { clipboard: { writeText?: unknown } } }).navigator;
      delete nav.clipboard.writeText;
    });
  };
}

/** Puts text on the browser's clipboard from the page, to tell a later copy from an old one. */
export function setPageClipboard(page: Page, text: string): Promise<void> {
  return page.evaluate(async (t) => {
    type Nav = { clipboard: { writeText(s: string): Promise<void> } };
    await (globalThis as unknown as { navigator: Nav }).navigator.clipboard.writeText(t);
  }, text);
}

/** The page's visible text (what a person or a shoulder-surfer sees, hence innerText). */
export function bodyText(page: Page): Promise<string> {
  return page.evaluate('document.body.innerText') as Promise<string>;
}

/** Everything the page holds in its DOM: markup plus the live values of form controls,
 *  which markup does not show. */
export function domDump(page: Page): Promise<string> {
  return page.evaluate(() => {
    type El = { value?: string };
    const d = (
      globalThis as unknown as {
        document: { documentElement: { outerHTML: string }; querySelectorAll(s: string): ArrayLike<El> };
      }
    ).document;
    const values = Array.from(d.querySelectorAll('input, textarea, select')).map((e) => e.value ?? '');
    return `${d.documentElement.outerHTML}\n${values.join('\n')}`;
  });
}

/** Waits until `check` passes, polling; the error names what was awaited. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
  everyMs = 50,
): Promise<T> {
  const deadline = now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

// ---- screenshots ---------------------------------------------------------------------------

/** Screenshots are rewritten only on request (TESSERA_SCREENSHOTS=1), so an ordinary or CI
 *  run never dirties the work tree. */
export const screenshotsEnabled = () => process.env.TESSERA_SCREENSHOTS === '1';

/** Every screenshot any e2e file takes, in the order the index shows them. One table, so the
 *  index lists them all whichever file ran last, and a new picture cannot go uncaptioned. */
export const SCREENSHOT_CAPTIONS = {
  'first-run': 'First run',
  'team-invite-code': 'Team screen: the invite code to give the invited person',
  'join-wrong-code': 'Joining with a wrong invite code',
  waiting: 'Joined, waiting for an admin to confirm',
  'team-confirm': 'Team screen: confirming a member by fingerprint',
  'share-dialog': 'Sharing a vault',
  'secrets-revealed': 'Secrets list with one value revealed',
  'secrets-item': 'A login item: its fields, one concealed field revealed, the live one-time code',
  'item-editor': 'The item editor: fields, primary, strength meter, notes, tags, rotation and expiry',
  'item-editor-dark': 'The item editor, dark theme',
  'secrets-breakglass':
    'Secrets: a break-glass vault a member has no standing access to, with how to reach it and its request button',
  'breakglass-approve': 'Break-glass: an admin sees the request, its reason and policy, and approves',
  'breakglass-session': 'Break-glass: the responder reads the vault inside the window, with a countdown',
  'offboard-report':
    'Offboarding report: every secret the leaver could decrypt, what they revealed, the re-keys',
  audit: 'Audit log: verified entries, filters, signed reveals and copies',
  sync: 'Sync status',
  settings: 'Settings',
  'secrets-dark': 'Secrets, dark theme',
  unlock: 'Locked',
} as const;
export type ScreenshotName = keyof typeof SCREENSHOT_CAPTIONS;

export async function screenshot(page: Page, name: ScreenshotName): Promise<void> {
  if (!screenshotsEnabled()) return;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // Let fonts load and transitions finish so the picture is the settled screen.
  await page.evaluate(
    () =>
      (globalThis as unknown as { document: { fonts: { ready: Promise<unknown> } } }).document.fonts.ready,
  );
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), animations: 'disabled', caret: 'hide' });
  writeScreenshotIndex();
}

/** Rewrites the index of the screenshots present for docs/ readers, after every picture, so
 *  it lists them all whichever e2e files ran. */
function writeScreenshotIndex(): void {
  const present = Object.entries(SCREENSHOT_CAPTIONS).filter(([file]) =>
    existsSync(join(SCREENSHOT_DIR, `${file}.png`)),
  );
  const lines = [
    '<!-- Process: test (browser end-to-end). Written by test/e2e/harness.ts; regenerate, do not edit. -->',
    '# Screenshots',
    '',
    'Made by the browser end-to-end test (`TESSERA_SCREENSHOTS=1 npx vitest run test/e2e`) from the real',
    'renderer build, with two people on a real team server. Regenerate them the same way.',
    '',
    ...present.flatMap(([file, caption]) => [`## ${caption}`, '', `![${caption}](${file}.png)`, '']),
  ];
  writeFileSync(join(SCREENSHOT_DIR, 'README.md'), lines.join('\n'));
}
