// Process: test. A man-in-the-middle that plays the malicious server operator: it forwards
// every request to the real team server and lets a test rewrite the JSON answers (swap
// ciphertexts, replay old revisions, substitute keys) before the client sees them.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Tamper = (req: { method: string; path: string }, body: unknown) => unknown;

export interface HostileProxy {
  url: string;
  /** Set to rewrite answers; return the body unchanged to pass it through. */
  tamper: Tamper | null;
  /** Every answer body seen, newest last, for replay attacks. */
  seen: { method: string; path: string; body: unknown }[];
  /** Set to answer a request 503 without forwarding it, as a server gone away would. */
  refuse: ((req: { method: string; path: string }) => boolean) | null;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function startHostileProxy(target: string): Promise<HostileProxy> {
  const proxy: HostileProxy = { url: '', tamper: null, seen: [], refuse: null, close: async () => {} };
  const server: Server = createServer(async (req, res) => {
    try {
      if (proxy.refuse?.({ method: req.method ?? 'GET', path: req.url ?? '/' })) {
        res.writeHead(503).end();
        return;
      }
      const body = await readBody(req);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (typeof v === 'string' && !['host', 'content-length', 'connection'].includes(k)) headers[k] = v;
      }
      const upstream = await fetch(target + (req.url ?? '/'), {
        method: req.method,
        headers,
        body: body.length > 0 ? body : undefined,
      });
      const type = upstream.headers.get('content-type') ?? '';
      if (type.includes('text/event-stream') && upstream.body) {
        res.writeHead(upstream.status, { 'content-type': type });
        for await (const chunk of upstream.body) res.write(chunk);
        res.end();
        return;
      }
      let text = await upstream.text();
      if (type.includes('application/json') && text) {
        const method = req.method ?? 'GET';
        const path = req.url ?? '/';
        let json = JSON.parse(text) as unknown;
        proxy.seen.push({ method, path, body: structuredClone(json) });
        if (proxy.tamper) json = proxy.tamper({ method, path }, json);
        text = JSON.stringify(json);
      }
      res.writeHead(upstream.status, { 'content-type': type || 'application/json' });
      res.end(text);
    } catch {
      res.writeHead(502).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return proxy;
}
