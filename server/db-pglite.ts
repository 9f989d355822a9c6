// Process: server (team server; plain Node).
// The embedded engine: PGlite is PostgreSQL compiled to WASM, so a single-user or evaluation
// install needs no database server, yet runs exactly the SQL a production PostgreSQL runs.
// PGlite is one connection: its transaction() serialises everyone, which also serialises
// writers per team just as the row lock does on a real server.
import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { lockDataDir } from './data-dir-lock.ts';
import { makeDataDirPrivate } from './data-dir-mode.ts';
import { assertChannel, type Database, type Queryable } from './db.ts';

function wrap(conn: PGlite | Transaction): Queryable {
  return {
    async query<T>(sql: string, params?: unknown[]) {
      const r = await conn.query<T>(sql, params);
      return { rows: r.rows };
    },
    async exec(sql: string) {
      await conn.exec(sql);
    },
  };
}

export async function openPglite(dataDir?: string): Promise<Database> {
  let unlock = () => {};
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    unlock = lockDataDir(dataDir);
  }
  let pg: PGlite;
  try {
    pg = dataDir ? await PGlite.create(dataDir) : await PGlite.create();
  } catch (e) {
    unlock();
    throw e;
  }
  // A first start has just written the whole cluster 0666 (data-dir-mode.ts), and every start
  // rewrites a few cache files (pg_internal.init) 0644, so this walk runs at each start.
  if (dataDir) {
    try {
      makeDataDirPrivate(dataDir);
    } catch (e) {
      await pg.close().finally(unlock);
      throw e;
    }
  }
  const base = wrap(pg);
  let closed = false;
  return {
    engine: 'pglite',
    query: base.query,
    exec: base.exec,
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
    // pg.transaction() holds PGlite's transaction lock until COMMIT, and pg.query() outside
    // it waits for that lock, so no other request's statement can land inside the snapshot
    // on the one connection. The isolation level must be the transaction's first statement.
    snapshot: (fn) =>
      pg.transaction(async (tx) => {
        await tx.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
        return fn(wrap(tx));
      }),
    async listen(channel, onPayload) {
      const stop = await pg.listen(assertChannel(channel), onPayload);
      return async () => {
        if (!closed) await stop();
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await pg.close();
      } finally {
        unlock();
      }
    },
  };
}
