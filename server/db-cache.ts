// Process: server (team server; plain Node).
// A read cache for a database this process owns alone: the embedded PGlite, whose data
// directory no other process opens. Because every write passes through this wrapper, the
// cache needs no time-to-live and is never stale: each write statement, and the end of every
// transaction, moves a global write epoch, and an answer is reused only while the epoch it was
// read in is still current. Between writes, a team's pulls, polls and stream heartbeats are
// answered from memory instead of queueing on PGlite's single connection.
//
// What may be cached is decided from the statement text, conservatively: plain SELECTs whose
// answer depends only on the data (no now(), random(), sequences, locks or notifications).
// Anything else counts as a write. Inside a transaction nothing is served from or stored in
// the cache (the transaction may see its own uncommitted rows); read-only multi-statement
// work goes through snapshot(), which is served whole from one epoch or re-run in a real
// REPEATABLE READ transaction. A real PostgreSQL may be shared by several server processes,
// so it is never wrapped.
import type { Database, Queryable } from './db.ts';

export interface ReadCacheOptions {
  /** Rows held in all, across answers, before the cache starts over. Memory is bounded by
   *  rows (an item row is ~2.5 KB, so the default holds at most ~40 MB). */
  maxTotalRows?: number;
  /** Answers with more rows than this are not kept (full pulls would only churn memory). */
  maxRows?: number;
}

type Rows = { rows: unknown[] };

const READ = /^\s*select\b/i;
// Functions and clauses whose answer is not a function of the data alone, or that write.
const UNCACHEABLE =
  /\b(now|random|gen_random_uuid|nextval|setval|currval|clock_timestamp|statement_timestamp|transaction_timestamp|timeofday|pg_notify|pg_advisory\w*|pg_try_advisory\w*|txid_\w+|pg_current_\w+)\s*\(|\bcurrent_(timestamp|date|time)\b|\blocaltime(stamp)?\b|\bfor\s+(update|share|no\s+key\s+update|key\s+share)\b/i;
const WRITE =
  /\b(pg_notify|nextval|setval|pg_advisory\w*|pg_try_advisory\w*)\s*\(|\bfor\s+(update|share|no\s+key|key\s+share)\b/i;

type Kind = 'cacheable' | 'read' | 'write';

export function kindOf(sql: string): Kind {
  if (!READ.test(sql) || WRITE.test(sql)) return 'write';
  return UNCACHEABLE.test(sql) ? 'read' : 'cacheable';
}

/** One statement text, classified once (texts are constants in the code), with the answers
 *  kept for it keyed by parameters: one map lookup on the (hash-cached) constant string finds
 *  both, and only the short parameter key is built per call. */
interface Statement {
  readonly kind: Kind;
  answers: Map<string, Rows>;
}

/** Raised inside a cache-only snapshot attempt when an answer is not in the cache. */
class Miss extends Error {}

export class ReadCache {
  private epoch = 0;
  private rowsHeld = 0;
  private readonly statements = new Map<string, Statement>();
  private readonly maxTotalRows: number;
  private readonly maxRows: number;
  /** For tests and the benchmark: how answers were found. */
  readonly stats = { hits: 0, misses: 0, invalidations: 0 };

  constructor(opts: ReadCacheOptions = {}) {
    this.maxTotalRows = opts.maxTotalRows ?? 16_384;
    this.maxRows = opts.maxRows ?? 1_024;
  }

  get currentEpoch(): number {
    return this.epoch;
  }

  statement(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = { kind: kindOf(sql), answers: new Map() };
      // Texts are constants; a flood of distinct ones would only go unremembered.
      if (this.statements.size < 10_000) this.statements.set(sql, s);
    }
    return s;
  }

  invalidate(): void {
    this.epoch++;
    this.stats.invalidations++;
    this.clear();
  }

  private clear(): void {
    if (this.rowsHeld === 0) return;
    for (const s of this.statements.values()) if (s.answers.size > 0) s.answers = new Map();
    this.rowsHeld = 0;
  }

  get(s: Statement, params: string): Rows | undefined {
    const hit = s.answers.get(params);
    if (hit) this.stats.hits++;
    else this.stats.misses++;
    return hit;
  }

  /** Keeps an answer read entirely within `epoch`; the epoch must not have moved since. */
  put(s: Statement, params: string, epoch: number, rows: Rows): void {
    if (epoch !== this.epoch || rows.rows.length > this.maxRows) return;
    // Simpler than LRU and enough: a full cache starts over, the next reads refill it.
    const n = Math.max(1, rows.rows.length);
    if (this.rowsHeld + n > this.maxTotalRows) this.clear();
    this.rowsHeld += n;
    s.answers.set(params, deepFreeze(rows));
  }
}

const paramsKey = (params?: unknown[]) => (params?.length ? JSON.stringify(params) : '');

/** What a snapshot's fn sees on its first, memory-only attempt: every answer from one epoch,
 *  or a Miss that sends the whole snapshot to the database. */
class CacheOnly implements Queryable {
  constructor(
    private readonly cache: ReadCache,
    private readonly epoch: number,
  ) {}

  async query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }> {
    const s = this.cache.statement(sql);
    const hit =
      s.kind === 'cacheable' && this.cache.currentEpoch === this.epoch
        ? this.cache.get(s, paramsKey(params))
        : undefined;
    if (!hit) throw new Miss();
    return hit as { rows: T[] };
  }

  async exec(): Promise<void> {
    throw new Miss();
  }
}

// Cached rows are shared by every later caller: freezing makes an accidental mutation throw
// instead of silently changing what the next request sees.
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value) && !ArrayBuffer.isView(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Wraps a database this process owns exclusively with a never-stale read cache. */
export function withReadCache(db: Database, opts: ReadCacheOptions = {}): Database & { cache: ReadCache } {
  const cache = new ReadCache(opts);

  async function query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }> {
    const s = cache.statement(sql);
    if (s.kind === 'cacheable') {
      const key = paramsKey(params);
      const hit = cache.get(s, key);
      if (hit) return hit as { rows: T[] };
      const epoch = cache.currentEpoch;
      const r = await db.query<T>(sql, params);
      cache.put(s, key, epoch, r);
      return r;
    }
    if (s.kind === 'read') return db.query<T>(sql, params);
    cache.invalidate();
    try {
      return await db.query<T>(sql, params);
    } finally {
      cache.invalidate();
    }
  }

  // Inside a transaction: no cache at all, and any write moves the epoch (again at the end).
  const inTransaction = (tx: Queryable): Queryable => ({
    query<T>(sql: string, params?: unknown[]) {
      if (cache.statement(sql).kind === 'write') cache.invalidate();
      return tx.query<T>(sql, params);
    },
    exec(sql: string) {
      cache.invalidate();
      return tx.exec(sql);
    },
  });

  // A snapshot re-run for real stores what it read, provided no write began or ended
  // while it ran (PGlite runs one transaction at a time, so the answers are then current).
  const recording = (tx: Queryable, epoch: number): Queryable => ({
    async query<T>(sql: string, params?: unknown[]) {
      const r = await tx.query<T>(sql, params);
      const s = cache.statement(sql);
      if (s.kind === 'cacheable') cache.put(s, paramsKey(params), epoch, r);
      return r;
    },
    exec: (sql: string) => tx.exec(sql),
  });

  return {
    engine: db.engine,
    cache,
    query,
    async exec(sql) {
      cache.invalidate();
      try {
        await db.exec(sql);
      } finally {
        cache.invalidate();
      }
    },
    async transaction(fn) {
      cache.invalidate();
      try {
        return await db.transaction((tx) => fn(inTransaction(tx)));
      } finally {
        cache.invalidate();
      }
    },
    async snapshot(fn) {
      try {
        return await fn(new CacheOnly(cache, cache.currentEpoch));
      } catch (e) {
        if (!(e instanceof Miss)) throw e;
      }
      const start = cache.currentEpoch;
      return db.snapshot((tx) => fn(recording(tx, start)));
    },
    listen: (channel, onPayload) => db.listen(channel, onPayload),
    close: () => db.close(),
  };
}
