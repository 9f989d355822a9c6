// Process: test. Renaming and deleting vaults against a hostile server (a proxy in front of
// the real server rewriting its answers), alone or with one ordinary member. Whether a vault
// still exists comes from the chain, so a server can neither delete one by leaving it out,
// nor keep one alive after a `vault.delete`, nor have a viewer's forged delete accepted; a
// name must authenticate under the vault's own key.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChangesReply } from '../../shared/api.ts';
import type { ChainLink } from '../../shared/chain/links.ts';
import { ad } from '../../shared/formats.ts';
import { signLink } from '../../electron/core/crypto/chain.ts';
import { initSodium, sealEnvelope } from '../../electron/core/crypto/index.ts';
import type { Unlocked } from '../../electron/core/profile/unlocked.ts';
import { type HostileProxy, startHostileProxy } from '../helpers/hostile-proxy.ts';
import { bytes, formTeam, type Person, signUp, text } from '../helpers/people.ts';
import { startTestServer } from '../helpers/server.ts';

let srv: Awaited<ReturnType<typeof startTestServer>>;
let proxy: HostileProxy;
let alice: Person; // owner
let bob: Person; // member, view on prod and on keep

const unlockedOf = (p: Person) => (p.svc as unknown as { unlocked: Unlocked }).unlocked;
const isChanges = (path: string) => /\/changes\?since=/.test(path);
let seen: ChangesReply[] = [];

function onChanges(fn: (reply: ChangesReply) => void) {
  proxy.tamper = (req, body) => {
    if (req.method === 'GET' && isChanges(req.path)) fn(body as ChangesReply);
    return body;
  };
}

beforeAll(async () => {
  await initSodium();
  srv = await startTestServer();
  proxy = await startHostileProxy(srv.url);
  alice = await signUp(proxy.url, 'alice');
  bob = await signUp(proxy.url, 'bob');
  await formTeam(alice, 'acme', [{ person: bob, role: 'member' }]);
  for (const v of ['prod', 'keep']) {
    await alice.svc.createVault(v);
    await alice.svc.setSecret(`${v}/db`, bytes(`${v}-canary`));
    await alice.svc.shareVault(v, bob.email, 'view');
  }
  await bob.svc.sync();
}, 120_000);

afterEach(() => {
  proxy.tamper = null;
});

afterAll(async () => {
  for (const p of [alice, bob]) p?.svc.lock();
  await proxy?.close();
  await srv?.close();
});

describe('a hostile server and vault deletion', () => {
  it('cannot delete a vault by leaving it out of its answers', async () => {
    const keep = bob.svc.listVaults().find((x) => x.name === 'keep')!.id;
    onChanges((r) => {
      r.vaults = r.vaults.filter((v) => v.id !== keep);
      r.keys = [];
    });
    await bob.svc.sync();
    expect(
      bob.svc
        .listVaults()
        .map((v) => v.name)
        .sort(),
    ).toEqual(['keep', 'prod']);
    expect(text(bob.svc.getSecret('keep/db'))).toBe('keep-canary');
  });

  it('cannot make a viewer’s own vault.delete stick, even with her signature on it', async () => {
    const u = unlockedOf(bob);
    const chain = u.team().chain;
    const vault = bob.svc.listVaults().find((v) => v.name === 'prod')!.id;
    const link: ChainLink = signLink(
      chain.team,
      { seq: chain.seq + 1, prev: chain.head, type: 'vault.delete', author: u.userId, body: { vault } },
      u.keyring.account.signSecretKey,
    );
    // The honest server refuses to store it...
    const r = await fetch(`${srv.url}/api/v1/teams/${chain.team}/chain`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${u.cache.session!.token}` },
      body: JSON.stringify({ links: [link] }),
    });
    expect(r.status).toBe(403);
    // ...and a hostile one that serves it anyway to Alice gets a refusal, her vault untouched.
    const ac = unlockedOf(alice).team().chain;
    const forged = signLink(
      ac.team,
      { seq: ac.seq + 1, prev: ac.head, type: 'vault.delete', author: u.userId, body: { vault } },
      u.keyring.account.signSecretKey,
    );
    onChanges((reply) => {
      if (reply.chain.seq !== forged.seq - 1) return;
      reply.chain.links.push(forged);
      reply.chain.seq = forged.seq;
      reply.vaults = reply.vaults.filter((v) => v.id !== vault);
    });
    await expect(alice.svc.sync()).rejects.toMatchObject({
      code: 'tampered',
      message: expect.stringMatching(new RegExp(`does not manage vault ${vault}`)),
    });
    proxy.tamper = null;
    expect(text(alice.svc.getSecret('prod/db'))).toBe('prod-canary');
  });

  it('cannot keep serving a deleted vault: its record is ignored and its items refused', async () => {
    seen = [];
    proxy.tamper = (req, body) => {
      if (req.method === 'GET' && isChanges(req.path)) seen.push(structuredClone(body as ChangesReply));
      return body;
    };
    await bob.svc.sync();
    const before = seen.at(-1)!;
    const prod = bob.svc.listVaults().find((v) => v.name === 'prod')!;
    // The items as Bob last verified them, which the server could replay at any time.
    const items = structuredClone(
      Object.values(unlockedOf(bob).team().items).filter((i) => i.vault === prod.id),
    );
    expect(items.length).toBe(1);
    await alice.svc.deleteVault('prod', { force: true });
    // The server replays the vault's record, its keys and its items beside the delete link.
    const record = before.vaults.find((v) => v.id === prod.id)!;
    const keys = before.keys.filter((k) => k.vault === prod.id);
    onChanges((r) => {
      r.vaults.push(record);
      r.keys.push(...keys);
    });
    await bob.svc.sync();
    expect(bob.svc.listVaults().map((v) => v.name)).toEqual(['keep']);
    expect(unlockedOf(bob).keyring.vaultKey(prod.id, prod.generation)).toBeUndefined();
    expect(() => bob.svc.getSecret('prod/db')).toThrow(/no vault/);
    onChanges((r) => {
      r.items.push(...items.map((i) => ({ ...i, revision: r.revision })));
    });
    await expect(bob.svc.sync()).rejects.toMatchObject({
      code: 'tampered',
      message: expect.stringMatching(/belongs to no vault you can read/),
    });
    proxy.tamper = null;
    expect(text(bob.svc.getSecret('keep/db'))).toBe('keep-canary');
  });
});

describe('a hostile server and vault names', () => {
  it('cannot give a vault another vault’s name envelope after a rename', async () => {
    await alice.svc.renameVault('keep', 'kept');
    await bob.svc.sync();
    expect(bob.svc.listVaults().map((v) => v.name)).toEqual(['kept']);
    const u = unlockedOf(bob);
    const kept = bob.svc.listVaults()[0]!;
    const team = u.team().chain.team;
    // A name sealed under the right key but for another vault id does not authenticate.
    const key = u.keyring.vaultKey(kept.id, kept.generation)!;
    const wrong = sealEnvelope(key, bytes('evil'), ad.vaultName(team, crypto.randomUUID(), kept.generation));
    onChanges((r) => {
      const v = r.vaults.find((x) => x.id === kept.id);
      if (v) v.name = wrong;
    });
    await expect(bob.svc.sync()).rejects.toMatchObject({
      code: 'tampered',
      message: expect.stringMatching(/its name does not authenticate under its key/),
    });
    proxy.tamper = null;
    expect(bob.svc.listVaults().map((v) => v.name)).toEqual(['kept']);
  });
});
