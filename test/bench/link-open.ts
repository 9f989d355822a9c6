// Process: test (benchmark).
// Opening a one-time link in a browser: from navigating to `<server>/s/<id>#<key>` to the
// value on screen, over loopback in Debian's Chromium, with Reveal clicked as soon as it
// shows. That covers the HTML, the bundle (libsodium's WebAssembly is inline in it), the
// peek, the open that spends the view, and the decryption. The raw limit is the same page
// from the same server with JavaScript off: what one HTML page and its stylesheet cost here,
// whatever the page does. A passphrase link adds Argon2id (64 MiB, 3 passes) in WebAssembly,
// reported on its own. It prints, it never fails on a slow figure.
// `npx tsx test/bench/link-open.ts`, or as part of `npm run bench`.
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { buildRecipient, e2eUnavailable, launchBrowser } from '../e2e/harness.ts';
import { bytes, formTeam, type Person, signUp } from '../helpers/people.ts';
import { startServer } from '../../server/main.ts';
import {
  type BenchOptions,
  type Figure,
  type Fixture,
  median,
  ms,
  printFigure,
  ratio,
  summaryTable,
  VAULT,
} from './setup.ts';

const RUNS = 10;
const PASS_RUNS = 3;
const PASSPHRASE = 'bench passphrase, typed by hand';

interface Sample {
  /** Navigation start to the Reveal button in the page (HTML, bundle, WebAssembly, peek). */
  ready: number;
  /** Navigation start to the value in the page. */
  shown: number;
}

/** In the page before its own scripts (as source text, see the harness on why): a reader who
 *  clicks Reveal, and types the passphrase, the instant the button appears, and the times of
 *  both moments against the navigation start. Playwright's polling stays out of the figures. */
const READER_SCRIPT = (passphrase: string) => `(() => {
  const t = { ready: null, shown: null };
  Object.defineProperty(globalThis, '__linkBench', { value: t });
  new MutationObserver(() => {
    if (t.ready === null) {
      const b = [...document.querySelectorAll('button')].find((x) => x.textContent === 'Reveal');
      if (b) {
        t.ready = performance.now();
        const input = document.getElementById('passphrase');
        if (input) input.value = ${JSON.stringify(passphrase)};
        b.click();
      }
    }
    if (t.shown === null && document.querySelector('dd code')) t.shown = performance.now();
  }).observe(document, { subtree: true, childList: true });
})();`;

/** One tab per kind of run, reused: every run after the first is a same-site navigation, so
 *  the figures are the page's and not the cost of starting a renderer process. */
async function reader(browser: Browser, passphrase = ''): Promise<Page> {
  const context = await browser.newContext();
  await context.addInitScript({ content: READER_SCRIPT(passphrase) });
  return context.newPage();
}

async function openOnce(page: Page, url: string): Promise<Sample> {
  await page.goto(url, { waitUntil: 'commit' });
  // A function, not a string: the page's CSP refuses eval, and waitForFunction would eval a string.
  await page.waitForFunction(
    () => (globalThis as unknown as { __linkBench?: Sample }).__linkBench?.shown != null,
    undefined,
    { timeout: 30_000 },
  );
  return (await page.evaluate('globalThis.__linkBench')) as Sample;
}

async function bareOnce(page: Page, url: string): Promise<number> {
  await page.goto(url, { waitUntil: 'load' });
  if ((await page.locator('h1').count()) !== 1) throw new Error('link-open: the bare page has no heading');
  const nav = (await page.evaluate(
    "JSON.stringify(performance.getEntriesByType('navigation')[0])",
  )) as string;
  return (JSON.parse(nav) as { loadEventEnd: number }).loadEventEnd;
}

/** Times opening links that `sender` makes from `ref` (on the server `sender` signed up with). */
export async function measure(sender: Person, ref: string): Promise<Figure[]> {
  const why = e2eUnavailable();
  if (why) {
    console.log(`  skipped: ${why}`);
    return [];
  }
  await buildRecipient();
  const browser = await launchBrowser();
  try {
    const link = async (passphrase?: string) =>
      (await sender.svc.createLink(ref, passphrase ? { passphrase: bytes(passphrase) } : {})).url;
    const plain = await reader(browser);
    const withPass = await reader(browser, PASSPHRASE);
    const off = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
    // One warm-up of each, so the first figures are not the JIT's, the disk's or a new process's.
    await openOnce(plain, await link());
    await openOnce(withPass, await link(PASSPHRASE));
    // A new path each time, without a fragment: a full navigation, never a same-document one.
    const origin = new URL(await link()).origin;
    const bareUrl = () => `${origin}/s/${crypto.randomUUID()}`;
    await bareOnce(off, bareUrl());
    const samples: Sample[] = [];
    const bare: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      samples.push(await openOnce(plain, await link()));
      bare.push(await bareOnce(off, bareUrl()));
    }
    const pass: Sample[] = [];
    for (let i = 0; i < PASS_RUNS; i++) pass.push(await openOnce(withPass, await link(PASSPHRASE)));

    const shown = median(samples.map((s) => s.shown));
    const ready = median(samples.map((s) => s.ready));
    const b = median(bare);
    const p = median(pass.map((s) => s.shown));
    console.log(
      `  ${RUNS} links: Reveal in the page after ${ms(ready)}, value after ${ms(shown)} (medians); ` +
        `bare page ${ms(b)}; with a passphrase ${ms(p)} (median of ${PASS_RUNS})`,
    );
    const raw = `${ms(b)} (the same page with JavaScript off, same server: navigation to load)`;
    const figures: Figure[] = [
      {
        bench: 'link-open',
        what: `open a link: navigation to value in the page, loopback (median of ${RUNS})`,
        value: ms(shown),
        raw,
        vsRaw: ratio(shown / b),
        target: '(none; reported)',
        verdict: 'info',
      },
      {
        bench: 'link-open',
        what: `the same, link with a passphrase (Argon2id in the page; median of ${PASS_RUNS})`,
        value: ms(p),
        raw,
        vsRaw: ratio(p / b),
        target: '(none; reported)',
        verdict: 'info',
      },
    ];
    for (const f of figures) printFigure(f);
    return figures;
  } finally {
    await browser.close();
  }
}

export function run(fx: Fixture, _opts: BenchOptions): Promise<Figure[]> {
  return measure(fx.alice, `${VAULT}/${fx.itemName(0)}`);
}

async function main(): Promise<void> {
  // A small server of its own: this bench needs one item, not the 10,000-item fixture.
  const server = await startServer({ port: 0, loginRateLimit: 10_000, linkOpenRateLimit: 10_000 });
  let alice: Person | null = null;
  try {
    alice = await signUp(server.url, 'alice');
    await formTeam(alice, 'bench', []);
    await alice.svc.createVault(VAULT);
    await alice.svc.setSecret(`${VAULT}/db`, { primaryValue: bytes('pw-00000-000-xxxxxxxxxxxxxxxxx') });
    console.log('# link-open');
    const figures = await measure(alice, `${VAULT}/db`);
    if (figures.length) console.log(`\n${summaryTable(figures)}`);
  } finally {
    alice?.svc.lock();
    await server.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      process.exit(1);
    },
  );
}
