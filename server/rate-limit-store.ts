// Process: server (team server; plain Node).
// The store behind @fastify/rate-limit on the password routes: counters live in the database,
// so every server process on one PostgreSQL counts the same attempts (the plugin's default
// store counts per process, which multiplies an attacker's attempts by the number of
// processes). One statement per attempt counts it and starts a new window when the last one
// has passed; the row lock of the upsert keeps concurrent attempts exact. Expired rows are
// swept now and then. The clock is the database's (one clock for every process), unless a
// test passes its own.
import { createHash } from 'node:crypto';
import type { Database } from './db.ts';

type Reply = { current: number; ttl: number };
type Callback = (err: Error | null, result?: Reply) => void;

const SWEEP_EVERY = 200;

// Now: the caller's clock ($3) when given, else the database's.
const NOW = 'COALESCE($3::timestamptz, now())';

// The end of the row's window of $2 ms.
const END = 'r.window_start + make_interval(secs => $2 / 1000.0)';

// A fresh key, or one whose window has passed, starts a new window at 1. A window that
// started at t holds the attempts made in [t, t + window); at t + window exactly it is over.
const INCR = `
  INSERT INTO rate_limits AS r (key, count, window_start) VALUES ($1, 1, ${NOW})
  ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN ${END} <= ${NOW} THEN 1 ELSE r.count + 1 END,
    window_start = CASE WHEN ${END} <= ${NOW} THEN ${NOW} ELSE r.window_start END
  RETURNING count, GREATEST(0, CEIL(EXTRACT(EPOCH FROM (${END} - ${NOW})) * 1000))::int AS ttl`;

/** Builds the store class the plugin instantiates (it calls `new store(options)`). `now`
 *  (epoch milliseconds) replaces the database's clock; tests use it to step time exactly. */
export function databaseRateLimitStore(db: Database, now?: () => number) {
  let calls = 0;
  const at = () => (now ? new Date(now()).toISOString() : null);
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
        db.query(
          `DELETE FROM rate_limits WHERE window_start < COALESCE($1::timestamptz, now()) - interval '1 day'`,
          [at()],
        ).catch(() => {});
      }
      db.query<{ count: number; ttl: number }>(INCR, [this.key(key), timeWindow, at()]).then(
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
