// Process: test. Sync behaviour a team relies on: concurrent edits keep both values, edits
// made offline are kept and delivered later, and a change reaches an open client through
// the push channel within a second.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytes, formTeam, type Person, signUp, text } from '../helpers/people.ts';
import { type RestartableServer, startRestartableServer } from '../helpers/restartable-server.ts';

let srv: RestartableServer;
let alice: Person;
let bob: Person;

beforeAll(async () => {
  srv = await startRestartableServer();
  alice = await signUp(srv.url, 'alice');
  bob = await signUp(srv.url, 'bob');
  await formTeam(alice, 'acme', [{ person: bob, role: 'member' }]);
  await alice.svc.createVault('prod');
  await alice.svc.setSecret('prod/api-key', bytes('v1-from-alice'));
  await alice.svc.shareVault('prod', bob.email, 'edit');
  await bob.svc.sync();
});

afterAll(async () => {
  alice?.svc.lock();
  bob?.svc.lock();
  await srv?.destroy();
});

describe('conflicts', () => {
  it('two edits from the same version: one conflicts, both values survive and are visible to both', async () => {
    // Both start from version 1. Alice's edit lands first.
    await alice.svc.setSecret('prod/api-key', bytes('v2-from-alice'));
    const r = await bob.svc.setSecret('prod/api-key', bytes('v2-from-bob'));
    expect(r.conflicts).toHaveLength(1);
    expect(r.conflicts[0]?.name).toBe('api-key');
    const keptAs = r.conflicts[0]!.keptAs;
    expect(keptAs).toMatch(/^api-key \(conflict bob@example.test /);

    for (const p of [alice, bob]) {
      await p.svc.sync();
      expect(text(p.svc.getSecret('prod/api-key'))).toBe('v2-from-alice');
      expect(text(p.svc.getSecret(`prod/${keptAs}`))).toBe('v2-from-bob');
      const listed = p.svc.listSecrets('prod');
      expect(listed.find((s) => s.name === keptAs)?.conflictOf).toBe(listed.find((s) => s.name === 'api-key')?.id);
    }
  });
});

describe('offline', () => {
  it('reads come from the local vault and a queued write reaches the other member once the server is back', async () => {
    await srv.stop();
    // Reads work from the encrypted local vault.
    const r1 = await bob.svc.sync();
    expect(r1.offline).toBe(true);
    expect(text(bob.svc.getSecret('prod/api-key'))).toBe('v2-from-alice');
    // A write is accepted, kept encrypted, and waits.
    const w = await bob.svc.setSecret('prod/api-key', bytes('v3-written-offline'));
    expect(w).toMatchObject({ offline: true, remaining: 1, pushed: 0 });
    expect(text(bob.svc.getSecret('prod/api-key'))).toBe('v3-written-offline');
    expect(bob.svc.listSecrets('prod').find((s) => s.name === 'api-key')?.pending).toBe(true);

    // The queue survives locking and a new process: it lives in the encrypted profile.
    bob.svc.lock();
    const canary = 'v3-written-offline';
    for (const f of readdirSync(bob.profileDir)) {
      expect(readFileSync(join(bob.profileDir, f)).includes(canary)).toBe(false);
    }
    await bob.svc.unlock(bob.password());
    expect(text(bob.svc.getSecret('prod/api-key'))).toBe(canary);

    await srv.start();
    const r2 = await bob.svc.sync();
    expect(r2).toMatchObject({ offline: false, pushed: 1, remaining: 0 });
    await alice.svc.sync();
    expect(text(alice.svc.getSecret('prod/api-key'))).toBe(canary);
  });

  it('a second offline edit to the same item replaces the first and still lands as one version', async () => {
    await srv.stop();
    await bob.svc.setSecret('prod/api-key', bytes('offline-1'));
    await bob.svc.setSecret('prod/api-key', bytes('offline-2'));
    await bob.svc.setSecret('prod/new-one', bytes('created-offline'));
    await srv.start();
    const r = await bob.svc.sync();
    expect(r).toMatchObject({ pushed: 2, remaining: 0, conflicts: [] });
    await alice.svc.sync();
    expect(text(alice.svc.getSecret('prod/api-key'))).toBe('offline-2');
    expect(text(alice.svc.getSecret('prod/new-one'))).toBe('created-offline');
  });
});

describe('offline across a re-key', () => {
  it('an edit made before a re-key lands on top of it, without a spurious conflict', async () => {
    const carol = await signUp(srv.url, 'carol');
    await carol.svc.accept(await alice.svc.invite(carol.email, 'member'));
    await alice.svc.confirm(carol.email, carol.svc.whoami().fingerprint);
    await alice.svc.shareVault('prod', carol.email, 'view');
    await bob.svc.sync();
    await srv.stop();
    await bob.svc.setSecret('prod/api-key', bytes('edited-before-rekey'));
    await srv.start();
    const r = await alice.svc.unshareVault('prod', carol.email);
    expect(r.generation).toBeGreaterThan(1);
    const pushed = await bob.svc.sync();
    expect(pushed).toMatchObject({ pushed: 1, remaining: 0, conflicts: [] });
    await alice.svc.sync();
    expect(text(alice.svc.getSecret('prod/api-key'))).toBe('edited-before-rekey');
    carol.svc.lock();
  });

  it('a real concurrent change is still a conflict', async () => {
    await srv.stop();
    await bob.svc.setSecret('prod/api-key', bytes('bob-offline-again'));
    await srv.start();
    await alice.svc.setSecret('prod/api-key', bytes('alice-meanwhile'));
    const r = await bob.svc.sync();
    expect(r.conflicts).toHaveLength(1);
    await alice.svc.sync();
    expect(text(alice.svc.getSecret('prod/api-key'))).toBe('alice-meanwhile');
    expect(text(alice.svc.getSecret(`prod/${r.conflicts[0]!.keptAs}`))).toBe('bob-offline-again');
  });
});

describe('lock', () => {
  it('zeroes every key the core holds and refuses reads until unlocked', async () => {
    await bob.svc.sync();
    const value = bob.svc.getSecret('prod/api-key');
    value.fill(0);
    const held = bob.svc.heldKeyBuffers();
    // account box + sign secret keys, the cache key, and at least one vault key
    expect(held.length).toBeGreaterThanOrEqual(4);
    expect(held.every((b) => b.some((x) => x !== 0))).toBe(true);
    bob.svc.lock();
    expect(held.every((b) => b.every((x) => x === 0))).toBe(true);
    expect(() => bob.svc.getSecret('prod/api-key')).toThrow(/locked/);
    await bob.svc.unlock(bob.password());
    expect(bob.svc.listSecrets('prod').length).toBeGreaterThan(0);
  });
});

describe('push channel', () => {
  it('an edit by one member reaches another open client within a second', async () => {
    const seen: number[] = [];
    let resolve!: (ms: number) => void;
    const arrived = new Promise<number>((r) => {
      resolve = r;
    });
    let started = 0;
    const stop = bob.svc.watch(undefined, () => {
      try {
        if (text(bob.svc.getSecret('prod/pushed')) === 'via-push') resolve(performance.now() - started);
      } catch {
        seen.push(Date.now());
      }
    });
    try {
      await new Promise((r) => setTimeout(r, 300)); // let the stream connect
      started = performance.now();
      await alice.svc.setSecret('prod/pushed', bytes('via-push'));
      const ms = await Promise.race([arrived, new Promise<number>((r) => setTimeout(() => r(Number.POSITIVE_INFINITY), 5000))]);
      expect(ms).toBeLessThan(1000);
    } finally {
      stop();
    }
  });
});
