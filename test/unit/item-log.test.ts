// Process: test. The profile's append-only item store: a torn last write is dropped, damage
// anywhere earlier is refused, frames from another profile do not open, and a rewrite keeps
// exactly the live records; in the binary format 2 and in the JSON format 1 it replaced.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ItemRecord } from '../../shared/api.ts';
import { fromUtf8, utf8 } from '../../shared/encoding.ts';
import { ad } from '../../shared/formats.ts';
import { StoredEnvelope } from '../../electron/core/crypto/envelope.ts';
import {
  CryptoError,
  initSodium,
  openEnvelope,
  randomBytes,
  sealEnvelope,
  sealFrame,
} from '../../electron/core/crypto/index.ts';
import { appendLog, type LogEntry, readLog, rewriteLog } from '../../electron/core/profile/item-log.ts';
import { encodeItem } from '../../electron/core/vault/item-payload.ts';

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

// ---- format 2: binary records with raw envelopes --------------------------------------

const TEAM = '00000000-0000-4000-8000-0000000000aa';
const VAULT = '00000000-0000-4000-8000-000000000001';
const MAGIC = Uint8Array.of(0x89, 0x54, 0x4c, 0x47, 0x32, 0x0d, 0x0a, 0x0a);

/** A record whose envelope really opens under `vaultKey`, as one pulled from a server. */
function sealed(vaultKey: Uint8Array, id: string, version: number, value: string): ItemRecord {
  const payload = encodeItem({ name: `name-${id}` }, utf8(value));
  return {
    ...rec(id, version),
    envelope: sealEnvelope(vaultKey, payload, ad.item(TEAM, VAULT, id, 1, version)),
  };
}

/** What an earlier Tessera wrote: JSON frames under the plain log AD, no magic. */
function writeLegacy(path: string, entries: LogEntry[], frameAd = AD): void {
  const frames = entries.map((e) => sealFrame(key, utf8(JSON.stringify(e)), frameAd));
  writeFileSync(path, Buffer.concat(frames.flatMap((f) => [u32(f.length), f])));
}
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
const wire = (x: unknown) => JSON.parse(JSON.stringify(x));

describe('item log, format 2', () => {
  it('keeps nonce and ciphertext as raw bytes that still open, and serialise as the wire envelope', () => {
    const vk = randomBytes(32);
    const p = fresh();
    const r1 = sealed(vk, 'i1', 3, 'value-one');
    appendLog(p, key, AD, [{ team: TEAM, put: [r1], drop: ['gone'] }]);
    const bytes = readFileSync(p);
    expect(bytes.subarray(0, MAGIC.length)).toEqual(Buffer.from(MAGIC));
    // No base64 in the file: the raw nonce is not written as text anywhere.
    const log = readLog(p, key, AD);
    expect(log).toMatchObject({ frames: 1, records: 2, damagedTail: false, legacy: false });
    const back = log.entries[0]!.put[0]!;
    expect(back.envelope).toBeInstanceOf(StoredEnvelope);
    expect(wire(back)).toEqual(wire(r1));
    expect(back.envelope.ct).toBe(r1.envelope.ct);
    expect(log.entries[0]!.drop).toEqual(['gone']);
    const plain = openEnvelope(vk, back.envelope, ad.item(TEAM, VAULT, 'i1', 1, 3));
    expect(fromUtf8(plain).endsWith('value-one')).toBe(true);
    // The AD is still enforced on the raw path.
    expect(() => openEnvelope(vk, back.envelope, ad.item(TEAM, VAULT, 'i1', 1, 4))).toThrow(CryptoError);
    // A stored envelope cannot be relabelled as another version.
    expect(() => {
      (back.envelope as { v: number }).v = 2;
    }).toThrow(TypeError);
    expect(Object.keys(wire(back.envelope))).toEqual(['v', 'alg', 'nonce', 'ct']);
  });

  it('rewrites records it loaded, and stores odd records as JSON without losing them', () => {
    const vk = randomBytes(32);
    const p = fresh();
    const odd = { ...rec('odd', 2), revision: 1.5 } as ItemRecord;
    appendLog(p, key, AD, [{ team: TEAM, put: [sealed(vk, 'i1', 1, 'a'), odd], drop: [] }]);
    const first = readLog(p, key, AD).entries[0]!.put;
    rewriteLog(p, key, AD, [{ team: TEAM, put: first, drop: [] }]);
    const again = readLog(p, key, AD).entries[0]!.put;
    expect(wire(again)).toEqual(wire(first));
    expect(again[1]).toEqual(odd);
    expect(again[0]!.envelope).toBeInstanceOf(StoredEnvelope);
  });

  it('drops a torn last frame, and a torn first write of the magic', () => {
    const vk = randomBytes(32);
    const p = fresh();
    appendLog(p, key, AD, [{ team: TEAM, put: [sealed(vk, 'i1', 1, 'a')], drop: [] }]);
    appendLog(p, key, AD, [{ team: TEAM, put: [sealed(vk, 'i1', 2, 'b')], drop: [] }]);
    const whole = readFileSync(p);
    for (const cut of [1, 7, 30]) {
      writeFileSync(p, whole.subarray(0, whole.length - cut));
      const log = readLog(p, key, AD);
      expect(log.damagedTail).toBe(true);
      expect(log.entries.map((e) => e.put[0]?.version)).toEqual([1]);
    }
    writeFileSync(p, whole.subarray(0, 5));
    expect(readLog(p, key, AD)).toMatchObject({ entries: [], damagedTail: true });
  });

  it('refuses a tampered frame before the last one', () => {
    const vk = randomBytes(32);
    const p = fresh();
    appendLog(p, key, AD, [{ team: TEAM, put: [sealed(vk, 'i1', 1, 'a')], drop: [] }]);
    appendLog(p, key, AD, [{ team: TEAM, put: [sealed(vk, 'i1', 2, 'b')], drop: [] }]);
    const bytes = readFileSync(p);
    bytes[MAGIC.length + 60] = (bytes[MAGIC.length + 60] ?? 0) ^ 1;
    writeFileSync(p, bytes);
    expect(() => readLog(p, key, AD)).toThrow(/damaged before its last write/);
  });

  it('does not accept a format-1 frame spliced into a format-2 file', () => {
    const p = fresh();
    const legacy = fresh();
    appendLog(p, key, AD, [{ team: TEAM, put: [rec('a', 1)], drop: [] }]);
    writeLegacy(legacy, [{ team: TEAM, put: [rec('b', 1)], drop: [] }]);
    writeFileSync(
      p,
      Buffer.concat([readFileSync(p), readFileSync(legacy), readFileSync(p).subarray(MAGIC.length)]),
    );
    expect(() => readLog(p, key, AD)).toThrow(/damaged before its last write/);
  });
});

describe('item log, format 1 (written by an earlier Tessera)', () => {
  it('still loads, says so, and is never appended to', () => {
    const vk = randomBytes(32);
    const p = fresh();
    const r1 = sealed(vk, 'i1', 1, 'a');
    writeLegacy(p, [
      { team: TEAM, put: [r1, rec('b', 1)], drop: [] },
      { team: TEAM, put: [], drop: ['b'] },
    ]);
    const log = readLog(p, key, AD);
    expect(log).toMatchObject({ frames: 2, records: 3, legacy: true, damagedTail: false });
    expect(log.entries[0]!.put[0]).toEqual(r1);
    expect(() => appendLog(p, key, AD, [{ team: TEAM, put: [rec('c', 1)], drop: [] }])).toThrow(/rewritten/);
    // A rewrite turns it into format 2 with the same records.
    rewriteLog(p, key, AD, [{ team: TEAM, put: [r1], drop: [] }]);
    const after = readLog(p, key, AD);
    expect(after.legacy).toBe(false);
    expect(wire(after.entries[0]!.put)).toEqual(wire([r1]));
  });

  it('keeps the old rules: torn last frame dropped, earlier damage refused', () => {
    const p = fresh();
    writeLegacy(p, [
      { team: TEAM, put: [rec('a', 1)], drop: [] },
      { team: TEAM, put: [rec('a', 2)], drop: [] },
    ]);
    const whole = readFileSync(p);
    writeFileSync(p, whole.subarray(0, whole.length - 3));
    expect(readLog(p, key, AD)).toMatchObject({ legacy: true, damagedTail: true });
    const bad = Buffer.from(whole);
    bad[40] = (bad[40] ?? 0) ^ 1;
    writeFileSync(p, bad);
    expect(() => readLog(p, key, AD)).toThrow(/damaged before its last write/);
  });
});
