// Process: recipient page (plain browser, served by the team server).
// The page a one-time link opens (docs/design.md "One-time links"): `<server>/s/<id>#<key>`.
// Loading it only peeks (a GET that spends nothing), so a mail scanner that fetches the page
// and even runs its scripts cannot burn the link; only a click on Reveal spends a view. The
// envelope is opened here with the core's own code (electron/core/crypto/link.ts), the key
// never leaves the page, and nothing is written to storage. Plain DOM: no framework to ship.
import { fromUtf8, toB64, utf8 } from '../shared/encoding.ts';
import { type LinkContent, openLink, parseLinkUrl } from '../electron/core/crypto/link.ts';
import { CryptoError, initSodium, wipe } from '../electron/core/crypto/sodium.ts';
import {
  explain,
  FINAL,
  type Opened,
  open,
  PageError,
  type Peek,
  peek,
  type Problem,
} from './link-client.ts';

const root = document.getElementById('app')!;

type Child = Node | string | null | false;
function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== false) e.append(c);
  return e;
}

function show(...children: Child[]): void {
  root.replaceChildren(...children.filter((c): c is Node | string => c !== null && c !== false));
}

function problem(p: Problem, retry?: () => void, note?: string): void {
  const again = retry && !FINAL.has(p);
  const button = again ? el('button', { type: 'button' }, 'Try again') : null;
  button?.addEventListener('click', retry!);
  show(
    el('p', { class: 'error', role: 'alert', 'data-problem': p }, explain(p)),
    note ? el('p', { class: 'muted' }, note) : null,
    button ? el('div', { class: 'actions' }, button) : null,
  );
}

function views(n: number): string {
  return n === 1 ? 'once more' : `${n} more times`;
}

const count = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

function when(iso: string): string {
  const d = new Date(iso);
  const minutes = Math.max(1, Math.round((d.getTime() - Date.now()) / 60_000));
  const rel =
    minutes < 60
      ? `in ${count(minutes, 'minute')}`
      : minutes < 48 * 60
        ? `in about ${count(Math.round(minutes / 60), 'hour')}`
        : `in about ${count(Math.round(minutes / 1440), 'day')}`;
  return `${d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })} (${rel})`;
}

/** The key, kept in memory (and in the address bar) until the secret is shown. */
let link: { id: string; key: Uint8Array } | null = null;
/** The envelope once a view was spent: a mistyped passphrase is tried again against it
 *  instead of spending another view on the same ciphertext. */
let opened: Opened | null = null;
let needsPassphrase = false;
let sodiumReady: Promise<boolean> = Promise.resolve(false);

function dropKeyFromAddressBar(): void {
  history.replaceState(null, '', location.pathname + location.search);
}

/** Counts starts, so a peek answered after the fragment changed does not paint over the new one. */
let generation = 0;

function start(): void {
  generation++;
  if (link) wipe(link.key);
  link = null;
  opened = null;
  needsPassphrase = false;
  const hash = location.hash.replace(/^#/, '').trim();
  if (hash === '') {
    problem('missing_key');
    return;
  }
  try {
    link = parseLinkUrl(location.href);
  } catch {
    problem('malformed_key');
    return;
  }
  // Starting the WebAssembly spends nothing; doing it now makes Reveal quicker, and Reveal
  // waits for it before spending the view, so a browser that cannot run it loses nothing.
  sodiumReady = initSodium().then(
    () => true,
    () => false,
  );
  void checkLink();
}

async function checkLink(): Promise<void> {
  const mine = generation;
  show(el('p', { class: 'muted' }, 'Checking the link…'));
  try {
    const p = await peek(link!.id);
    if (mine === generation) ready(p);
  } catch (e) {
    if (mine === generation)
      problem(e instanceof PageError ? e.problem : 'bad_answer', () => void checkLink());
  }
}

function ready(p: Peek, message?: string): void {
  needsPassphrase ||= p.passphrase;
  const input = needsPassphrase
    ? el('input', { id: 'passphrase', type: 'password', autocomplete: 'off', spellcheck: 'false' })
    : null;
  const reveal = el('button', { type: 'submit' }, 'Reveal');
  const form = el(
    'form',
    {},
    el(
      'p',
      {},
      opened
        ? 'The secret arrived but is still locked: type the passphrase again. Trying again here uses no further view.'
        : `Someone sent you a secret. It can be opened ${views(p.viewsLeft)}, until ${when(p.expiresAt)}. ` +
            'Revealing it uses one of those views.',
    ),
    input && el('label', { for: 'passphrase' }, 'Passphrase'),
    input,
    message ? el('p', { class: 'error', role: 'alert' }, message) : null,
    el('div', { class: 'actions' }, reveal, el('span', { class: 'muted', id: 'status' })),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void doReveal(p, form, input);
  });
  show(form);
  (input ?? reveal).focus();
}

async function doReveal(p: Peek, form: HTMLFormElement, input: HTMLInputElement | null): Promise<void> {
  if (input && input.value === '') return ready(p, explain('no_passphrase'));
  const mine = generation;
  for (const c of form.querySelectorAll('button, input')) (c as HTMLButtonElement).disabled = true;
  form.querySelector('#status')!.textContent = input ? 'Opening (checking the passphrase)…' : 'Opening…';
  if (!(await sodiumReady)) return problem('no_crypto');
  if (mine !== generation) return;
  if (!opened) {
    try {
      const got = await open(link!.id);
      // The fragment changed while the view was being fetched: that page state is gone.
      if (mine !== generation) return;
      opened = got;
    } catch (e) {
      if (mine !== generation) return;
      const why = e instanceof PageError ? e.problem : 'bad_answer';
      const note =
        why === 'unreachable'
          ? 'If the server got the request before the connection dropped, it counted as a view.'
          : undefined;
      return problem(why, () => ready(p), note);
    }
  }
  const passphrase = input ? utf8(input.value) : undefined;
  let content: LinkContent;
  try {
    content = openLink(link!.id, link!.key, opened.envelope, passphrase);
  } catch (e) {
    if (e instanceof CryptoError && e.code === 'wrong_password') {
      const first = !needsPassphrase;
      needsPassphrase = true;
      return ready(p, explain(first ? 'no_passphrase' : 'wrong_passphrase'));
    }
    return problem('does_not_open');
  } finally {
    wipe(passphrase);
    if (input) input.value = '';
  }
  // Only now: until the secret is on screen, a reload with the key may still be needed.
  dropKeyFromAddressBar();
  wipe(link!.key);
  link = null;
  shown = true;
  reveal(content, opened.viewsLeft);
  opened = null;
}

function valueText(v: Uint8Array): { text: string; note?: string } {
  try {
    return { text: fromUtf8(v) };
  } catch {
    return { text: toB64(v), note: 'not text; shown as base64url' };
  }
}

async function copy(text: string, code: HTMLElement, button: HTMLButtonElement): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = 'Copied';
  } catch {
    // No clipboard permission (an embedded browser, an old one): select it for a manual copy.
    const range = document.createRange();
    range.selectNodeContents(code);
    getSelection()?.removeAllRanges();
    getSelection()?.addRange(range);
    button.textContent = 'Selected: press Ctrl+C';
  }
  setTimeout(() => {
    button.textContent = 'Copy';
  }, 2000);
}

function reveal(content: LinkContent, viewsLeft: number): void {
  const list = el('dl', { class: 'fields' });
  for (const f of content.fields) {
    const { text, note } = valueText(f.value);
    wipe(f.value);
    const label = f.label || f.key;
    const code = el('code', {}, text);
    const button = el(
      'button',
      { type: 'button', class: 'secondary', 'aria-label': `Copy ${label}` },
      'Copy',
    );
    button.addEventListener('click', () => void copy(text, code, button));
    list.append(
      el('dt', {}, label, note ? el('span', { class: 'muted small' }, ` (${note})`) : null),
      el('dd', {}, code, button),
    );
  }
  show(
    el('h2', {}, content.name),
    list,
    el(
      'p',
      { class: 'muted' },
      viewsLeft === 0
        ? 'This was the last view: the link no longer opens. Copy what you need now.'
        : `The link can still be opened ${views(viewsLeft)}.`,
    ),
  );
}

// Someone who fixes a damaged link in the address bar changes only the fragment, which
// reloads nothing; start again with it, unless a secret is already on screen.
let shown = false;
addEventListener('hashchange', () => {
  if (!shown) start();
});

start();
