// Process: server (team server; plain Node).
// The production engine: a pg.Pool for queries and transactions, and one dedicated client per
// listen() call so notifications keep flowing while pool clients come and go. If that client
// drops, it reconnects with a back-off; clients re-pull on reconnect anyway.
import pg from 'pg';
import { assertChannel, type Database, type Queryable } from './db.ts';

const INT8_OID = 20;

// int8 (revisions, versions) as a JS number, as PGlite does; the values stay far below 2^53.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return (v: string) => Number(v);
    // biome-ignore lint/suspicious/noExplicitAny: pg's overloads cannot be narrowed here
    return pg.types.getTypeParser(oid, format as any);
  },
};

function wrap(conn: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<T>(sql: string, params?: unknown[]) {
      const r = await conn.query(sql, params as unknown[] | undefined);
      return { rows: r.rows as T[] };
    },
    async exec(sql: string) {
      await conn.query(sql);
    },
  };
}

export async function openPostgres(connectionString: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString, max: 10, types });
  pool.on('error', () => {
    // An idle client died (server restart); the pool replaces it on next use.
  });
  await pool.query('SELECT 1');
  const base = wrap(pool);
  const listeners = new Set<() => Promise<void>>();

  async function inTransaction<T>(begin: string, fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(begin);
      const result = await fn(wrap(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch((e: Error) => {
        broken = e;
      });
      throw err;
    } finally {
      client.release(broken);
    }
  }

  return {
    engine: 'postgres',
    query: base.query,
    exec: base.exec,
    transaction: (fn) => inTransaction('BEGIN', fn),
    snapshot: (fn) => inTransaction('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY', fn),
    async listen(channel, onPayload) {
      const stop = await listenLoop(connectionString, assertChannel(channel), onPayload);
      listeners.add(stop);
      return async () => {
        listeners.delete(stop);
        await stop();
      };
    },
    async close() {
      await Promise.all([...listeners].map((stop) => stop()));
      listeners.clear();
      await pool.end();
    },
  };
}

async function listenLoop(
  connectionString: string,
  channel: string,
  onPayload: (payload: string) => void,
): Promise<() => Promise<void>> {
  let stopped = false;
  let client: pg.Client | null = null;
  let timer: NodeJS.Timeout | null = null;

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString });
    c.on('notification', (msg) => {
      if (msg.channel === channel) onPayload(msg.payload ?? '');
    });
    c.on('error', () => retry(c));
    c.on('end', () => retry(c));
    await c.connect();
    await c.query(`LISTEN ${channel}`);
    client = c;
  };
  const retry = (c: pg.Client) => {
    if (stopped || client !== c || timer) return;
    client = null;
    c.end().catch(() => {});
    const again = (delay: number) => {
      timer = setTimeout(() => {
        timer = null;
        if (stopped) return;
        connect().catch(() => again(Math.min(delay * 2, 30_000)));
      }, delay);
    };
    again(500);
  };

  await connect();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    const c = client;
    client = null;
    if (c) await c.end().catch(() => {});
  };
}
