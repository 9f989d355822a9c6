// Process: test.
// The app:// handler serves only the built renderer, with the CSP on every response, and
// refuses path traversal however it is spelled. It is a plain Request -> Response function,
// so the test uses Node's own fetch classes and a temporary folder; no Electron involved.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  APP_SCHEME_PRIVILEGES,
  CONTENT_SECURITY_POLICY,
  createAppProtocolHandler,
  resolveInside,
} from '../../electron/main/protocol.ts';

const base = mkdtempSync(join(tmpdir(), 'tessera-protocol-'));
const root = join(base, 'renderer');
mkdirSync(join(root, 'assets'), { recursive: true });
writeFileSync(join(root, 'index.html'), '<!doctype html><title>Tessera</title>');
writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
writeFileSync(join(root, 'assets', 'style.css'), 'body{}');
// A file next to the renderer folder that must stay out of reach.
writeFileSync(join(base, 'secret.txt'), 'not for the window');
afterAll(() => rmSync(base, { recursive: true, force: true }));

const handler = createAppProtocolHandler(root);

/** A request as Electron hands it over, optionally with the initiating page's origin. */
function get(url: string, init: RequestInit & { initiatorOrigin?: string } = {}): Promise<Response> {
  const request = new Request(url, init);
  if (init.initiatorOrigin)
    Object.defineProperty(request, 'initiatorOrigin', { value: init.initiatorOrigin });
  return handler(request);
}

describe('app:// protocol', () => {
  it('serves index.html at / and files under the renderer folder, with the CSP header', async () => {
    const page = await get('app://tessera/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Tessera</title>');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');

    const script = await get('app://tessera/assets/index-abc.js', { initiatorOrigin: 'app://tessera' });
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect((await get('app://tessera/assets/style.css')).headers.get('content-type')).toBe(
      'text/css; charset=utf-8',
    );
  });

  it('has a strict policy: nothing remote, no network, no plugins, no framing', () => {
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "connect-src 'none'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
      "form-action 'none'",
    ]) {
      expect(CONTENT_SECURITY_POLICY.split('; ')).toContain(directive);
    }
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|unsafe-inline|https?:|\*/);
  });

  it('refuses ../ traversal however it is spelled, with the CSP on the refusal too', async () => {
    for (const path of [
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      '/assets%2f..%2f..%2fsecret.txt',
      '/%2e%2e/secret.txt',
      '/%00index.html',
      '/C:%5cWindows%5cwin.ini',
    ]) {
      const r = await get(`app://tessera${path}`);
      expect(r.status, path).not.toBe(200);
      expect(await r.text()).not.toContain('not for the window');
      expect(r.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    }
  });

  it('resolves paths only inside the root', () => {
    expect(resolveInside(root, '/assets/index-abc.js')).toBe(join(root, 'assets', 'index-abc.js'));
    expect(resolveInside(root, '/../secret.txt')).toBeNull();
    expect(resolveInside(root, '/a/%2E%2E/%2E%2E/secret.txt')).toBeNull();
    expect(resolveInside(root, '/%E0%A4%A')).toBeNull();
  });

  it('answers 404 for missing files and other hosts, 405 for other methods', async () => {
    expect((await get('app://tessera/assets/missing.js')).status).toBe(404);
    expect((await get('app://other/index.html')).status).toBe(404);
    expect((await get('app://tessera/index.html', { method: 'POST', body: 'x' })).status).toBe(405);
  });

  it('serves index.html for an extensionless client-side route', async () => {
    const r = await get('app://tessera/vaults/prod');
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('<title>Tessera</title>');
  });

  it('refuses requests made by a page of another origin', async () => {
    expect((await get('app://tessera/index.html', { initiatorOrigin: 'https://evil.example' })).status).toBe(
      403,
    );
    expect((await get('app://tessera/index.html', { initiatorOrigin: 'null' })).status).toBe(403);
  });

  it('registers the scheme as standard and secure, without bypassing CSP or enabling CORS', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({
      scheme: 'app',
      privileges: { standard: true, secure: true, supportFetchAPI: true },
    });
  });
});
