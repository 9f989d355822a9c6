// Process: server (team server; plain Node).
// The store behind @fastify/rate-limit on the password routes: counters live in the database,
// so every server process on one PostgreSQL counts the same attempts (the plugin's default
// store counts per process, which multiplies an attacker's attempts by the number of
// processes). One statement per attempt counts it and starts a new window when the last one
// has passed; the row lock of the upsert keeps concurrent attempts exact. Expired rows are
// swept now and then.
import { createHash } from 'node:crypto';
import type { Database } from './db.ts';

type Reply = { current: number; ttl: number };
type Callback = (err: Error | null, result?: Reply) => void;

const SWEEP_EVERY = 200;

// The end of the row's window of $2 ms.
const END = 'r.window_start + make_interval(secs => $2 / 1000.0)';

// A fresh key, or one whose window has passed, starts a new window at 1.
const INCR = `
  INSERT INTO rate_limits AS r (key, count, window_start) VALUES ($1, 1, now())
  ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN ${END} <= now() THEN 1 ELSE r.count + 1 END,
    window_start = CASE WHEN ${END} <= now() THEN now() ELSE r.window_start END
  RETURNING count, GREATEST(0, CEIL(EXTRACT(EPOCH FROM (${END} - now())) * 1000))::int AS ttl`;

/** Builds the store class the plugin instantiates (it calls `new store(options)`). */
export function databaseRateLimitStore(db: Database) {
  let calls = 0;
  return class DatabaseRateLimitStore {
    constructor(
      _options?: unknown,
      private readonly scope = '',
    ) {}

    private key(k: string): Buffer {
      return createHash('sha256').update(`${this.scope}\u0000${k}`, 'utf8').digest();
    }

    incr(key: string, cb: Callback, timeWindow: number): void {
      if (++calls % SWEEP_EVERY === 0) {
        db.query(`DELETE FROM rate_limits WHERE window_start < now() - interval '1 day'`).catch(() => {});
      }
      db.query<{ count: number; ttl: number }>(INCR, [this.key(key), timeWindow]).then(
        (r) => cb(null, { current: Number(r.rows[0]!.count), ttl: Number(r.rows[0]!.ttl) }),
        (e: Error) => cb(e),
      );
    }

    /** One scope per route, as the plugin's own store keeps one counter set per route. The
     *  plugin passes the route's merged options with `routeInfo` (method, url) added. */
    child(routeOptions: object) {
      const info = (routeOptions as { routeInfo?: { method?: unknown; url?: unknown } }).routeInfo;
      return new DatabaseRateLimitStore(
        undefined,
        `${String(info?.method ?? '')} ${String(info?.url ?? '')}`,
      );
    }
  };
}
