// Process: server (team server; plain Node).
// The one seam between the server and its storage. Routes and queries see only this
// interface, so the same SQL runs on the embedded PGlite (single-user installs, tests) and on
// a real PostgreSQL (teams, several server processes). Both engines return int8 as a JS
// number and timestamptz as a Date, so callers never care which one they talk to.

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly engine: 'pglite' | 'postgres';
  /** Runs fn inside BEGIN/COMMIT; any throw rolls everything back. Use only `tx` inside. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs read-only fn against one consistent snapshot: one READ ONLY, REPEATABLE READ
   *  transaction, so every statement in fn sees the same committed state and none may write. */
  snapshot<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  /** LISTENs on a channel; the returned function stops listening. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** PGlite data directory; in-memory when neither this nor databaseUrl is given. */
  dataDir?: string;
  /** postgres://... of a real PostgreSQL; wins over dataDir. */
  databaseUrl?: string;
}

export function assertChannel(channel: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error(`bad channel name ${channel}`);
  return channel;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const { openPostgres } = await import('./db-postgres.ts');
    return openPostgres(opts.databaseUrl);
  }
  const { openPglite } = await import('./db-pglite.ts');
  return openPglite(opts.dataDir);
}
