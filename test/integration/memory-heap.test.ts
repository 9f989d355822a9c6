// Process: test. Memory hygiene (docs/design.md "Memory"): after unlock, reveal, copy and lock, a
// V8 heap snapshot of the core process holds no trace of the secret value or the password.
// The core runs in a child process so this test's own strings cannot pollute the heap.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/server.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
let srv: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(async () => {
  await srv?.close();
});

function runChild(stdin: Buffer, snapshot: string): Promise<{ code: number; out: string; keys: Buffer[] }> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(ROOT, 'test', 'helpers', 'heap-child.ts'),
        srv.url,
        mkdtempSync(join(tmpdir(), 'tessera-heap-')),
        snapshot,
      ],
      { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe', 'pipe'] },
    );
    let out = '';
    const raw: Buffer[] = [];
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => raw.push(d));
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('error', fail);
    child.on('close', (code) => {
      const all = Buffer.concat(raw);
      const keys: Buffer[] = [];
      for (let i = 0; i < all.length; i += 1 + all[i]!) keys.push(all.subarray(i + 1, i + 1 + all[i]!));
      done({ code: code ?? -1, out, keys });
    });
    child.stdin.end(stdin);
  });
}

describe('heap after lock', () => {
  it('holds no trace of the revealed secret, the password or any key the core held', async () => {
    // Random markers, made fresh each run, so nothing else in the heap can match by chance.
    const valueBytes = Buffer.from(
      `canary-${Buffer.from(crypto.getRandomValues(new Uint8Array(12))).toString('hex')}`,
    );
    const passwordBytes = Buffer.from(
      `pw-${Buffer.from(crypto.getRandomValues(new Uint8Array(12))).toString('hex')}`,
    );
    const snapshot = join(mkdtempSync(join(tmpdir(), 'tessera-snap-')), 'core.heapsnapshot');
    const r = await runChild(Buffer.concat([passwordBytes, Buffer.from('\n'), valueBytes]), snapshot);
    expect(r.code, r.out).toBe(0);
    const heap = readFileSync(snapshot);
    expect(heap.length).toBeGreaterThan(1_000_000); // a real snapshot
    // The snapshot is really searchable: a string the child certainly holds is found.
    expect(heap.includes(Buffer.from('heap@example.test'))).toBe(true);
    // The vault, cache and account keys: the child checked each buffer reads zero after lock;
    // here, no copy of them survives anywhere the snapshot can see, raw, hex or base64url.
    expect(r.keys.length).toBeGreaterThanOrEqual(3);
    for (const key of r.keys) {
      for (const form of [key, Buffer.from(key.toString('hex')), Buffer.from(key.toString('base64url'))])
        expect(heap.includes(form), 'a key the core held is in the heap').toBe(false);
    }
    for (const [label, needle] of [
      ['secret value', valueBytes],
      ['password', passwordBytes],
    ] as const) {
      const hex = needle.subarray(needle.length - 24);
      expect(heap.includes(needle), `${label} in the heap`).toBe(false);
      expect(heap.includes(hex), `${label} (its random part) in the heap`).toBe(false);
    }
  });
});
