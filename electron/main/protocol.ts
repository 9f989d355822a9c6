// Process: main (Electron main process).
// Serves the built renderer (dist/renderer) on app://tessera/. A custom standard+secure
// scheme instead of file:// gives the page a real origin the IPC and navigation guards can
// check, keeps it away from every other file on disk, and lets every response carry the
// Content-Security-Policy as a header. The handler is a plain (Request) => Response function
// so it is tested in plain Node with the fetch classes Node already has.
import { readFile, stat } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { CustomScheme } from 'electron';
import { APP_HOST, APP_ORIGIN, APP_SCHEME } from './origin.ts';

/**
 * standard: relative URLs, a real origin and web storage work like http(s).
 * secure: the page counts as a secure context (no mixed-content downgrade).
 * supportFetchAPI: as in Electron's own protocol.handle example; the page's connect-src
 *   'none' still forbids fetch(), so this grants nothing the CSP does not take back.
 * Deliberately absent: bypassCSP, corsEnabled (it would let other origins read our files),
 * allowServiceWorkers, stream, allowExtensions.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
};

/**
 * The window loads only our own files and talks to nothing: the core is reached through
 * the preload's IPC bridge, never over the network. Inline styles are not allowed either;
 * React's style props go through the CSSOM, which style-src does not govern.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "media-src 'none'",
  "frame-src 'none'",
  "worker-src 'none'",
  "manifest-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy':
    'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=(), bluetooth=(), payment=()',
  'Cache-Control': 'no-store',
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

function answer(
  status: number,
  body: Uint8Array | string | null,
  contentType = 'text/plain; charset=utf-8',
): Response {
  return new Response(body, { status, headers: { ...SECURITY_HEADERS, 'Content-Type': contentType } });
}

/**
 * The path inside `root` a request may read, or null. Refuses anything that decodes to a
 * parent segment, a NUL, a backslash (a separator on Windows) or an absolute path, and
 * double-checks lexically that the result stays under root.
 */
export function resolveInside(root: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.' || /^[a-zA-Z]:/.test(s))) return null;
  const base = resolve(root);
  const full = resolve(base, ...segments);
  const rel = relative(base, full);
  if (rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) return null;
  return full;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Builds the app:// handler for `root` (the built renderer). Only GET and HEAD, only the
 * app://tessera host, only files under root; "/" is index.html, and an extensionless path
 * that is not a file falls back to index.html so a reload on a client-side route works.
 */
export function createAppProtocolHandler(root: string): (request: Request) => Promise<Response> {
  const base = resolve(root);
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return answer(405, 'method not allowed');
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return answer(400, 'bad url');
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST || url.username || url.password) {
      return answer(404, 'not found');
    }
    // Electron sets initiatorOrigin for requests a page made; only our own page may load
    // our files (top-level loads the browser starts itself carry none).
    const initiator = (request as Request & { initiatorOrigin?: string }).initiatorOrigin;
    if (initiator !== undefined && initiator !== APP_ORIGIN) return answer(403, 'forbidden');

    const pathname = url.pathname === '/' || url.pathname === '' ? '/index.html' : url.pathname;
    let file = resolveInside(base, pathname);
    if (!file) return answer(403, 'forbidden');
    if (!(await isFile(file))) {
      if (extname(file) !== '') return answer(404, 'not found');
      file = resolve(base, 'index.html');
      if (!(await isFile(file))) return answer(404, 'not found');
    }
    const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
    const body = request.method === 'HEAD' ? null : new Uint8Array(await readFile(file));
    return answer(200, body, type);
  };
}
