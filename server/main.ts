// Process: server (team server; plain Node).
// Starts a team server: opens the database (PGlite in --data DIR or in memory, or a real
// PostgreSQL via databaseUrl), builds the app and listens. `tessera server` calls this; it
// can also be run directly: `npx tsx server/main.ts [--data DIR | --database-url URL] [--port N]`.
import { pathToFileURL } from 'node:url';
import { type AppOptions, createApp } from './app.ts';
import { type Database, openDatabase } from './db.ts';

export interface ServerOptions extends AppOptions {
  dataDir?: string;
  databaseUrl?: string;
  /** Default 8787; 0 picks any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface RunningServer {
  url: string;
  db: Database;
  close(): Promise<void>;
}

function urlFor(host: string, port: number): string {
  const h = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${h.includes(':') ? `[${h}]` : h}:${port}`;
}

export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const db = await openDatabase(opts);
  try {
    const app = await createApp(db, opts);
    const host = opts.host ?? '127.0.0.1';
    await app.listen({ port: opts.port ?? 8787, host });
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : (opts.port ?? 8787);
    let closing: Promise<void> | null = null;
    return {
      url: urlFor(host, port),
      db,
      close: () => {
        closing ??= app.close().then(() => db.close());
        return closing;
      },
    };
  } catch (err) {
    await db.close();
    throw err;
  }
}

function arg(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  const port = arg(argv, '--port');
  startServer({
    dataDir: arg(argv, '--data'),
    databaseUrl: arg(argv, '--database-url') ?? process.env.TESSERA_DATABASE_URL,
    port: port === undefined ? undefined : Number(port),
    host: arg(argv, '--host'),
    logger: true,
  }).then(
    (s) => {
      console.log(`tessera server listening on ${s.url}`);
      const stop = () => void s.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (err) => {
      console.error(`tessera server failed to start: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
