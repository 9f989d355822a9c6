// Process: test. The embedded engine's read cache (server/db-cache.ts) against a real PGlite:
// it must never answer with data a write has changed, whichever way the write arrives
// (plain statement, transaction, rolled-back transaction, script), even when reads and writes
// race; time-dependent and locking statements are never cached; shared rows are frozen.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify, type ReadCache, withReadCache } from '../../server/db-cache.ts';
import type { Database } from '../../server/db.ts';
import { openPglite } from '../../server/db-pglite.ts';

let raw: Database;
let db: Database & { cache: ReadCache };

beforeAll(async () => {
  raw = await openPglite();
  db = withReadCache(raw);
  await db.exec('CREATE TABLE kv (k int PRIMARY KEY, v int NOT NULL)');
  await db.exec('INSERT INTO kv SELECT g, 0 FROM generate_series(1, 8) g');
});
afterAll(async () => {
  await db?.close();
});

const READ_ONE = 'SELECT v FROM kv WHERE k = $1';
const READ_ALL = 'SELECT k, v FROM kv ORDER BY k';
const one = async (q: Pick<Database, 'query'>, k: number) =>
  (await q.query<{ v: number }>(READ_ONE, [k])).rows[0]?.v;
const all = async (q: Pick<Database, 'query'>) => (await q.query<{ k: number; v: number }>(READ_ALL)).rows;

describe('statement classification', () => {
  it.each([
    ['SELECT 1', { kind: 'cacheable', reads: [] }],
    ['  select v from kv where k = $1', { kind: 'cacheable', reads: ['kv'] }],
    [
      'SELECT s.a FROM sessions s JOIN users u ON u.id = s.user_id WHERE x IN (SELECT y FROM public.groups)',
      { kind: 'cacheable', reads: ['sessions', 'users', 'groups'] },
    ],
    [
      'SELECT id FROM items WHERE vault_id IN (SELECT value::uuid FROM jsonb_array_elements_text($1::jsonb))',
      { kind: 'cacheable', reads: ['items'] },
    ],
    ['SELECT a.x FROM kv a, other b WHERE a.k = b.k', { kind: 'read' }],
    ['SELECT s.expires_at <= now() FROM sessions s', { kind: 'read' }],
    ['SELECT gen_random_uuid()', { kind: 'read' }],
    ['SELECT CURRENT_TIMESTAMP', { kind: 'read' }],
    ['SELECT pg_notify($1, $2)', { kind: 'write', writes: [] }],
    ["SELECT nextval('revision_seq')", { kind: 'write', writes: [] }],
    ['SELECT pg_advisory_xact_lock($1)', { kind: 'write', writes: [] }],
    ['SELECT * FROM kv WHERE k = 1 FOR UPDATE', { kind: 'write', writes: [] }],
    ['UPDATE kv SET v = 1', { kind: 'write', writes: ['kv'] }],
    ['INSERT INTO kv VALUES (1, 1) ON CONFLICT (k) DO UPDATE SET v = 2', { kind: 'write', writes: ['kv'] }],
    // Deletes may cascade; statements with a target that is not plain could write anything.
    ['DELETE FROM kv', { kind: 'write', writes: null }],
    ['WITH x AS (UPDATE kv SET v = 1 RETURNING *) SELECT * FROM x', { kind: 'write', writes: null }],
    ['CREATE TABLE t (x int)', { kind: 'write', writes: null }],
  ])('%s', (sql, info) => {
    expect(classify(sql)).toEqual(info);
  });
});

describe('never stale', () => {
  it('serves a repeated read from memory, and a plain write is seen at once', async () => {
    expect(await one(db, 1)).toBe(0);
    const hits = db.cache.stats.hits;
    expect(await one(db, 1)).toBe(0);
    expect(db.cache.stats.hits).toBe(hits + 1);
    await db.query('UPDATE kv SET v = 7 WHERE k = 1');
    expect(await one(db, 1)).toBe(7);
  });

  it('a committed transaction is seen at once; a rolled-back one leaves nothing behind', async () => {
    await one(db, 2);
    await db.transaction(async (tx) => {
      await tx.query('UPDATE kv SET v = 5 WHERE k = 2');
    });
    expect(await one(db, 2)).toBe(5);
    await expect(
      db.transaction(async (tx) => {
        await tx.query('UPDATE kv SET v = 99 WHERE k = 2');
        // Read inside the transaction: sees its own row, which must not reach the cache.
        expect(await one(tx, 2)).toBe(99);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await one(db, 2)).toBe(5);
  });

  it('a script run through exec is seen at once', async () => {
    await one(db, 3);
    await db.exec('UPDATE kv SET v = 3 WHERE k = 3');
    expect(await one(db, 3)).toBe(3);
  });

  it('a snapshot is served whole from memory only while nothing was written', async () => {
    const snap = () => db.snapshot(async (q) => ({ a: await one(q, 4), rows: await all(q) }));
    const first = await snap();
    const hits = db.cache.stats.hits;
    expect(await snap()).toEqual(first);
    expect(db.cache.stats.hits).toBe(hits + 2);
    await db.query('UPDATE kv SET v = 44 WHERE k = 4');
    const after = await snap();
    expect(after.a).toBe(44);
    expect(after.rows.find((r) => r.k === 4)?.v).toBe(44);
  });

  it('a read in flight when a write begins is answered but not kept', async () => {
    await db.query('UPDATE kv SET v = 500 WHERE k = 5'); // nothing cached for k = 5 now
    const read = one(db, 5); // misses, queued on the connection before the write
    const write = db.query('UPDATE kv SET v = 501 WHERE k = 5');
    expect(await read).toBe(500);
    await write;
    expect(await one(db, 5)).toBe(501);
    const snap = db.snapshot((q) => one(q, 5));
    const write2 = db.query('UPDATE kv SET v = 502 WHERE k = 5');
    expect(await snap).toBe(501);
    await write2;
    expect(await db.snapshot((q) => one(q, 5))).toBe(502);
  });

  it('reads racing writes never leave a stale answer behind', async () => {
    // Writers bump one row at a time through every write path while readers hammer the
    // cache; once all settle, every cached answer must equal the database's.
    const ops: Promise<unknown>[] = [];
    for (let i = 0; i < 300; i++) {
      const k = 1 + (i % 8);
      switch (i % 6) {
        case 0:
          ops.push(db.query('UPDATE kv SET v = v + 1 WHERE k = $1', [k]));
          break;
        case 1:
          ops.push(db.transaction((tx) => tx.query('UPDATE kv SET v = v + 1 WHERE k = $1', [k])));
          break;
        case 2:
          ops.push(db.snapshot((q) => all(q)));
          break;
        default:
          ops.push(one(db, k), all(db));
      }
    }
    await Promise.all(ops);
    const truth = await all(raw);
    expect(await all(db)).toEqual(truth);
    for (const row of truth) expect(await one(db, row.k)).toBe(row.v);
    expect(await db.snapshot((q) => all(q))).toEqual(truth);
  });
});

describe('only what a write touched is read again', () => {
  it('a write to one table keeps the answers that do not read it', async () => {
    await db.exec('CREATE TABLE other (k int PRIMARY KEY, w int NOT NULL); INSERT INTO other VALUES (1, 10)');
    const readOther = () => db.query<{ w: number }>('SELECT w FROM other WHERE k = 1');
    await one(db, 6);
    await readOther();
    const hits = db.cache.stats.hits;
    await db.query('UPDATE other SET w = 11 WHERE k = 1');
    expect(await one(db, 6)).toBe((await one(raw, 6))!); // kv untouched: from memory
    expect(db.cache.stats.hits).toBe(hits + 1);
    expect((await readOther()).rows[0]!.w).toBe(11); // other: read again
  });

  it('a snapshot after a write takes the untouched answers from memory and reads the rest', async () => {
    const snap = () =>
      db.snapshot(async (q) => ({
        kv: await one(q, 7),
        other: (await q.query<{ w: number }>('SELECT w FROM other WHERE k = 1')).rows[0]!.w,
      }));
    await snap();
    await db.transaction((tx) => tx.query('UPDATE other SET w = w + 1 WHERE k = 1'));
    const hits = db.cache.stats.hits;
    const r = await snap();
    expect(r).toEqual({ kv: await one(raw, 7), other: 12 });
    expect(db.cache.stats.hits).toBeGreaterThan(hits);
  });

  it('a delete empties everything, so a cascade is never missed', async () => {
    await db.exec(`CREATE TABLE parent (id int PRIMARY KEY);
      CREATE TABLE child (id int PRIMARY KEY, parent int NOT NULL REFERENCES parent (id) ON DELETE CASCADE);
      INSERT INTO parent VALUES (1); INSERT INTO child VALUES (1, 1), (2, 1)`);
    const children = async () =>
      (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM child')).rows[0]!.n;
    expect(await children()).toBe(2);
    await db.query('DELETE FROM parent WHERE id = 1');
    expect(await children()).toBe(0);
  });
});

describe("the schema keeps the cache's assumptions", () => {
  // Invalidation follows the table a statement names. A trigger, a rule, a view, or an
  // ON UPDATE action would change (or read) rows of a table the statement does not name;
  // ON DELETE actions are covered because every DELETE empties the whole cache.
  const dir = join(import.meta.dirname, '..', '..', 'server', 'migrations');
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql'));

  it.each(files)('%s has no triggers, rules, views or ON UPDATE actions', (file) => {
    const sql = readFileSync(join(dir, file), 'utf8');
    expect(sql).not.toMatch(/\bcreate\s+(or\s+replace\s+)?(constraint\s+)?trigger\b/i);
    expect(sql).not.toMatch(/\bcreate\s+(or\s+replace\s+)?rule\b/i);
    expect(sql).not.toMatch(/\bcreate\s+(or\s+replace\s+)?(materialized\s+)?view\b/i);
    expect(sql).not.toMatch(/\bon\s+update\s+(cascade|set\s+null|set\s+default|restrict)\b/i);
  });
});

describe('answers that arrive after a write', () => {
  // PGlite answers strictly in order, so a read issued before a write always lands before it.
  // This scripted engine lets the test hold a read's answer back until a write has come and
  // gone, the order a slower engine (or a future PGlite) could produce.
  function scripted() {
    let value = 1;
    let reads = 0;
    const held: (() => void)[] = [];
    let hold = false;
    const engine: Database = {
      engine: 'pglite',
      async query<T>(sql: string) {
        if (/^update/i.test(sql)) {
          value++;
          return { rows: [] as T[] };
        }
        reads++;
        const answer = { rows: [{ v: value }] as T[] };
        if (!hold) return answer;
        return new Promise<{ rows: T[] }>((resolve) => held.push(() => resolve(answer)));
      },
      exec: async () => {},
      transaction: (fn) => fn(engine),
      snapshot: (fn) => fn(engine),
      listen: async () => async () => {},
      close: async () => {},
    };
    return {
      db: withReadCache(engine),
      reads: () => reads,
      holdReads: (on: boolean) => {
        hold = on;
      },
      release: () => {
        for (const r of held.splice(0)) r();
      },
    };
  }

  it('a read answered before a write but delivered after it is not kept', async () => {
    const s = scripted();
    s.holdReads(true);
    const late = s.db.query<{ v: number }>(READ_ONE, [1]);
    await s.db.query('UPDATE kv SET v = v + 1');
    s.release();
    expect((await late).rows[0]!.v).toBe(1); // the old answer, delivered late
    s.holdReads(false);
    expect((await s.db.query<{ v: number }>(READ_ONE, [1])).rows[0]!.v).toBe(2);
    expect(s.reads()).toBe(2);
  });
});

describe('what is never cached', () => {
  it('time-dependent statements go to the database every time', async () => {
    const t1 = (await db.query<{ t: string }>('SELECT clock_timestamp()::text AS t')).rows[0]!.t;
    await new Promise((r) => setTimeout(r, 5));
    const t2 = (await db.query<{ t: string }>('SELECT clock_timestamp()::text AS t')).rows[0]!.t;
    expect(t2).not.toBe(t1);
  });

  it('cached rows are frozen, so one caller cannot change what the next one sees', async () => {
    const rows = await all(db);
    const again = await all(db);
    expect(() => {
      (again[0] as { v: number }).v = -1;
    }).toThrow(TypeError);
    expect((await all(db))[0]).toEqual(rows[0]);
  });

  it('memory is bounded by rows held: a full cache starts over and stays exact', async () => {
    const tiny = withReadCache(raw, { maxTotalRows: 4 });
    for (let k = 1; k <= 8; k++) await one(tiny, k);
    const hits = tiny.cache.stats.hits;
    await one(tiny, 8); // still held
    expect(tiny.cache.stats.hits).toBe(hits + 1);
    await one(tiny, 1); // dropped when the cache started over
    expect(tiny.cache.stats.hits).toBe(hits + 1);
    expect(await all(tiny)).toEqual(await all(raw));
  });

  it('rows emptied by a write no longer count toward the bound', async () => {
    const tiny = withReadCache(raw, { maxTotalRows: 4 });
    const readOther = () => tiny.query('SELECT w FROM other WHERE k = 1');
    await readOther();
    for (let k = 1; k <= 3; k++) await one(tiny, k); // 4 rows held: full
    await tiny.query('UPDATE kv SET v = v WHERE k = 1'); // empties the 3 kv answers
    for (let k = 1; k <= 3; k++) await one(tiny, k); // fits again without starting over
    const hits = tiny.cache.stats.hits;
    await readOther();
    expect(tiny.cache.stats.hits).toBe(hits + 1);
  });

  it('large answers are not kept', async () => {
    const small = withReadCache(raw, { maxRows: 3 });
    await all(small);
    const hits = small.cache.stats.hits;
    await all(small);
    expect(small.cache.stats.hits).toBe(hits);
  });
});
