// Process: server (team server; plain Node).
// Security headers: helmet's defaults (CSP, HSTS, frame, sniffing, referrer, cross-origin
// policies), worked out once at start and stamped on every reply. The Fastify plugin for
// helmet builds a fresh middleware per request, re-parsing the CSP each time; that was a
// measurable share of a delta pull. This API serves no HTML, so no per-request nonce is needed.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

/** The headers helmet would set, captured by running it once against a recording response. */
export function securityHeaders(): Record<string, string> {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : String(value));
    },
    removeHeader(name: string) {
      headers.delete(name.toLowerCase());
    },
    getHeader: (name: string) => headers.get(name.toLowerCase()),
  };
  let finished = false;
  helmet()({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err;
    finished = true;
  });
  // helmet runs synchronously; if a future version did not, replies would go out bare.
  if (!finished || headers.size === 0) throw new Error('helmet did not produce its headers synchronously');
  return Object.fromEntries(headers);
}

export function installSecurityHeaders(app: FastifyInstance): void {
  const headers = securityHeaders();
  app.addHook('onRequest', (_req, reply, done) => {
    reply.headers(headers);
    done();
  });
}
