// Process: test. The team server's one-time link page routes (server/routes/recipient-page.ts)
// without a browser: the same HTML at every valid /s/<id>, its bundle under /s/assets/, each
// under the page's own strict headers and nothing else of the folder; the API keeps its own
// CSP; and a server without a build still starts and says how to make one. The page's files
// here are stand-ins, so this runs without Vite; test/e2e/recipient.e2e.test.ts runs the real one.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import { RECIPIENT_CSP } from '../../server/routes/recipient-page.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const dir = mkdtempSync(join(tmpdir(), 'tessera-recipient-dist-'));
const HTML =
  '<!doctype html><title>stand-in</title><script type="module" src="/s/assets/index-Ab1.js"></script>';
let srv: TestServer;
let unbuilt: FastifyInstance;
const id = crypto.randomUUID();
const get = (path: string, init?: RequestInit) => fetch(srv.url + path, init);

beforeAll(async () => {
  mkdirSync(join(dir, 'built', 'assets'), { recursive: true });
  writeFileSync(join(dir, 'built', 'index.html'), HTML);
  writeFileSync(join(dir, 'built', 'assets', 'index-Ab1.js'), 'console.log(1);');
  writeFileSync(join(dir, 'built', 'assets', 'index-Ab1.css'), 'body{}');
  writeFileSync(join(dir, 'built', 'assets', 'notes.txt'), 'not served');
  writeFileSync(join(dir, 'built', 'secret.js'), 'outside assets/');
  srv = await startTestServer({ recipientDir: join(dir, 'built') });
  unbuilt = await createApp(srv.db, { recipientDir: join(dir, 'never-built') });
}, 120_000);

afterAll(async () => {
  await unbuilt?.close();
  await srv?.close();
  rmSync(dir, { recursive: true, force: true });
});

function expectPageHeaders(h: Headers) {
  expect(h.get('content-security-policy')).toBe(RECIPIENT_CSP);
  expect(h.get('referrer-policy')).toBe('no-referrer');
  expect(h.get('cache-control')).toBe('no-store');
  expect(h.get('x-content-type-options')).toBe('nosniff');
  expect(h.get('x-frame-options')).toBe('DENY');
}

describe('the recipient page routes', () => {
  it('serve the same HTML at every link id, with no account, under the strict headers', async () => {
    for (const path of [`/s/${id}`, `/s/${id.toUpperCase()}`, `/s/${crypto.randomUUID()}`]) {
      const r = await get(path);
      expect(r.status, path).toBe(200);
      expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expectPageHeaders(r.headers);
      expect(await r.text()).toBe(HTML);
    }
    expect(RECIPIENT_CSP).toMatch(
      /^default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self';/,
    );
    expect(RECIPIENT_CSP).toContain("frame-ancestors 'none'");
    expect(RECIPIENT_CSP).not.toMatch(/unsafe-inline|'unsafe-eval'/);
    const head = await get(`/s/${id}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expectPageHeaders(head.headers);
  });

  it('refuse what is not a link id, and any file but the bundle', async () => {
    for (const path of ['/s/not-a-link', '/s/12345678-1234-1234-1234-12345678901', `/s/${id}x`]) {
      const r = await get(path);
      expect(r.status, path).toBe(404);
      expectPageHeaders(r.headers);
    }
    // No route: the server's usual answer to an unknown path (the auth hook's 401).
    expect([401, 404]).toContain((await get(`/s/${id}/more`)).status);
    const js = await get('/s/assets/index-Ab1.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expectPageHeaders(js.headers);
    expect((await get('/s/assets/index-Ab1.css')).headers.get('content-type')).toBe(
      'text/css; charset=utf-8',
    );
    for (const path of [
      '/s/assets/notes.txt',
      '/s/assets/missing.js',
      '/s/assets/.index-Ab1.js',
      '/s/assets/..%2Fsecret.js',
      '/s/assets/..%2F..%2Fpackage.json',
      '/s/assets/%2e%2e%2fsecret.js',
      '/s/secret.js',
    ]) {
      const r = await get(path);
      expect(r.status, path).toBe(404);
      expect(await r.text(), path).not.toContain('outside assets/');
    }
  });

  it('leave the API its own headers', async () => {
    const r = await get(`/api/v1/links/${id}`);
    expect(r.status).toBe(404);
    expect(r.headers.get('content-security-policy')).not.toBe(RECIPIENT_CSP);
    expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it("keep the link API's answers out of every cache, refusals included", async () => {
    const peek = await get(`/api/v1/links/${id}`);
    const open = await get(`/api/v1/links/${id}/open`, { method: 'POST' });
    expect([peek.status, open.status].every((s) => s >= 400)).toBe(true);
    expect(peek.headers.get('cache-control')).toBe('no-store');
    expect(open.headers.get('cache-control')).toBe('no-store');
  });

  it('without a build: the server starts, the page says to run npm run build, the API still answers', async () => {
    for (const url of [`/s/${id}`, '/s/assets/index-Ab1.js']) {
      const r = await unbuilt.inject({ method: 'GET', url });
      expect(r.statusCode, url).toBe(503);
      expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(r.body).toContain('npm run build');
      expect(r.headers['content-security-policy']).toBe(RECIPIENT_CSP);
    }
    expect((await unbuilt.inject({ method: 'GET', url: '/s/nope' })).statusCode).toBe(404);
    const api = await unbuilt.inject({ method: 'GET', url: `/api/v1/links/${id}` });
    expect(api.statusCode).toBe(404);
    expect(api.json().error.code).toBe('not_found');
  });
});
