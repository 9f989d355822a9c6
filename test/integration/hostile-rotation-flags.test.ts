// Process: test. "Rotation required" flags against a hostile server (a proxy in front of the
// real server rewriting its answers), alone or with one ordinary member: it cannot make a
// client show a flag no member with access signed, nor bring back a flag a rotation answered.
// Also the honest path: a member with view flags, the server refuses a non-reader in the role
// table's words, and rotating clears the flag for everyone after their next sync.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initSodium, signRotationFlag } from '../../electron/core/crypto/index.ts';
import type { Unlocked } from '../../electron/core/profile/unlocked.ts';
import { needsAction } from '../../electron/core/service/rotation.ts';
import { paths } from '../../shared/api.ts';
import { refusalWords } from '../../shared/roles.ts';
import { type HostileProxy, startHostileProxy } from '../helpers/hostile-proxy.ts';
import { bytes, formTeam, type Person, signUp } from '../helpers/people.ts';
import { api, rand, startTestServer } from '../helpers/server.ts';

let srv: Awaited<ReturnType<typeof startTestServer>>;
let proxy: HostileProxy;
let alice: Person; // owner
let bob: Person; // member, view on prod
let carol: Person; // member without access to prod
let dave: Person; // signed up, not in the team
let team: string;
let vault: string;
let item: string;
/** The list the server answered before the first rotation, for replays. */
let beforeRotation: unknown[] = [];

const unlockedOf = (p: Person) => (p.svc as unknown as { unlocked: Unlocked }).unlocked;
const tokenOf = (p: Person) => unlockedOf(p).cache.session!.token;
const flagged = (p: Person) => p.svc.due().filter((e) => e.reason === 'rotation-required');
const isFlagList = (path: string) => path.endsWith('/rotation-flags');

/** A flag signed by `p` (any key the test holds), as a hostile server would relay it. */
function forge(p: Person, o: { reason?: string; at?: string; author?: string; signer?: Person } = {}) {
  const author = o.author ?? unlockedOf(p).userId;
  const s = {
    team,
    vault,
    item,
    reason: o.reason ?? 'forged reason',
    at: o.at ?? new Date().toISOString(),
    author,
  };
  const signature = signRotationFlag(s, unlockedOf(o.signer ?? p).keyring.account.signSecretKey);
  return { vault, item, author, reason: s.reason, at: s.at, signature };
}

/** Adds `extra` to every list of flags the server answers. */
function relayAlso(extra: unknown[]) {
  proxy.tamper = (req, body) => {
    if (req.method === 'GET' && isFlagList(req.path)) (body as { flags: unknown[] }).flags.push(...extra);
    return body;
  };
}

beforeAll(async () => {
  await initSodium();
  srv = await startTestServer();
  proxy = await startHostileProxy(srv.url);
  const people = await Promise.all(['alice', 'bob', 'carol', 'dave'].map((n) => signUp(proxy.url, n)));
  [alice, bob, carol, dave] = people as [Person, Person, Person, Person];
  await formTeam(alice, 'acme', [
    { person: bob, role: 'member' },
    { person: carol, role: 'member' },
  ]);
  await alice.svc.createVault('prod');
  await alice.svc.setSecret('prod/db', bytes('db-v1-secret'));
  await alice.svc.setSecret('prod/api-key', bytes('k'));
  await alice.svc.shareVault('prod', bob.email, 'view');
  await bob.svc.sync();
  await carol.svc.sync();
  team = unlockedOf(alice).teamId();
  const db = alice.svc.listSecrets('prod').find((s) => s.name === 'db')!;
  vault = db.vaultId;
  item = db.id;
}, 300_000);

afterEach(() => {
  proxy.tamper = null;
});

afterAll(async () => {
  for (const p of [alice, bob, carol, dave]) p?.svc.lock();
  await proxy?.close();
  await srv?.close();
});

describe('rotation flags', () => {
  it('a member with view flags a secret; the owner sees why and who, and it is urgent', async () => {
    expect(flagged(alice)).toEqual([]);
    const r = await bob.svc.flagSecret('prod/db', 'seen on a shared screen in the all-hands');
    expect(r).toMatchObject({
      vault: 'prod',
      name: 'db',
      reason: 'seen on a shared screen in the all-hands',
    });
    await alice.svc.sync();
    const [e, ...more] = flagged(alice);
    expect(more).toEqual([]);
    expect(e).toMatchObject({
      name: 'db',
      vault: 'prod',
      canRotate: true,
      flags: [{ reason: 'seen on a shared screen in the all-hands', by: bob.email, at: r.at }],
    });
    expect(needsAction(alice.svc.due())).toBe(true);
    // Bob sees his own flag, and may not rotate.
    expect(flagged(bob)).toMatchObject([{ name: 'db', canRotate: false }]);
    expect(alice.svc.rotationFlags().dropped).toBe(0);
  });

  it('the reason is stored in the clear, so a name or a value in it is refused before sending', async () => {
    await expect(bob.svc.flagSecret('prod/api-key', 'the API-KEY was in a log')).rejects.toMatchObject({
      code: 'usage',
      message: expect.stringMatching(/names the secret/),
    });
    await expect(bob.svc.flagSecret('prod/db', 'pasted db-v1-secret in chat')).rejects.toMatchObject({
      code: 'usage',
      message: expect.not.stringMatching(/db-v1-secret/),
    });
    await expect(bob.svc.flagSecret('prod/db', 'two\nlines')).rejects.toMatchObject({ code: 'usage' });
    const stored = await srv.db.query<{ reason: string }>('SELECT reason FROM rotation_flags');
    expect(stored.rows.map((x) => x.reason)).toEqual(['seen on a shared screen in the all-hands']);
  });

  it('the server refuses a flag from a member who cannot read the vault, in the role table’s words', async () => {
    const r = await api(srv.url, tokenOf(carol)).put(paths.rotationFlag(team, vault, item), {
      reason: 'i was never given this',
      at: new Date().toISOString(),
      signature: rand(64),
    });
    expect(r.status).toBe(403);
    expect(r.body.error).toEqual({ code: 'forbidden', message: refusalWords('item.flag', 'none') });
    expect(r.body.refusal).toEqual({ operation: 'item.flag', role: 'none' });
    // Nor may she list the vault's flags, or settle them.
    const list = await api(srv.url, tokenOf(carol)).get(paths.rotationFlags(team));
    expect(list.body).toEqual({ flags: [] });
    const settle = await api(srv.url, tokenOf(bob)).del(
      `${paths.rotationFlag(team, vault, item)}?before=${new Date().toISOString()}`,
    );
    expect(settle.status).toBe(403);
    expect(settle.body.error.message).toBe(refusalWords('item.write', 'view'));
  });

  it('the server cannot invent a flag: unsigned, altered, by a non-member or by a member without access', async () => {
    const genuine = proxy.seen.findLast(
      (s) => isFlagList(s.path) && (s.body as { flags: unknown[] }).flags.length,
    )!.body as { flags: { reason: string; signature: string }[] };
    const bobs = genuine.flags[0]!;
    relayAlso([
      { ...forge(carol), signature: rand(64) }, // a member's name, no signature of hers
      { ...bobs, reason: 'rotate it now, says the server' }, // a real flag, reworded
      { ...bobs, item: alice.svc.listSecrets('prod').find((s) => s.name === 'api-key')!.id }, // moved
      forge(carol, { reason: 'carol cannot read prod' }), // signed, but no access
      forge(dave, { reason: 'dave is not in the team' }), // signed, not a member
      forge(carol, { author: unlockedOf(bob).userId }), // bob's name, carol's key
      { nonsense: true },
    ]);
    await alice.svc.sync();
    expect(flagged(alice)).toMatchObject([
      { name: 'db', flags: [{ reason: 'seen on a shared screen in the all-hands', by: bob.email }] },
    ]);
    expect(alice.svc.rotationFlags().dropped).toBe(7);
  });

  it('rotating clears the flag for everyone after their next sync', async () => {
    const before = proxy.seen.findLast((s) => isFlagList(s.path))!.body as { flags: unknown[] };
    expect(before.flags).toHaveLength(1);
    beforeRotation = before.flags;
    await alice.svc.rotateSecret('prod/db');
    expect(flagged(alice)).toEqual([]);
    expect(needsAction(alice.svc.due())).toBe(false);
    const rows = await srv.db.query('SELECT 1 FROM rotation_flags WHERE item_id = $1', [item]);
    expect(rows.rows).toHaveLength(0);
    await bob.svc.sync();
    expect(flagged(bob)).toEqual([]);

    // The server replays the flag the rotation answered: it is genuine, and settled.
    relayAlso(before.flags);
    await alice.svc.sync();
    await bob.svc.sync();
    expect(flagged(alice)).toEqual([]);
    expect(flagged(bob)).toEqual([]);
    expect(alice.svc.rotationFlags()).toMatchObject({
      open: [],
      dropped: 0,
      settled: [{ author: unlockedOf(bob).userId }],
    });
  });

  it('a flag made after the rotation asks again, until the next one', async () => {
    await bob.svc.flagSecret('prod/db', 'the new one was mailed in clear text');
    await alice.svc.sync();
    expect(flagged(alice)).toMatchObject([{ flags: [{ reason: 'the new one was mailed in clear text' }] }]);
    // Any change of the primary value answers it, not only `secret rotate`.
    await new Promise((r) => setTimeout(r, 5));
    await alice.svc.setSecret('prod/db', bytes('db-v3'));
    expect(flagged(alice)).toEqual([]);
    await bob.svc.sync();
    expect(flagged(bob)).toEqual([]);
    expect((await srv.db.query('SELECT 1 FROM rotation_flags')).rows).toHaveLength(0);
  });

  it('settling a replayed old flag leaves a newer one that a later edit did not answer', async () => {
    // The newer flag is alice's, the replayed one bob's: one flag per author, so both count.
    await alice.svc.flagSecret('prod/db', 'still in the old wiki page');
    await alice.svc.setSecret('prod/db', { tags: ['billing'] });
    relayAlso(beforeRotation);
    await alice.svc.sync();
    const rows = await srv.db.query<{ reason: string }>('SELECT reason FROM rotation_flags');
    expect(rows.rows.map((r) => r.reason)).toEqual(['still in the old wiki page']);
    expect(flagged(alice)).toMatchObject([{ flags: [{ reason: 'still in the old wiki page' }] }]);
  });

  it('a flagger whose clock runs an hour ahead: `secret rotate` still settles the flag on the server', async () => {
    const ahead = forge(bob, {
      reason: 'sent by a clock that runs fast',
      at: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const put = await api(srv.url, tokenOf(bob)).put(paths.rotationFlag(team, vault, item), {
      reason: ahead.reason,
      at: ahead.at,
      signature: ahead.signature,
    });
    expect(put.status).toBe(200);
    await alice.svc.sync();
    expect(flagged(alice)).toHaveLength(1);
    await alice.svc.rotateSecret('prod/db');
    // By the dates alone it would still be open (rotatedAt < at); the server's clock decides.
    expect((await srv.db.query('SELECT 1 FROM rotation_flags')).rows).toHaveLength(0);
    expect(flagged(alice)).toEqual([]);
  });
});
