// Process: test. A vault's default rotation interval end to end: it travels in the vault's
// name envelope (shared/vault-label.ts), so it reaches every reader, survives a rename, a
// re-key after an unshare and a member's removal, and only a manager may change it. Core
// services of several members against a real team server (PGlite, or PostgreSQL with
// TESSERA_TEST_DB=postgres), real libsodium, real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paths } from '../../shared/api.ts';
import { api, startTestServer } from '../helpers/server.ts';
import { bytes, formTeam, type Person, signUp } from '../helpers/people.ts';

let srv: Awaited<ReturnType<typeof startTestServer>>;
let alice: Person; // owner
let bob: Person; // member, view on prod
let carol: Person; // member, edit on prod
let dave: Person; // member, view on prod, removed from it later

const DAY = 86_400_000;
const later = (days: number) => new Date(Date.now() + days * DAY);
const vaultOf = (p: Person) => p.svc.listVaults().find((v) => v.name.startsWith('prod'))!;
const dueNames = (p: Person, days: number) => p.svc.due(undefined, later(days)).map((e) => e.name);

beforeAll(async () => {
  srv = await startTestServer();
  [alice, bob, carol, dave] = await Promise.all([
    signUp(srv.url, 'alice'),
    signUp(srv.url, 'bob'),
    signUp(srv.url, 'carol'),
    signUp(srv.url, 'dave'),
  ]);
  await formTeam(alice, 'acme', [
    { person: bob, role: 'member' },
    { person: carol, role: 'member' },
    { person: dave, role: 'member' },
  ]);
  await alice.svc.createVault('prod', { rotateEveryDays: 30 });
  await alice.svc.setSecret('prod/db', bytes('canary-db'));
  await alice.svc.setSecret('prod/api', bytes('canary-api'));
  await alice.svc.setSecret('prod/yearly', { primaryValue: bytes('canary-yearly'), rotateEveryDays: 365 });
  await alice.svc.shareVault('prod', bob.email, 'view');
  await alice.svc.shareVault('prod', carol.email, 'edit');
  await alice.svc.shareVault('prod', dave.email, 'view');
  for (const p of [bob, carol, dave]) await p.svc.sync();
}, 120_000);

afterAll(async () => {
  for (const p of [alice, bob, carol, dave]) p?.svc.lock();
  await srv?.close();
});

describe("a vault's default rotation interval", () => {
  it('reaches every reader and makes the secrets without their own interval due', () => {
    for (const p of [alice, bob, carol]) expect(vaultOf(p).rotateEveryDays).toBe(30);
    expect(dueNames(bob, 0)).toEqual([]);
    expect(dueNames(bob, 25).sort()).toEqual(['api', 'db']);
    const overdue = bob.svc.due(undefined, later(31));
    expect(overdue.map((e) => [e.name, e.reason, e.intervalFromVault]).sort()).toEqual([
      ['api', 'overdue', true],
      ['db', 'overdue', true],
    ]);
    // The secret's own interval wins over the vault's.
    expect(dueNames(bob, 200)).not.toContain('yearly');
    expect(dueNames(bob, 370)).toContain('yearly');
  });

  it('is never sent in the clear: the server holds only the sealed name envelope', async () => {
    const team = alice.svc.teams()[0]!.id;
    const token = (alice.svc as unknown as { unlocked: { cache: { session: { token: string } } } }).unlocked
      .cache.session.token;
    const r = await api(srv.url, token).get(paths.changes(team, 0));
    const body = JSON.stringify(r.body);
    expect(body).not.toContain('rotateEveryDays');
    expect(body).not.toContain('"prod');
  });

  it('may be changed only by a manager of the vault, and cleared', async () => {
    await expect(carol.svc.setVaultRotation('prod', 7)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(alice.svc.setVaultRotation('prod', 0)).rejects.toMatchObject({ code: 'usage' });
    await alice.svc.setVaultRotation('prod', 7);
    await bob.svc.sync();
    expect(vaultOf(bob).rotateEveryDays).toBe(7);
    expect(dueNames(bob, 8).sort()).toEqual(['api', 'db']);
    await alice.svc.setVaultRotation('prod', null);
    await bob.svc.sync();
    expect(vaultOf(bob).rotateEveryDays).toBeUndefined();
    expect(dueNames(bob, 100)).toEqual([]);
    await alice.svc.setVaultRotation('prod', 30);
  });

  it('survives a rename, and the re-key of an unshare and of a removal', async () => {
    await alice.svc.renameVault('prod', 'prod-eu');
    await bob.svc.sync();
    expect(vaultOf(bob)).toMatchObject({ name: 'prod-eu', rotateEveryDays: 30 });

    const before = vaultOf(alice).generation;
    await alice.svc.unshareVault('prod-eu', dave.email);
    await bob.svc.sync();
    expect(vaultOf(bob)).toMatchObject({ name: 'prod-eu', rotateEveryDays: 30, generation: before + 1 });

    await alice.svc.removeMember(carol.email);
    await bob.svc.sync();
    expect(vaultOf(bob)).toMatchObject({ name: 'prod-eu', rotateEveryDays: 30, generation: before + 2 });
    expect(dueNames(bob, 25).sort()).toEqual(['api', 'db']);
  });
});
