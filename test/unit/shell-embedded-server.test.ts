// Process: test.
// The embedded try-out server keeps its port between launches (the profile remembers the
// server's URL), takes a new one only if the old one is busy, starts once, and listens on
// 127.0.0.1. A FAKE start function stands for server/main.ts's startServer.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddedServer, type StartServer } from '../../electron/main/embedded-server.ts';

const base = mkdtempSync(join(tmpdir(), 'tessera-embedded-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;

/** FAKE startServer: records its options; a port listed in `busy` fails like a taken port. */
function fakeStart(busy: number[] = []) {
  const calls: { dataDir: string; port: number; host: string }[] = [];
  let closed = 0;
  const start: StartServer = async (options) => {
    calls.push(options);
    if (busy.includes(options.port))
      throw Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' });
    const port = options.port === 0 ? 40000 + calls.length : options.port;
    return { url: `http://${options.host}:${port}`, close: async () => void closed++ };
  };
  return { start, calls, closed: () => closed };
}

function server(start: StartServer) {
  const dir = join(base, String(n++));
  mkdirSync(dir);
  const stateFile = join(dir, 'embedded-server.json');
  return { embedded: new EmbeddedServer({ dataDir: join(dir, 'server-data'), stateFile, start }), stateFile };
}

describe('embedded server', () => {
  it('starts once on 127.0.0.1 and remembers its port', async () => {
    const f = fakeStart();
    const { embedded, stateFile } = server(f.start);
    const [a, b] = await Promise.all([embedded.start(), embedded.start()]);
    expect(a).toBe('http://127.0.0.1:40001');
    expect(b).toBe(a);
    expect(f.calls).toHaveLength(1);
    expect(f.calls[0]).toMatchObject({ port: 0, host: '127.0.0.1' });
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toEqual({ port: 40001 });
    expect(embedded.isProfileServer('http://127.0.0.1:40001')).toBe(true);
    expect(embedded.isProfileServer('http://127.0.0.1:40002')).toBe(false);
    expect(embedded.isProfileServer(undefined)).toBe(false);
    await embedded.stop();
    expect(f.closed()).toBe(1);
    expect(embedded.isRunning).toBe(false);
  });

  it('reuses the saved port at the next launch', async () => {
    const f = fakeStart();
    const { embedded, stateFile } = server(f.start);
    writeFileSync(stateFile, JSON.stringify({ port: 41234 }));
    expect(await embedded.start()).toBe('http://127.0.0.1:41234');
    expect(f.calls.map((c) => c.port)).toEqual([41234]);
  });

  it('takes a free port when the saved one is busy, and saves the new one', async () => {
    const f = fakeStart([41234]);
    const { embedded, stateFile } = server(f.start);
    writeFileSync(stateFile, JSON.stringify({ port: 41234 }));
    expect(await embedded.start()).toBe('http://127.0.0.1:40002');
    expect(f.calls.map((c) => c.port)).toEqual([41234, 0]);
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toEqual({ port: 40002 });
  });

  it('ignores a saved port that makes no sense, and can retry after a failure', async () => {
    let fail = true;
    const f = fakeStart();
    const { embedded, stateFile } = server(async (o) => {
      if (fail) throw new Error('disk full');
      return f.start(o);
    });
    writeFileSync(stateFile, JSON.stringify({ port: 80 }));
    expect(embedded.savedPort()).toBeNull();
    await expect(embedded.start()).rejects.toThrow('disk full');
    fail = false;
    expect(await embedded.start()).toBe('http://127.0.0.1:40001');
  });
});
