// Process: test. Renaming and deleting vaults end to end (docs/design.md "Renaming and deleting
// a vault"): the core service of several members against a real team server (PGlite, or
// PostgreSQL with TESSERA_TEST_DB=postgres), real libsodium, real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paths } from '../../shared/api.ts';
import { TesseraError } from '../../shared/errors.ts';
import { rekeyVault } from '../../electron/core/service/keys.ts';
import type { Unlocked } from '../../electron/core/profile/unlocked.ts';
import { ChainBatch } from '../../electron/core/sync/chain-batch.ts';
import { sealEnvelope } from '../../electron/core/crypto/index.ts';
import { ad } from '../../shared/formats.ts';
import { api, envelope, startTestServer, uuid } from '../helpers/server.ts';
import { bytes, formTeam, type Person, signUp, text } from '../helpers/people.ts';

let srv: Awaited<ReturnType<typeof startTestServer>>;
let alice: Person; // owner
let bob: Person; // member, view on prod
let carol: Person; // member, edit on prod
let dave: Person; // member, manage on prod
let team: string;

/** The service's unlocked profile, to build a batch on a state it has not refreshed. */
const unlockedOf = (p: Person) => (p.svc as unknown as { unlocked: Unlocked }).unlocked;
const names = (p: Person) =>
  p.svc
    .listVaults()
    .map((v) => v.name)
    .sort();
const vaultId = (p: Person, name: string) => p.svc.listVaults().find((v) => v.name === name)!.id;
const tokenOf = (p: Person) => unlockedOf(p).cache.session!.token;

beforeAll(async () => {
  srv = await startTestServer();
  alice = await signUp(srv.url, 'alice');
  bob = await signUp(srv.url, 'bob');
  carol = await signUp(srv.url, 'carol');
  dave = await signUp(srv.url, 'dave');
  await formTeam(alice, 'acme', [
    { person: bob, role: 'member' },
    { person: carol, role: 'member' },
    { person: dave, role: 'member' },
  ]);
  team = alice.svc.teams()[0]!.id;
  await alice.svc.createVault('prod');
  await alice.svc.setSecret('prod/db', bytes('canary-db'));
  await alice.svc.shareVault('prod', bob.email, 'view');
  await alice.svc.shareVault('prod', carol.email, 'edit');
  await alice.svc.shareVault('prod', dave.email, 'manage');
  for (const p of [bob, carol, dave]) await p.svc.sync();
}, 120_000);

afterAll(async () => {
  for (const p of [alice, bob, carol, dave]) p?.svc.lock();
  await srv?.close();
});

describe('vault rename', () => {
  it('a manager renames; every reader sees the new name and reads on under it', async () => {
    const r = await dave.svc.renameVault('prod', 'production');
    expect(r).toMatchObject({ from: 'prod', name: 'production' });
    for (const p of [alice, bob, carol]) {
      await p.svc.sync();
      expect(names(p)).toEqual(['production']);
      expect(text(p.svc.getSecret('production/db'))).toBe('canary-db');
      expect(() => p.svc.getSecret('prod/db')).toThrow(/no vault "prod"/);
    }
    // The same generation: a rename is a new name envelope, not a re-key.
    expect(alice.svc.listVaults()[0]!.generation).toBe(1);
  });

  it('only a manager may rename, and the refusal says so in words', async () => {
    for (const p of [bob, carol])
      await expect(p.svc.renameVault('production', 'mine')).rejects.toMatchObject({
        code: 'forbidden',
        message: expect.stringMatching(/only someone who manages it may rename or delete it/),
      });
    // The server refuses too, by its own projection of the chain.
    const gen = alice.svc.listVaults()[0]!.generation;
    const r = await api(srv.url, tokenOf(carol)).put(paths.vaultName(team, vaultId(alice, 'production')), {
      generation: gen,
      name: envelope(),
    });
    expect(r.status).toBe(403);
    await alice.svc.sync();
    expect(names(alice)).toEqual(['production']);
  });

  it('a bad name or a name already used (ignoring case) is refused before anything is sent', async () => {
    await alice.svc.createVault('staging');
    await expect(alice.svc.renameVault('staging', 'PRODUCTION')).rejects.toMatchObject({
      code: 'conflict',
      message: 'a vault named "production" already exists in this team; pick another name',
    });
    await expect(alice.svc.createVault('Staging')).rejects.toMatchObject({ code: 'conflict' });
    await expect(alice.svc.renameVault('staging', 'a/b')).rejects.toMatchObject({ code: 'usage' });
    // Its own name in other letters is no clash.
    await alice.svc.renameVault('staging', 'Staging');
    expect(names(alice)).toEqual(['Staging', 'production']);
  });

  it('the server refuses a name at a generation that is not the current one', async () => {
    const r = await api(srv.url, tokenOf(alice)).put(paths.vaultName(team, vaultId(alice, 'Staging')), {
      generation: 2,
      name: envelope(),
    });
    expect(r.status).toBe(409);
    expect(r.body.error.message).toBe('vault was re-keyed; sync and retry');
  });

  it('a re-key built on the name from before a rename is a conflict, not a silent undo', async () => {
    await alice.svc.sync();
    const id = vaultId(alice, 'production');
    // Dave renames while Alice's client still holds the old name...
    await dave.svc.renameVault('production', 'prod-eu');
    // ...and Alice re-keys on that stale state (a revoke of Bob plus the re-key).
    const u = unlockedOf(alice);
    const b = new ChainBatch(u, team);
    b.add('vault.revoke', { vault: id, principal: { kind: 'user', id: bob.svc.whoami().userId } });
    rekeyVault(u, b, id, { name: 'production' });
    await expect(b.send()).rejects.toMatchObject({
      code: 'conflict',
      message: 'the vault was renamed meanwhile; sync and retry',
    });
    // The service syncs first and retries on a conflict, so the rename survives the re-key.
    const r = await alice.svc.unshareVault('prod-eu', bob.email);
    expect(r.generation).toBe(2);
    for (const p of [alice, carol, dave]) {
      await p.svc.sync();
      expect(names(p).filter((n) => n !== 'Staging')).toEqual(['prod-eu']);
      expect(p.svc.listVaults().find((v) => v.id === id)!.generation).toBe(2);
      expect(text(p.svc.getSecret('prod-eu/db'))).toBe('canary-db');
    }
  });

  it('a rename after a re-key it did not see is sealed again under the new key', async () => {
    const id = vaultId(dave, 'prod-eu');
    const u = unlockedOf(dave);
    // Dave's client seals the new name under generation 2; Alice re-keys to 3 first.
    const key = u.keyring.vaultKey(id, 2)!;
    const stale = sealEnvelope(key, bytes('stale'), ad.vaultName(team, id, 2));
    await alice.svc.shareVault('prod-eu', bob.email, 'view');
    await alice.svc.unshareVault('prod-eu', bob.email);
    const r = await api(srv.url, tokenOf(dave)).put(paths.vaultName(team, id), {
      generation: 2,
      name: stale,
    });
    expect(r.status).toBe(409);
    // The service pulls the new key and tries again.
    await dave.svc.renameVault('prod-eu', 'prod-eu-1');
    await alice.svc.sync();
    expect(alice.svc.listVaults().find((v) => v.id === id)).toMatchObject({
      name: 'prod-eu-1',
      generation: 3,
    });
  });
});

describe('names the client cannot tell apart', () => {
  it('two members who cannot read each other’s vaults may pick one name; an owner is told the ids', async () => {
    const b = await bob.svc.createVault('tools');
    const c = await carol.svc.createVault('tools');
    await alice.svc.sync();
    let err: unknown;
    try {
      alice.svc.listSecrets('tools');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TesseraError);
    expect((err as TesseraError).code).toBe('usage');
    expect((err as TesseraError).message).toContain(b.id);
    expect((err as TesseraError).message).toContain(c.id);
    expect((err as TesseraError).message).toMatch(/2 vaults are named "tools"; use one of their ids instead/);
    // By id it is exact.
    expect(alice.svc.listSecrets(b.id)).toEqual([]);
    await alice.svc.renameVault(c.id, 'carols-tools');
    await carol.svc.sync();
    expect(names(carol)).toContain('carols-tools');
  });
});

describe('vault rm', () => {
  it('only a manager may delete; a vault with secrets needs force, and the refusal counts them', async () => {
    await expect(carol.svc.deleteVault('prod-eu-1', { force: true })).rejects.toMatchObject({
      code: 'forbidden',
    });
    await carol.svc.setSecret('prod-eu-1/api', bytes('canary-api'));
    await dave.svc.sync();
    await expect(dave.svc.deleteVault('prod-eu-1')).rejects.toMatchObject({
      code: 'conflict',
      message:
        'vault prod-eu-1 still holds 2 secrets; delete them first, or add --force to delete the vault with them',
    });
  });

  it('deleting hides the vault from every member, drops its keys, and the server keeps the rows', async () => {
    const id = vaultId(dave, 'prod-eu-1');
    const r = await dave.svc.deleteVault('prod-eu-1', { force: true });
    expect(r).toEqual({ id, name: 'prod-eu-1', secrets: 2 });
    for (const p of [alice, carol, dave]) {
      await p.svc.sync();
      expect(p.svc.listVaults().some((v) => v.id === id)).toBe(false);
      expect(() => p.svc.getSecret('prod-eu-1/db')).toThrow(/no vault/);
      expect(p.svc.listSecrets().some((s) => s.vaultId === id)).toBe(false);
      for (const g of [1, 2, 3]) expect(unlockedOf(p).keyring.vaultKey(id, g)).toBeUndefined();
      expect(
        unlockedOf(p)
          .team(team)
          .keys.some((k) => k.vault === id),
      ).toBe(false);
    }
    // Nothing is destroyed: the vault, its items and its sealed keys are still stored.
    const rows = await srv.db.query<{ deleted: boolean; items: number; keys: number }>(
      `SELECT v.deleted_at IS NOT NULL AS deleted,
              (SELECT count(*)::int FROM items WHERE vault_id = v.id) AS items,
              (SELECT count(*)::int FROM key_grants WHERE vault_id = v.id) AS keys
         FROM vaults v WHERE v.id = $1`,
      [id],
    );
    expect(rows.rows[0]).toMatchObject({ deleted: true, items: 2 });
    expect(rows.rows[0]!.keys).toBeGreaterThan(0);
  });

  it('the server serves it no more and takes no writes, renames or links for it', async () => {
    const id = (await srv.db.query<{ id: string }>('SELECT id FROM vaults WHERE deleted_at IS NOT NULL'))
      .rows[0]!.id;
    const owner = api(srv.url, tokenOf(alice));
    const pull = await owner.get(paths.changes(team, 0));
    expect(pull.status).toBe(200);
    expect(pull.body.vaults.some((v: { id: string }) => v.id === id)).toBe(false);
    expect(pull.body.items.some((i: { vault: string }) => i.vault === id)).toBe(false);
    expect(pull.body.keys.some((k: { vault: string }) => k.vault === id)).toBe(false);
    const item = await srv.db.query<{ id: string; version: number }>(
      'SELECT id, version FROM items WHERE vault_id = $1 LIMIT 1',
      [id],
    );
    const put = await owner.put(paths.item(team, id, item.rows[0]!.id), {
      baseVersion: Number(item.rows[0]!.version),
      version: Number(item.rows[0]!.version) + 1,
      generation: 3,
      envelope: envelope(),
      signature: 'c2ln',
    });
    expect(put.status).toBe(404);
    expect(put.body.error.message).toBe('this vault was deleted');
    const fresh = await owner.put(paths.item(team, id, uuid()), {
      baseVersion: 0,
      version: 1,
      generation: 3,
      envelope: envelope(),
      signature: 'c2ln',
    });
    expect(fresh.status).toBe(404);
    expect((await owner.get(paths.itemVersions(team, id, item.rows[0]!.id))).status).toBe(404);
    const rename = await owner.put(paths.vaultName(team, id), { generation: 3, name: envelope() });
    expect(rename.status).toBe(404);
    // Sharing it again is a link the chain refuses, in the client before it is sent.
    await expect(alice.svc.shareVault(id, bob.email, 'view')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('an owner deletes a member’s empty vault without force; its name is free again', async () => {
    const id = vaultId(alice, 'tools');
    expect(await alice.svc.deleteVault(id)).toEqual({ id, name: 'tools', secrets: 0 });
    await bob.svc.sync();
    expect(names(bob)).not.toContain('tools');
    await bob.svc.createVault('tools');
    await bob.svc.sync();
    expect(names(bob)).toContain('tools');
  });

  it('an edit queued offline for a vault deleted meanwhile is dropped, not retried forever', async () => {
    await alice.svc.createVault('scratch');
    await alice.svc.shareVault('scratch', carol.email, 'edit');
    await carol.svc.sync();
    // Carol's edit waits in her queue while Alice deletes the vault.
    const cu = unlockedOf(carol);
    await alice.svc.deleteVault('scratch');
    await carol.svc.setSecret('scratch/late', bytes('late')).catch(() => undefined);
    const r = await carol.svc.sync();
    expect(r.remaining).toBe(0);
    expect(cu.team(team).queue).toEqual([]);
  });
});
