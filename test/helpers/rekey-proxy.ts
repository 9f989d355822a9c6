// Process: test (plain Node). A plain forwarding proxy on real sockets between a CLI child
// process and the real team server, which counts the re-key batches (a chain POST carrying a
// `vault.rekey` link) and can stop one at an exact point: never forward it (`hold`), or
// forward it, let the server commit it, and keep the answer back (`swallow`). A test kills
// the client at that point, knowing exactly what the server has and the client does not.
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RekeyStop = 'hold' | 'swallow';

export interface RekeyProxy {
  url: string;
  /** Re-key batches seen since the last `arm`. */
  seen: number;
  /** Stop the nth re-key batch from now on; resolves once it is stopped (for `swallow`:
   *  once the server has answered, so the batch is committed). */
  arm(nth: number, stop: RekeyStop): Promise<{ status: number }>;
  /** Drops every request stopped so far (after the client is dead) and forwards again. */
  disarm(): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function isRekeyBatch(method: string | undefined, path: string, body: Buffer): boolean {
  if (method !== 'POST' || !/\/teams\/[^/]+\/chain$/.test(path)) return false;
  try {
    const j = JSON.parse(body.toString('utf8')) as { links?: { type?: string }[] };
    return (j.links ?? []).some((l) => l.type === 'vault.rekey');
  } catch {
    return false;
  }
}

export async function startRekeyProxy(target: string): Promise<RekeyProxy> {
  const up = new URL(target);
  let armed: { nth: number; stop: RekeyStop; stopped: (r: { status: number }) => void } | null = null;
  const stopped: ServerResponse[] = [];

  /** Forwards to the server; resolves with its whole answer, not yet written back. */
  const forward = (req: IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>((ok, fail) => {
      const headers = { ...req.headers, host: up.host };
      const r = request(
        { host: up.hostname, port: up.port, path: req.url, method: req.method, headers },
        async (res) => {
          try {
            ok({ status: res.statusCode ?? 502, headers: res.headers, body: await readBody(res) });
          } catch (e) {
            fail(e);
          }
        },
      );
      r.on('error', fail);
      r.end(body);
    });

  const server = createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      const path = (req.url ?? '/').split('?')[0]!;
      if (armed && isRekeyBatch(req.method, path, body) && ++proxy.seen === armed.nth) {
        const a = armed;
        armed = null;
        stopped.push(res);
        if (a.stop === 'hold') return a.stopped({ status: 0 });
        const answer = await forward(req, body);
        return a.stopped({ status: answer.status });
      }
      const answer = await forward(req, body);
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    } catch {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));

  const proxy: RekeyProxy = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen: 0,
    arm(nth, stop) {
      proxy.seen = 0;
      return new Promise((stoppedAt) => {
        armed = { nth, stop, stopped: stoppedAt };
      });
    },
    disarm() {
      armed = null;
      for (const res of stopped.splice(0)) res.destroy();
    },
    close: () =>
      new Promise((r) => {
        proxy.disarm();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  return proxy;
}
