// Process: server (team server; plain Node).
// A read cache for a database this process owns alone: the embedded PGlite, whose data folder
// no other process may open (data-dir-lock.ts). Every write passes through this wrapper, so
// the cache needs no time-to-live and is never stale. Its one invariant: while no write is
// in flight, every answer it holds equals what the database would answer now.
//
// How: each statement text is classified once. A cacheable read (a plain SELECT whose answer
// depends only on the data: no now(), random(), sequences, locks or notifications) lists the
// tables it reads; a write lists the table it changes. A write empties the answers of every
// statement that reads its table when it starts and again when it ends (a transaction: each
// table as it is written, and all of them at the end). A DELETE, or any statement whose target
// is not plain, empties everything, which also covers ON DELETE CASCADE. While any write is in
// flight nothing is served or stored, and an answer whose tables were written while it was
// being read is not kept. So after one member changes an item, the next pull of every other
// member still finds its session, membership and access answers in memory and reads only the
// item and team rows again; the members after it find those too.
//
// Inside a transaction nothing is served from or stored in the cache (it may see its own
// uncommitted rows). Read-only multi-statement work goes through snapshot(): served whole
// from memory if every answer is there, otherwise run in a REPEATABLE READ transaction that
// still takes what memory holds, provided no write started or ended meanwhile. A real
// PostgreSQL may be shared by several server processes, so it is never wrapped.
import type { Database, Queryable } from './db.ts';

export interface ReadCacheOptions {
  /** Rows held in all, across answers, before the cache starts over. Memory is bounded by
   *  rows (an item row is ~2.5 KB, so the default holds at most ~40 MB). */
  maxTotalRows?: number;
  /** Answers with more rows than this are not kept (full pulls would only churn memory). */
  maxRows?: number;
}

type Rows = { rows: unknown[] };

const SELECT = /^\s*select\b/i;
// Functions and clauses whose answer is not a function of the data alone.
const VOLATILE =
  /\b(now|random|gen_random_uuid|nextval|setval|currval|clock_timestamp|statement_timestamp|transaction_timestamp|timeofday|pg_notify|pg_advisory\w*|pg_try_advisory\w*|txid_\w+|pg_current_\w+)\s*\(|\bcurrent_(timestamp|date|time)\b|\blocaltime(stamp)?\b/i;
// A SELECT with these has effects: a notification, a sequence step, a lock.
const EFFECTS =
  /\b(pg_notify|nextval|setval|pg_advisory\w*|pg_try_advisory\w*)\s*\(|\bfor\s+(update|share|no\s+key\s+update|key\s+share)\b/i;
// Every relation named after FROM or JOIN; a name followed by "(" is a function, not a table.
const SOURCES = /\b(?:from|join)\s+([a-z_][a-z0-9_.]*)\b(?!\s*\()/gi;
// "FROM a, b" or "FROM a x, b": the second table would be missed, so such reads are not cached.
const COMMA_JOIN = /\bfrom\s+[a-z_][a-z0-9_.]*(\s+(as\s+)?[a-z_][a-z0-9_]*)?\s*,/i;
const INSERT = /^\s*insert\s+into\s+([a-z_][a-z0-9_.]*)/i;
const UPDATE = /^\s*update\s+(?:only\s+)?([a-z_][a-z0-9_.]*)/i;

const bare = (name: string) => name.toLowerCase().split('.').pop()!;

export type StatementInfo =
  /** Served from memory; `reads` lists every table the answer depends on. */
  | { kind: 'cacheable'; reads: readonly string[] }
  /** A read whose answer may change without a write (time, randomness): always to the database. */
  | { kind: 'read' }
  /** Changes `writes` (null: possibly anything), or has effects (then writes is empty). */
  | { kind: 'write'; writes: readonly string[] | null };

export function classify(sql: string): StatementInfo {
  if (SELECT.test(sql)) {
    if (EFFECTS.test(sql)) return { kind: 'write', writes: [] };
    if (VOLATILE.test(sql) || COMMA_JOIN.test(sql)) return { kind: 'read' };
    const reads = [...new Set(Array.from(sql.matchAll(SOURCES), (m) => bare(m[1]!)))];
    return { kind: 'cacheable', reads };
  }
  const target = INSERT.exec(sql) ?? UPDATE.exec(sql);
  return { kind: 'write', writes: target ? [bare(target[1]!)] : null };
}

interface Statement {
  readonly info: StatementInfo;
  /** Moves whenever a write may have changed what this statement reads. */
  generation: number;
  answers: Map<string, Rows>;
  /** Rows held by `answers`, counted toward the cache's bound. */
  rows: number;
}

/** Raised inside a memory-only snapshot attempt when an answer is not in the cache. */
class Miss extends Error {}

export class ReadCache {
  private readonly statements = new Map<string, Statement>();
  private readonly readersOf = new Map<string, Set<Statement>>();
  private inFlight = 0;
  /** Moves at every write's start and end: a snapshot that saw it stand still saw no write. */
  private clock = 0;
  private rowsHeld = 0;
  private readonly maxTotalRows: number;
  private readonly maxRows: number;
  /** For tests and the benchmark: how answers were found. */
  readonly stats = { hits: 0, misses: 0, invalidations: 0 };

  constructor(opts: ReadCacheOptions = {}) {
    this.maxTotalRows = opts.maxTotalRows ?? 16_384;
    this.maxRows = opts.maxRows ?? 1_024;
  }

  statement(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = { info: classify(sql), generation: 0, answers: new Map(), rows: 0 };
      // Texts are constants in the code; a flood of distinct ones would only go unremembered.
      if (this.statements.size < 10_000) {
        this.statements.set(sql, s);
        if (s.info.kind === 'cacheable') {
          for (const t of s.info.reads) {
            const set = this.readersOf.get(t) ?? new Set<Statement>();
            this.readersOf.set(t, set);
            set.add(s);
          }
        }
      }
    }
    return s;
  }

  /** True while no write is in flight and none started or ended since `clock`. */
  quietSince(clock: number): boolean {
    return this.inFlight === 0 && this.clock === clock;
  }

  get now(): number {
    return this.clock;
  }

  beginWrite(writes: readonly string[] | null): void {
    this.inFlight++;
    this.invalidate(writes);
  }

  endWrite(writes: readonly string[] | null): void {
    this.inFlight--;
    this.invalidate(writes);
  }

  /** Empties what a write to these tables (null: to anything) may have changed. */
  invalidate(writes: readonly string[] | null = null): void {
    this.clock++;
    this.stats.invalidations++;
    if (writes === null) this.forgetAll();
    else for (const t of writes) for (const s of this.readersOf.get(t) ?? []) this.forget(s);
  }

  private forget(s: Statement): void {
    s.generation++;
    if (s.answers.size === 0) return;
    s.answers = new Map();
    this.rowsHeld -= s.rows;
    s.rows = 0;
  }

  private forgetAll(): void {
    for (const s of this.statements.values()) this.forget(s);
  }

  get(s: Statement, params: string): Rows | undefined {
    const hit = this.inFlight === 0 ? s.answers.get(params) : undefined;
    if (hit) this.stats.hits++;
    else this.stats.misses++;
    return hit;
  }

  /** Keeps an answer, unless a write is in flight or one touched its tables since `generation`. */
  put(s: Statement, params: string, generation: number, rows: Rows): void {
    if (this.inFlight > 0 || s.generation !== generation || rows.rows.length > this.maxRows) return;
    const n = Math.max(1, rows.rows.length);
    // Simpler than LRU and enough: a full cache starts over, the next reads refill it.
    if (this.rowsHeld + n > this.maxTotalRows) this.forgetAll();
    const replaced = s.answers.get(params);
    const delta = n - (replaced ? Math.max(1, replaced.rows.length) : 0);
    s.rows += delta;
    this.rowsHeld += delta;
    s.answers.set(params, deepFreeze(rows));
  }
}

const paramsKey = (params?: unknown[]) => (params?.length ? JSON.stringify(params) : '');

// Cached rows are shared by every later caller: freezing makes an accidental mutation throw
// instead of silently changing what the next request sees.
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value) && !ArrayBuffer.isView(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** A snapshot's first pass: every answer from memory, with no write starting or ending. */
class MemoryOnly implements Queryable {
  constructor(
    private readonly cache: ReadCache,
    private readonly clock: number,
  ) {}

  async query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }> {
    const s = this.cache.statement(sql);
    if (s.info.kind !== 'cacheable' || !this.cache.quietSince(this.clock)) throw new Miss();
    const hit = this.cache.get(s, paramsKey(params));
    if (!hit) throw new Miss();
    return hit as { rows: T[] };
  }

  async exec(): Promise<void> {
    throw new Miss();
  }
}

/** A snapshot's second pass, inside a REPEATABLE READ transaction: answers memory holds are
 *  taken while no write has started or ended since the transaction began (then they equal
 *  what the transaction would read); the rest are read and kept on the same condition. */
class MemoryThenDatabase implements Queryable {
  constructor(
    private readonly cache: ReadCache,
    private readonly tx: Queryable,
    private readonly clock: number,
  ) {}

  async query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }> {
    const s = this.cache.statement(sql);
    if (s.info.kind !== 'cacheable') return this.tx.query<T>(sql, params);
    const key = paramsKey(params);
    if (this.cache.quietSince(this.clock)) {
      const hit = this.cache.get(s, key);
      if (hit) return hit as { rows: T[] };
    }
    const generation = s.generation;
    const r = await this.tx.query<T>(sql, params);
    if (this.cache.quietSince(this.clock)) this.cache.put(s, key, generation, r);
    return r;
  }

  exec(sql: string): Promise<void> {
    return this.tx.exec(sql);
  }
}

/** Wraps a database this process owns exclusively with a never-stale read cache. */
export function withReadCache(db: Database, opts: ReadCacheOptions = {}): Database & { cache: ReadCache } {
  const cache = new ReadCache(opts);

  async function query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }> {
    const s = cache.statement(sql);
    const info = s.info;
    if (info.kind === 'cacheable') {
      const key = paramsKey(params);
      const hit = cache.get(s, key);
      if (hit) return hit as { rows: T[] };
      const generation = s.generation;
      const r = await db.query<T>(sql, params);
      cache.put(s, key, generation, r);
      return r;
    }
    if (info.kind === 'read') return db.query<T>(sql, params);
    cache.beginWrite(info.writes);
    try {
      return await db.query<T>(sql, params);
    } finally {
      cache.endWrite(info.writes);
    }
  }

  async function transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    // Tables are learnt as the transaction writes them; all are emptied again at the end.
    let written: Set<string> | null = new Set();
    const note = (writes: readonly string[] | null) => {
      cache.invalidate(writes);
      if (writes === null) written = null;
      else for (const t of writes) written?.add(t);
    };
    cache.beginWrite([]);
    try {
      return await db.transaction((tx) =>
        fn({
          query<R>(sql: string, params?: unknown[]) {
            const info = cache.statement(sql).info;
            if (info.kind === 'write') note(info.writes);
            return tx.query<R>(sql, params);
          },
          exec(sql: string) {
            note(null);
            return tx.exec(sql);
          },
        }),
      );
    } finally {
      cache.endWrite(written === null ? null : [...written]);
    }
  }

  return {
    engine: db.engine,
    cache,
    query,
    async exec(sql) {
      cache.beginWrite(null);
      try {
        await db.exec(sql);
      } finally {
        cache.endWrite(null);
      }
    },
    transaction,
    async snapshot(fn) {
      if (cache.quietSince(cache.now)) {
        try {
          return await fn(new MemoryOnly(cache, cache.now));
        } catch (e) {
          if (!(e instanceof Miss)) throw e;
        }
      }
      return db.snapshot((tx) => fn(new MemoryThenDatabase(cache, tx, cache.now)));
    },
    listen: (channel, onPayload) => db.listen(channel, onPayload),
    close: () => db.close(),
  };
}
