// Process: test. Runs the real core in its own process for the heap-snapshot test: the
// canary value and the password arrive on stdin as bytes (never as JS strings in this
// process's source or argv), go through signup, save, lock, unlock, reveal and lock, and
// then the process writes a V8 heap snapshot for the parent to search.
import { writeSync } from 'node:fs';
import { writeHeapSnapshot } from 'node:v8';
import { DesktopCore } from '../../electron/core/desktop/desktop-core.ts';

const [server, profileDir, snapshotPath] = process.argv.slice(2) as [string, string, string];

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const input = await readStdin();
const sep = input.indexOf(0x0a);
const password = new Uint8Array(input.subarray(0, sep));
const canary = new Uint8Array(input.subarray(sep + 1));
input.fill(0);

let clipboardText = '';
const core = new DesktopCore({
  profileDir,
  clipboard: { readText: () => clipboardText, writeText: (t) => (clipboardText = t) },
  emit: () => {},
});
const svc = core.service;
await svc.signup({ server, email: 'heap@example.test', name: 'Heap', password });
await svc.createTeam('heap-team');
await svc.createVault('prod');
await svc.setSecret('prod/canary', canary);
canary.fill(0);
core.lock();

await svc.unlock(password);
password.fill(0);
core.afterUnlock();
// What the window does: reveal (the value reaches the renderer as a string) and copy. The
// answers are dropped here as the renderer drops them when the value is hidden.
async function revealAndCopy(): Promise<void> {
  const shown = await core.dispatch('secret.reveal', { ref: 'prod/canary' });
  if (!shown.ok) throw new Error('reveal failed');
  const copied = await core.dispatch('secret.copy', { ref: 'prod/canary' });
  if (!copied.ok) throw new Error('copy failed');
}
await revealAndCopy();
// The key bytes the core holds right now go to the parent on fd 3 as raw bytes (no string is
// made of them here); after lock every one of these buffers must read as zeros.
const held = svc.heldKeyBuffers();
for (const b of held) writeSync(3, Buffer.concat([Buffer.from([b.length]), b]));
core.lock();
if (held.some((b) => b.some((x) => x !== 0))) throw new Error('a key buffer survived lock unzeroed');
// The clipboard now holds nothing of ours (lock clears it); drop the fake's copy too.
clipboardText = '';
await new Promise((r) => setTimeout(r, 50));
writeHeapSnapshot(snapshotPath);
process.stdout.write('snapshot written\n');
process.exit(0);
