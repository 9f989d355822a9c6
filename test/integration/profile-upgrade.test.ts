// Process: test. A profile whose item log an earlier Tessera wrote (format 1: JSON frames)
// opens, is rewritten in format 2 on that first unlock, and keeps everything: cached items,
// and the edits made offline that still wait in the queue reach the server afterwards.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utf8 } from '../../shared/encoding.ts';
import { ad } from '../../shared/formats.ts';
import { sealFrame, sealJson } from '../../electron/core/crypto/index.ts';
import type { TesseraService } from '../../electron/core/service/service.ts';
import type { Unlocked } from '../../electron/core/profile/unlocked.ts';
import { bytes, formTeam, type Person, signUp, text } from '../helpers/people.ts';
import { type RestartableServer, startRestartableServer } from '../helpers/restartable-server.ts';

const MAGIC = Buffer.from([0x89, 0x54, 0x4c, 0x47, 0x32, 0x0d, 0x0a, 0x0a]);
let srv: RestartableServer;
let alice: Person;
let bob: Person;

beforeAll(async () => {
  srv = await startRestartableServer();
  alice = await signUp(srv.url, 'alice');
  bob = await signUp(srv.url, 'bob');
  await formTeam(alice, 'acme', [{ person: bob, role: 'member' }]);
  await alice.svc.createVault('prod');
  for (const n of ['one', 'two', 'three']) await alice.svc.setSecret(`prod/${n}`, bytes(`${n}-v1`));
  await alice.svc.shareVault('prod', bob.email, 'edit');
  await bob.svc.sync();
});

afterAll(async () => {
  alice?.svc.lock();
  bob?.svc.lock();
  await srv?.destroy();
});

/** Replaces the profile's item log with what the previous release wrote for the same records. */
function downgradeLog(svc: TesseraService, dir: string): void {
  const u = (svc as unknown as { u: Unlocked }).u;
  const frameAd = `${ad.profileCache(u.userId)}|items`;
  const frames = Object.entries(u.cache.teams).map(([team, t]) =>
    sealFrame(
      u.keyring.cacheKey,
      utf8(JSON.stringify({ team, put: Object.values(t.items), drop: [] })),
      frameAd,
    ),
  );
  const parts = frames.flatMap((f) => {
    const len = Buffer.alloc(4);
    len.writeUInt32LE(f.length);
    return [len, f];
  });
  writeFileSync(join(dir, 'items.log'), Buffer.concat(parts));
}

const listing = (p: Person) =>
  p.svc.listSecrets('prod').map((s) => `${s.name}:${s.version}:${s.pending ? 'pending' : 'synced'}`);

describe('upgrading a profile', () => {
  it('migrates a format-1 item log on first unlock without losing cached items or queued edits', async () => {
    await srv.stop();
    const w1 = await bob.svc.setSecret('prod/two', bytes('two-edited-offline'));
    const w2 = await bob.svc.setSecret('prod/four', bytes('four-created-offline'));
    expect([w1.offline, w2.offline, w2.remaining]).toEqual([true, true, 2]);
    const before = listing(bob);
    expect(before).toContain('two:2:pending');
    expect(before).toContain('four:1:pending');

    downgradeLog(bob.svc, bob.profileDir);
    bob.svc.lock();
    const log = () => readFileSync(join(bob.profileDir, 'items.log'));
    expect(log().subarray(0, MAGIC.length).equals(MAGIC)).toBe(false);

    await bob.svc.unlock(bob.password());
    expect(log().subarray(0, MAGIC.length).equals(MAGIC)).toBe(true);
    expect(listing(bob)).toEqual(before);
    expect(text(bob.svc.getSecret('prod/one'))).toBe('one-v1');
    expect(text(bob.svc.getSecret('prod/two'))).toBe('two-edited-offline');

    // The migrated log opens again on the fast path, with the same content.
    bob.svc.lock();
    await bob.svc.unlock(bob.password());
    expect(listing(bob)).toEqual(before);
    expect(text(bob.svc.getSecret('prod/three'))).toBe('three-v1');

    await srv.start();
    const r = await bob.svc.sync();
    expect(r).toMatchObject({ offline: false, pushed: 2, remaining: 0 });
    await alice.svc.sync();
    expect(text(alice.svc.getSecret('prod/two'))).toBe('two-edited-offline');
    expect(text(alice.svc.getSecret('prod/four'))).toBe('four-created-offline');
  });

  it('a profile from before the signed team chain is refused with a message that says what to do', async () => {
    const u = (alice.svc as unknown as { u: Unlocked }).u;
    // What such a release wrote: format 2 of the state, with a pinned root and a directory.
    const old = {
      v: 2,
      session: null,
      teams: { x: { pinned: {}, directory: [], grants: [], cursor: 0, vaults: {}, queue: [] } },
    };
    const envelope = sealJson(u.keyring.cacheKey, old, ad.profileCache(u.userId));
    alice.svc.lock();
    writeFileSync(join(alice.profileDir, 'cache.bin'), JSON.stringify(envelope));
    await expect(alice.svc.unlock(alice.password())).rejects.toMatchObject({
      code: 'usage',
      message: expect.stringMatching(/before the signed team chain.*log in again with a new --profile/s),
    });
    expect(alice.svc.isUnlocked).toBe(false);
  });
});
