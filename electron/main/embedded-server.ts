// Process: main (Electron main process).
// The team server a solo user starts from the window to try Tessera without running one
// (DesktopPorts.startEmbeddedServer). It runs inside the main process: server/main.ts is
// bundled next to main.mjs and loaded only when asked for, PGlite stays an external package
// in node_modules (it reads its .wasm and .data files from its own folder). In-process needs
// no ELECTRON_RUN_AS_NODE, so the RunAsNode fuse stays off (see electron-builder.yml).
//
// The profile remembers its server's URL, so the port is kept between launches: the last
// one is saved and tried first, and a new free one is taken only if it is busy. When the
// profile's server is the embedded one, main.ts starts it at launch so unlock and sync work.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface StartedServer {
  url: string;
  close(): Promise<void>;
}

export type StartServer = (options: {
  dataDir: string;
  port: number;
  host: string;
}) => Promise<StartedServer>;

export interface EmbeddedServerOptions {
  /** PGlite's data folder, e.g. <userData>/server-data. */
  dataDir: string;
  /** Where the last port is kept, e.g. <userData>/embedded-server.json. */
  stateFile: string;
  start: StartServer;
}

const HOST = '127.0.0.1';

export function embeddedUrl(port: number): string {
  return `http://${HOST}:${port}`;
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

export class EmbeddedServer {
  private running: Promise<StartedServer> | null = null;

  constructor(private readonly options: EmbeddedServerOptions) {}

  /** The port used last time, if any. */
  savedPort(): number | null {
    try {
      const port = (JSON.parse(readFileSync(this.options.stateFile, 'utf8')) as { port?: unknown }).port;
      return typeof port === 'number' && Number.isInteger(port) && port >= 1024 && port <= 65535
        ? port
        : null;
    } catch {
      return null;
    }
  }

  /** Whether `profileServer` (the profile's saved server URL) is this embedded server. */
  isProfileServer(profileServer: string | null | undefined): boolean {
    const port = this.savedPort();
    return !!profileServer && port !== null && sameOrigin(profileServer, embeddedUrl(port));
  }

  /** Starts the server once; later calls return the same URL. Listens on 127.0.0.1 only. */
  async start(): Promise<string> {
    this.running ??= this.launch().catch((err: unknown) => {
      this.running = null;
      throw err;
    });
    return (await this.running).url;
  }

  async stop(): Promise<void> {
    const running = this.running;
    this.running = null;
    if (running) await (await running).close();
  }

  get isRunning(): boolean {
    return this.running !== null;
  }

  private async launch(): Promise<StartedServer> {
    const { dataDir, start } = this.options;
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const preferred = this.savedPort();
    let server: StartedServer;
    try {
      server = await start({ dataDir, port: preferred ?? 0, host: HOST });
    } catch (err) {
      if (preferred === null || (err as { code?: unknown }).code !== 'EADDRINUSE') throw err;
      server = await start({ dataDir, port: 0, host: HOST });
    }
    const port = Number(new URL(server.url).port);
    if (port !== preferred) {
      mkdirSync(dirname(this.options.stateFile), { recursive: true });
      writeFileSync(this.options.stateFile, `${JSON.stringify({ port })}\n`, { mode: 0o600 });
    }
    return server;
  }
}
