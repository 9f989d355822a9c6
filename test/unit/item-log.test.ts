// Process: test. The profile's append-only item store: a torn last write is dropped, damage
// anywhere earlier is refused, frames from another profile do not open, and a rewrite keeps
// exactly the live records.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ItemRecord } from '../../shared/api.ts';
import { initSodium, randomBytes } from '../../electron/core/crypto/index.ts';
import { appendLog, readLog, rewriteLog } from '../../electron/core/profile/item-log.ts';

const AD = 'tessera/v1/profile-cache|u1|items';
let key: Uint8Array;

const rec = (id: string, version: number): ItemRecord => ({
  id,
  vault: '00000000-0000-4000-8000-000000000001',
  version,
  generation: 1,
  envelope: { v: 1, alg: 'xchacha20poly1305-ietf', nonce: 'n', ct: 'c' },
  deleted: false,
  revision: version,
  updatedBy: '00000000-0000-4000-8000-000000000002',
  updatedAt: '2026-11-23T00:00:00Z',
});

beforeAll(async () => {
  await initSodium();
  key = randomBytes(32);
});

function fresh() {
  return join(mkdtempSync(join(tmpdir(), 'tessera-log-')), 'items.log');
}

describe('item log', () => {
  it('replays appended frames in order', () => {
    const p = fresh();
    appendLog(p, key, AD, [{ team: 't', put: [rec('a', 1), rec('b', 1)], drop: [] }]);
    appendLog(p, key, AD, [{ team: 't', put: [rec('a', 2)], drop: ['b'] }]);
    const log = readLog(p, key, AD);
    expect(log.frames).toBe(2);
    expect(log.records).toBe(4);
    expect(log.damagedTail).toBe(false);
    expect(log.entries.map((e) => e.put.map((r) => `${r.id}${r.version}`).join())).toEqual(['a1,b1', 'a2']);
  });

  it('drops a torn last frame and reports it', () => {
    const p = fresh();
    appendLog(p, key, AD, [{ team: 't', put: [rec('a', 1)], drop: [] }]);
    appendLog(p, key, AD, [{ team: 't', put: [rec('a', 2)], drop: [] }]);
    const whole = readFileSync(p);
    writeFileSync(p, whole.subarray(0, whole.length - 7));
    const log = readLog(p, key, AD);
    expect(log.damagedTail).toBe(true);
    expect(log.entries).toHaveLength(1);
  });

  it('refuses damage before the last frame', () => {
    const p = fresh();
    appendLog(p, key, AD, [{ team: 't', put: [rec('a', 1)], drop: [] }]);
    appendLog(p, key, AD, [{ team: 't', put: [rec('a', 2)], drop: [] }]);
    const bytes = readFileSync(p);
    bytes[40] = (bytes[40] ?? 0) ^ 1;
    writeFileSync(p, bytes);
    expect(() => readLog(p, key, AD)).toThrow(/damaged before its last write/);
  });

  it('does not open with another key or another profile', () => {
    const p = fresh();
    appendLog(p, key, AD, [{ team: 't', put: [rec('a', 1)], drop: [] }]);
    appendLog(p, key, AD, [{ team: 't', put: [rec('a', 2)], drop: [] }]);
    expect(() => readLog(p, randomBytes(32), AD)).toThrow();
    expect(() => readLog(p, key, 'tessera/v1/profile-cache|u2|items')).toThrow();
  });

  it('a rewrite replaces everything with the live records', () => {
    const p = fresh();
    for (let v = 1; v <= 5; v++) appendLog(p, key, AD, [{ team: 't', put: [rec('a', v)], drop: [] }]);
    rewriteLog(p, key, AD, [{ team: 't', put: [rec('a', 5)], drop: [] }]);
    const log = readLog(p, key, AD);
    expect(log.frames).toBe(1);
    expect(log.entries[0]?.put).toEqual([rec('a', 5)]);
  });
});
