// Process: test. Memory hygiene (DESIGN §5 "Memory"): after unlock, reveal, copy and lock, a
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

function runChild(stdin: Buffer, snapshot: string): Promise<{ code: number; out: string }> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'test', 'helpers', 'heap-child.ts'), srv.url, mkdtempSync(join(tmpdir(), 'tessera-heap-')), snapshot],
      { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? -1, out }));
    child.stdin.end(stdin);
  });
}

describe('heap after lock', () => {
  it('holds no trace of the revealed secret or the password', async () => {
    // Random markers, made fresh each run, so nothing else in the heap can match by chance.
    const valueBytes = Buffer.from(`canary-${Buffer.from(crypto.getRandomValues(new Uint8Array(12))).toString('hex')}`);
    const passwordBytes = Buffer.from(`pw-${Buffer.from(crypto.getRandomValues(new Uint8Array(12))).toString('hex')}`);
    const snapshot = join(mkdtempSync(join(tmpdir(), 'tessera-snap-')), 'core.heapsnapshot');
    const r = await runChild(Buffer.concat([passwordBytes, Buffer.from('\n'), valueBytes]), snapshot);
    expect(r.code, r.out).toBe(0);
    const heap = readFileSync(snapshot);
    expect(heap.length).toBeGreaterThan(1_000_000); // a real snapshot
    // The snapshot is really searchable: a string the child certainly holds is found.
    expect(heap.includes(Buffer.from('heap@example.test'))).toBe(true);
    for (const [label, needle] of [['secret value', valueBytes], ['password', passwordBytes]] as const) {
      const hex = needle.subarray(needle.length - 24);
      expect(heap.includes(needle), `${label} in the heap`).toBe(false);
      expect(heap.includes(hex), `${label} (its random part) in the heap`).toBe(false);
    }
  });
});
