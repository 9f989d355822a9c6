// Process: test. Sharing end to end through the core service and a real team server:
// members, groups, roles, re-keying on unshare, history.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/server.ts';
import { bytes, formTeam, type Person, signUp, text } from '../helpers/people.ts';

let srv: Awaited<ReturnType<typeof startTestServer>>;
let alice: Person;
let bob: Person;
let carol: Person;
let dave: Person;

beforeAll(async () => {
  srv = await startTestServer();
  alice = await signUp(srv.url, 'alice');
  bob = await signUp(srv.url, 'bob');
  carol = await signUp(srv.url, 'carol');
  dave = await signUp(srv.url, 'dave');
  await formTeam(alice, 'acme', [
    { person: bob, role: 'member' },
    { person: carol, role: 'member' },
    { person: dave, role: 'admin' },
  ]);
  await alice.svc.createVault('prod');
  await alice.svc.setSecret('prod/db-password', bytes('s3cret-canary'));
});

afterAll(async () => {
  for (const p of [alice, bob, carol, dave]) p?.svc.lock();
  await srv?.close();
});

describe('sharing through a real server', () => {
  it('a vault shared with a member is readable by that member only', async () => {
    await alice.svc.shareVault('prod', bob.email, 'view');
    await bob.svc.sync();
    expect(text(bob.svc.getSecret('prod/db-password'))).toBe('s3cret-canary');
    await carol.svc.sync();
    expect(() => carol.svc.getSecret('prod/db-password')).toThrow(/no vault "prod"/);
  });

  it('a viewer may not write, and the role is reported', async () => {
    await expect(bob.svc.setSecret('prod/db-password', bytes('mine'))).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect(bob.svc.listVaults()).toEqual([expect.objectContaining({ name: 'prod', role: 'view' })]);
  });

  it('sharing with a group reaches its members, who may edit', async () => {
    await alice.svc.createGroup('ops');
    await alice.svc.addToGroup('ops', carol.email);
    await alice.svc.shareVault('prod', 'ops', 'edit');
    await carol.svc.sync();
    expect(text(carol.svc.getSecret('prod/db-password'))).toBe('s3cret-canary');
    await carol.svc.setSecret('prod/db-password', bytes('rotated-by-carol'));
    await alice.svc.sync();
    await bob.svc.sync();
    expect(text(alice.svc.getSecret('prod/db-password'))).toBe('rotated-by-carol');
    expect(text(bob.svc.getSecret('prod/db-password'))).toBe('rotated-by-carol');
  });

  it('someone added to the group later receives the vault key', async () => {
    await alice.svc.addToGroup('ops', dave.email);
    await dave.svc.sync();
    expect(text(dave.svc.getSecret('prod/db-password'))).toBe('rotated-by-carol');
  });

  it('unsharing re-keys the vault: the removed member loses it, everyone else reads on', async () => {
    const r = await alice.svc.unshareVault('prod', bob.email);
    expect(r.generation).toBe(2);
    expect(r.reencrypted).toBe(1);
    await bob.svc.sync();
    expect(bob.svc.listVaults()).toEqual([]);
    expect(() => bob.svc.getSecret('prod/db-password')).toThrow(/no vault/);
    for (const p of [alice, carol, dave]) {
      await p.svc.sync();
      expect(text(p.svc.getSecret('prod/db-password'))).toBe('rotated-by-carol');
      expect(p.svc.listVaults()[0]?.generation).toBe(2);
    }
  });

  it('a member who manages a vault (not an owner) can share it, and the grant verifies', async () => {
    await alice.svc.createVault('team-vault');
    await alice.svc.setSecret('team-vault/shared-by-carol', bytes('via-a-manager'));
    await alice.svc.shareVault('team-vault', carol.email, 'manage');
    await carol.svc.sync();
    await carol.svc.shareVault('team-vault', bob.email, 'view');
    await bob.svc.sync();
    expect(text(bob.svc.getSecret('team-vault/shared-by-carol'))).toBe('via-a-manager');
    // And a manager's re-key is accepted by the remaining readers too.
    await carol.svc.unshareVault('team-vault', bob.email);
    await alice.svc.sync();
    expect(text(alice.svc.getSecret('team-vault/shared-by-carol'))).toBe('via-a-manager');
    expect(alice.svc.listVaults().find((v) => v.name === 'team-vault')?.generation).toBe(2);
  });

  it('history keeps every version with its author', async () => {
    const h = await alice.svc.history('prod/db-password');
    expect(h.map((v) => v.version)).toEqual([1, 2, 3]);
    expect(h.map((v) => v.updatedBy)).toEqual([alice.email, carol.email, alice.email]);
    expect(h.every((v) => v.readable)).toBe(true);
  });

  it('removing a secret leaves a tombstone and keeps the history', async () => {
    await alice.svc.setSecret('prod/temp', bytes('short-lived'));
    await alice.svc.removeSecret('prod/temp');
    expect(alice.svc.listSecrets('prod').map((s) => s.name)).toEqual(['db-password']);
    await carol.svc.sync();
    expect(() => carol.svc.getSecret('prod/temp')).toThrow(/no secret "temp"/);
  });

  it("removing someone from a group re-keys the group's vaults: they lose access, the rest read on", async () => {
    const before = alice.svc.listVaults().find((v) => v.name === 'prod')!.generation;
    const r = await alice.svc.removeFromGroup('ops', dave.email);
    expect(r).toMatchObject({ rekeyed: ['prod'], pending: [] });
    await dave.svc.sync();
    expect(dave.svc.listVaults().map((v) => v.name)).not.toContain('prod');
    expect(() => dave.svc.getSecret('prod/db-password')).toThrow(/no vault/);
    await carol.svc.sync();
    expect(text(carol.svc.getSecret('prod/db-password'))).toBe('rotated-by-carol');
    expect(carol.svc.listVaults().find((v) => v.name === 'prod')?.generation).toBe(before + 1);
  });
});
