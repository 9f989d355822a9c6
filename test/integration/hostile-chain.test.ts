// Process: test. Findings 1-6 of the chain review: a hostile server (a proxy in front of the
// real server rewriting its answers), alone or with one ordinary member, against the client.
// Each attack once made a client encrypt new secrets under a key the attacker held; each must
// now be refused from the verified chain, with the client's state left as it was.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChangesReply } from '../../shared/api.ts';
import type { ChainLink, LinkType } from '../../shared/chain/links.ts';
import { chainCrypto, signLink } from '../../electron/core/crypto/chain.ts';
import {
  hashSealedKey,
  initSodium,
  newVaultKey,
  publicKeyset,
  sealVaultKey,
} from '../../electron/core/crypto/index.ts';
import type { Unlocked } from '../../electron/core/profile/unlocked.ts';
import { TesseraService } from '../../electron/core/service/service.ts';
import { verifyGenesis } from '../../shared/chain/verify.ts';
import { type HostileProxy, startHostileProxy } from '../helpers/hostile-proxy.ts';
import { bytes, formTeam, type Person, signUp, text } from '../helpers/people.ts';
import { startTestServer } from '../helpers/server.ts';

let srv: Awaited<ReturnType<typeof startTestServer>>;
let proxy: HostileProxy;
let alice: Person; // owner
let bob: Person; // member, edit on prod
let mallory: Person; // member with no access to prod
let carol: Person; // signed up, not in the team

const unlockedOf = (p: Person) => (p.svc as unknown as { unlocked: Unlocked }).unlocked;
const teamOf = (p: Person) => unlockedOf(p).team();
const isChanges = (path: string) => /\/changes\?since=/.test(path);

function onChanges(fn: (reply: ChangesReply) => void) {
  proxy.tamper = (req, body) => {
    if (req.method === 'GET' && isChanges(req.path)) fn(body as ChangesReply);
    return body;
  };
}

/** A link signed by `p` on top of the state `on`, as a hostile server would insert it. */
function forge(
  p: Person,
  on: ReturnType<typeof teamOf>['chain'],
  type: LinkType,
  body: Record<string, unknown>,
): ChainLink {
  const u = unlockedOf(p);
  return signLink(
    on.team,
    { seq: on.seq + 1, prev: on.head, type, author: u.userId, body },
    u.keyring.account.signSecretKey,
  );
}

/** Inserts `link` as the next one in every pull answer (the server claims it was appended). */
function insertLink(link: ChainLink, key?: { vault: string; generation: number; sealedKey: string }) {
  onChanges((r) => {
    if (r.chain.seq !== link.seq - 1) return;
    r.chain.links.push(link);
    r.chain.seq = link.seq;
    if (key) r.keys.push(key);
  });
}

async function newDevice(p: Person): Promise<TesseraService> {
  const svc = new TesseraService({ profileDir: mkdtempSync(join(tmpdir(), 'tessera-device-')) });
  await svc.login({ server: proxy.url, email: p.email, password: p.password() });
  return svc;
}

beforeAll(async () => {
  await initSodium();
  srv = await startTestServer();
  proxy = await startHostileProxy(srv.url);
  alice = await signUp(proxy.url, 'alice');
  bob = await signUp(proxy.url, 'bob');
  mallory = await signUp(proxy.url, 'mallory');
  carol = await signUp(proxy.url, 'carol');
  await formTeam(alice, 'acme', [
    { person: bob, role: 'member' },
    { person: mallory, role: 'member' },
  ]);
  await alice.svc.createVault('prod');
  await alice.svc.setSecret('prod/db', bytes('db-v1'));
  await alice.svc.shareVault('prod', bob.email, 'edit');
  await bob.svc.sync();
  await mallory.svc.sync();
});

afterEach(() => {
  proxy.tamper = null;
});

afterAll(async () => {
  for (const p of [alice, bob, mallory, carol]) p?.svc.lock();
  await proxy?.close();
  await srv?.close();
});

describe('finding 1: a forged manage chain', () => {
  it('a member who never had access cannot deliver a key of her choosing to a reader', async () => {
    const before = teamOf(bob).chain;
    const vault = [...before.vaults.values()][0]!;
    const chosen = newVaultKey();
    const sealedKey = sealVaultKey(chosen, publicKeyset(unlockedOf(bob).keyring.account).boxPublicKey);
    // She may not even grant herself: the chain says she does not manage the vault.
    const grant = forge(mallory, before, 'vault.grant', {
      vault: vault.id,
      principal: { kind: 'user', id: unlockedOf(mallory).userId },
      role: 'manage',
    });
    insertLink(grant);
    await expect(bob.svc.sync()).rejects.toMatchObject({
      code: 'tampered',
      message: expect.stringMatching(/does not manage/),
    });
    expect(teamOf(bob).chain.seq).toBe(before.seq);

    const deliver = forge(mallory, before, 'key.deliver', {
      vault: vault.id,
      generation: vault.generation,
      user: unlockedOf(bob).userId,
      keyHash: hashSealedKey(sealedKey),
    });
    insertLink(deliver, { vault: vault.id, generation: vault.generation, sealedKey });
    // A new device verifies the whole chain from link 1 and refuses it just the same.
    const fresh = await newDevice(bob);
    await expect(fresh.sync()).rejects.toMatchObject({
      code: 'tampered',
      message: expect.stringMatching(/does not manage/),
    });
    expect(fresh.listVaults().every((v) => !v.readable)).toBe(true);
    fresh.lock();
    await expect(bob.svc.sync()).rejects.toMatchObject({ code: 'tampered' });
    proxy.tamper = null;
    await bob.svc.sync();
    expect(text(bob.svc.getSecret('prod/db'))).toBe('db-v1');
  });

  it('a removed manager cannot keep acting', async () => {
    await alice.svc.createVault('ops');
    await alice.svc.shareVault('ops', mallory.email, 'manage');
    await mallory.svc.sync();
    await alice.svc.unshareVault('ops', mallory.email);
    await mallory.svc.sync();
    const state = teamOf(mallory).chain;
    const ops = [...state.vaults.values()].find((v) => v.generation === 2)!;
    const link = forge(mallory, state, 'vault.grant', {
      vault: ops.id,
      principal: { kind: 'user', id: unlockedOf(carol).userId },
      role: 'view',
    });
    insertLink(link);
    await expect(alice.svc.sync()).rejects.toMatchObject({
      code: 'tampered',
      message: expect.stringMatching(/does not manage/),
    });
  });
});

describe('finding 2: a generation rollback', () => {
  it('after a re-key, the old generation and its name are refused, and writes use the new key', async () => {
    await alice.svc.createVault('rk');
    await alice.svc.setSecret('rk/token', bytes('t1'));
    await alice.svc.shareVault('rk', bob.email, 'edit');
    await alice.svc.shareVault('rk', mallory.email, 'view');
    await bob.svc.sync();
    const old = proxy.seen.filter((s) => isChanges(s.path) && s.method === 'GET').at(-1)!
      .body as ChangesReply;
    const id = bob.svc.listVaults().find((v) => v.name === 'rk')!.id;
    const oldRecord = old.vaults.find((v) => v.id === id)!;
    await alice.svc.unshareVault('rk', mallory.email);
    onChanges((r) => {
      const v = r.vaults.find((x) => x.id === id);
      if (v) Object.assign(v, structuredClone(oldRecord));
    });
    await expect(bob.svc.sync()).rejects.toMatchObject({
      code: 'tampered',
      message: expect.stringMatching(/generation/),
    });
    proxy.tamper = null;
    await bob.svc.sync();
    expect(bob.svc.listVaults().find((v) => v.name === 'rk')!.generation).toBe(2);
    // Now that bob has seen generation 2, a chain cut back before the re-key is a rollback.
    onChanges((r) => {
      r.chain.seq -= 2;
    });
    await expect(bob.svc.sync()).rejects.toMatchObject({
      code: 'tampered',
      message: expect.stringMatching(/already verified/),
    });
    proxy.tamper = null;
    await bob.svc.setSecret('rk/token', bytes('t2'));
    const rec =
      teamOf(bob).items[Object.keys(teamOf(bob).items).find((k) => teamOf(bob).items[k]!.vault === id)!]!;
    expect(rec.generation).toBe(2);
  });

  it('an item served under an older generation than the chain says is refused', async () => {
    const id = bob.svc.listVaults().find((v) => v.name === 'rk')!.id;
    await alice.svc.setSecret('rk/token', bytes('t3'));
    onChanges((r) => {
      for (const i of r.items) if (i.vault === id) i.generation = 1;
    });
    await expect(bob.svc.sync()).rejects.toMatchObject({
      code: 'tampered',
      message: expect.stringMatching(/under generation 1/),
    });
  });
});

describe('finding 3: keys go only to readers the chain entitles', () => {
  it("a manager's routine sync seals nothing to a member without access, whatever the server lists", async () => {
    proxy.tamper = (req, body) => {
      if (req.path.endsWith('/members')) {
        for (const m of (body as { members: { role: string }[] }).members) m.role = 'owner';
      }
      return body;
    };
    await alice.svc.sync();
    proxy.tamper = null;
    const prod = bob.svc.listVaults().find((v) => v.name === 'prod')!.id;
    const held = await srv.db.query('SELECT 1 FROM key_grants WHERE vault_id = $1 AND recipient = $2', [
      prod,
      unlockedOf(mallory).userId,
    ]);
    expect(held.rows).toEqual([]);
    expect(mallory.svc.listVaults().some((v) => v.id === prod)).toBe(false);
  });

  it('a re-key is sealed to exactly the remaining readers', async () => {
    await alice.svc.createVault('exact');
    await alice.svc.shareVault('exact', bob.email, 'view');
    await alice.svc.shareVault('exact', mallory.email, 'view');
    const r = await alice.svc.unshareVault('exact', mallory.email);
    expect(r.readers.sort()).toEqual([alice.email, bob.email].sort());
  });
});

describe('finding 4: role inflation at confirm', () => {
  it('an invitee the server reports as an owner is confirmed with the role the chain invited', async () => {
    const code = await alice.svc.invite(carol.email, 'member');
    await carol.svc.accept(code);
    proxy.tamper = (req, body) => {
      if (req.path.endsWith('/members')) {
        for (const m of (body as { members: { email: string; role: string }[] }).members)
          if (m.email === carol.email) m.role = 'owner';
      }
      return body;
    };
    await alice.svc.confirm(carol.email, carol.svc.whoami().fingerprint);
    proxy.tamper = null;
    const m = teamOf(alice).chain.members.get(unlockedOf(carol).userId)!;
    expect(m.role).toBe('member');
    // New vaults go to owners only: carol gets no key to one.
    await alice.svc.createVault('owners-only');
    const v = [...teamOf(alice).chain.vaults.values()].at(-1)!;
    expect([...v.keyHolders.keys()]).toEqual([unlockedOf(alice).userId]);
  });
});

describe('finding 5: a team root swap at join', () => {
  it('a server that answers the invite code with another team is refused', async () => {
    const dave = await signUp(proxy.url, 'dave');
    const eve = await signUp(proxy.url, 'eve');
    await eve.svc.createTeam('evil');
    const evil = teamOf(eve).chain.team;
    const code = await alice.svc.invite(dave.email, 'member');
    const evilChain = (await (
      await fetch(`${srv.url}/api/v1/teams/${evil}/chain?after=0`, {
        headers: { authorization: `Bearer ${unlockedOf(eve).cache.session!.token}` },
      })
    ).json()) as { seq: number; links: unknown[] };
    expect(verifyGenesis(chainCrypto, evilChain.links[0]).team).toBe(evil);
    proxy.tamper = (req, body) =>
      req.method === 'GET' && /\/chain\?after=0$/.test(req.path) ? evilChain : body;
    await expect(dave.svc.accept(code)).rejects.toMatchObject({
      code: 'tampered',
      message: expect.stringMatching(/hashes to team/),
    });
    expect(dave.svc.teams()).toEqual([]);
    proxy.tamper = null;
    await dave.svc.accept(code);
    expect(dave.svc.teams().map((t) => t.name)).toEqual(['acme']);
    dave.svc.lock();
    eve.svc.lock();
  });
});

describe('finding 6: hiding a vault for one pull', () => {
  it('does not erase it or the highest versions seen, so an older version is still refused', async () => {
    await alice.svc.setSecret('prod/db', bytes('db-v2'));
    await bob.svc.sync();
    const id = bob.svc.listVaults().find((v) => v.name === 'prod')!.id;
    const oldItem = proxy.seen
      .filter((s) => isChanges(s.path))
      .flatMap((s) => (s.body as ChangesReply).items)
      .find((i) => i.vault === id && i.version === 1)!;
    onChanges((r) => {
      r.vaults = r.vaults.filter((v) => v.id !== id);
      r.items = r.items.filter((i) => i.vault !== id);
      r.keys = r.keys.filter((k) => k.vault !== id);
    });
    await alice.svc.setSecret('prod/other', bytes('x'));
    await bob.svc.sync();
    expect(bob.svc.listVaults().some((v) => v.id === id && v.readable)).toBe(true);
    expect(text(bob.svc.getSecret('prod/db'))).toBe('db-v2');
    onChanges((r) => {
      r.items.push(structuredClone(oldItem));
    });
    await expect(bob.svc.sync()).rejects.toMatchObject({
      code: 'tampered',
      message: expect.stringMatching(/rolled back/),
    });
  });
});

describe('rollback and fork of the chain itself', () => {
  it('a different link at the next seq, or a link rewritten after signing, is refused', async () => {
    const before = teamOf(bob).chain;
    await alice.svc.createVault('fork');
    onChanges((r) => {
      const l = r.chain.links[0] as { prev: string } | undefined;
      if (l) l.prev = before.head.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    });
    await expect(bob.svc.sync()).rejects.toMatchObject({
      code: 'tampered',
      message: expect.stringMatching(/prev/),
    });
    onChanges((r) => {
      const l = r.chain.links[0] as { body: { generation: number } } | undefined;
      if (l) l.body.generation = 1;
      const b = r.chain.links[0] as { type: string; body: Record<string, unknown> } | undefined;
      if (b?.type === 'vault.create') b.body.vault = crypto.randomUUID();
    });
    await expect(bob.svc.sync()).rejects.toMatchObject({
      code: 'tampered',
      message: expect.stringMatching(/signature/),
    });
    expect(teamOf(bob).chain.seq).toBe(before.seq);
  });
});

describe('finding 10: the author in a secret history', () => {
  it('is shown only when the version is signed by that member; a server that renames the author is not believed', async () => {
    await bob.svc.setSecret('prod/db', bytes('db-by-bob'));
    await alice.svc.sync();
    const honest = await alice.svc.history('prod/db');
    expect(honest.at(-1)!.updatedBy).toBe(bob.email);
    expect(honest.every((v) => v.updatedBy !== 'unverified author')).toBe(true);
    const malloryId = unlockedOf(mallory).userId;
    proxy.tamper = (req, body) => {
      if (req.method === 'GET' && /\/versions$/.test(req.path))
        for (const v of (body as { versions: { updatedBy: string }[] }).versions) v.updatedBy = malloryId;
      return body;
    };
    const renamed = await alice.svc.history('prod/db');
    expect(renamed.map((v) => v.updatedBy)).toEqual(renamed.map(() => 'unverified author'));
    proxy.tamper = (req, body) => {
      if (req.method === 'GET' && /\/versions$/.test(req.path))
        for (const v of (body as { versions: { signature?: string }[] }).versions) delete v.signature;
      return body;
    };
    expect((await alice.svc.history('prod/db')).at(-1)!.updatedBy).toBe('unverified author');
  });
});
