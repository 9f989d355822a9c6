// Process: server (team server; plain Node).
// Serves the one-time link recipient page (recipient/, built by `npm run build` into
// dist/recipient): the same HTML at every /s/<id>, and its bundle under /s/assets/. The page
// is where a secret is shown, so it gets a CSP stricter than the API's: nothing but its own
// script and style, fetches to this server only, WebAssembly (libsodium's, inline in the
// bundle) but no eval, no framing, no forms, no referrer, and never a cached copy. The key
// stays in the URL fragment, which no browser sends, so no request here ever carries it.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { linkPagePath } from '../../shared/links.ts';

export const RECIPIENT_CSP = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "connect-src 'self'",
  "style-src 'self'",
  // The page names an empty data: icon, so browsers do not ask for /favicon.ico.
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Where `npm run build` puts the page, from this file in the source tree. */
export const DEFAULT_RECIPIENT_DIR = resolve(import.meta.dirname, '../../dist/recipient');

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Vite's hashed names: no separators, no leading dot, so no path ever leaves assets/. */
const ASSET = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}\.(js|css)$/;
const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

function pageHeaders(reply: FastifyReply, type: string): FastifyReply {
  return reply
    .header('content-security-policy', RECIPIENT_CSP)
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('x-robots-tag', 'noindex, nofollow')
    .type(type);
}

async function readOrNull(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

const notBuilt = (reply: FastifyReply) =>
  pageHeaders(reply.status(503), 'text/plain; charset=utf-8').send(
    'The one-time link page is not built on this server. Run `npm run build` in the Tessera ' +
      'checkout, then reload. (The link itself is unharmed: opening this page spends nothing.)\n',
  );

export function recipientPageRoutes(app: FastifyInstance, o: { dir?: string } = {}): void {
  const dir = resolve(o.dir ?? DEFAULT_RECIPIENT_DIR);
  const config = { public: true };

  // Read on each request, not at start: the server starts before (or without) a build, and a
  // rebuild replaces the hashed bundle names the HTML points at.
  app.get(linkPagePath(':id'), { config }, async (req, reply) => {
    const { id } = req.params as { id: string };
    if (!ID.test(id))
      return pageHeaders(reply.status(404), 'text/plain; charset=utf-8').send('No such link.\n');
    const html = await readOrNull(join(dir, 'index.html'));
    if (!html) return notBuilt(reply);
    return pageHeaders(reply, 'text/html; charset=utf-8').send(html);
  });

  app.get(linkPagePath('assets/:file'), { config }, async (req, reply) => {
    const { file } = req.params as { file: string };
    const m = ASSET.exec(file);
    if (!m) return pageHeaders(reply.status(404), 'text/plain; charset=utf-8').send('Not found.\n');
    const body = await readOrNull(join(dir, 'assets', file));
    if (!body) {
      if (!(await readOrNull(join(dir, 'index.html')))) return notBuilt(reply);
      return pageHeaders(reply.status(404), 'text/plain; charset=utf-8').send('Not found.\n');
    }
    return pageHeaders(reply, TYPES[m[1]!]!).send(body);
  });
}
