// Process: test. What a responder's client believes of a break-glass release (docs/design.md
// "Break-glass"): every item version must be signed by a member the verified chain lets write
// the vault, and the release must cover the manifest the sealing owner signed into the key
// link. A hostile server replays an older version (its envelope still authenticates under the
// generation), resurrects a deleted item, drops one, strips or forges a signature: each is
// refused and nothing is shown. Real server over HTTP; its tables edited in SQL, or its answer
// rewritten by a hostile proxy.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ItemRecord } from '../../shared/api.ts';
import type { Unlocked } from '../../electron/core/profile/unlocked.ts';
import { envelopeHash, signItemVersion } from '../../electron/core/crypto/index.ts';
import { bytes, formTeam, type Person, signUp, text } from '../helpers/people.ts';
import { type HostileProxy, startHostileProxy } from '../helpers/hostile-proxy.ts';
import { startTestServer } from '../helpers/server.ts';

let clock = Date.UTC(2026, 5, 1, 9, 0, 0);
const now = () => new Date(clock);
let srv: Awaited<ReturnType<typeof startTestServer>>;
let proxy: HostileProxy;
let alice: Person; // owner
let rob: Person; // responder, through the hostile proxy
let vic: Person; // a member the chain does not let write the vault
let request: string;
const ids: Record<string, string> = {};

const unlockedOf = (p: Person) => (p.svc as unknown as { unlocked: Unlocked }).unlocked;
const read = (ref: string) => rob.svc.getFieldAt(ref, undefined, undefined).then((f) => text(f.value));

/** The server's row for an item set back to one of its stored versions, as an operator could. */
const setVersion = (item: string, version: number) =>
  srv.db.query(
    `UPDATE items SET version = v.version, generation = v.generation, envelope = v.envelope,
            deleted = v.deleted, updated_by = v.created_by, signature = v.signature
       FROM item_versions v WHERE items.id = $1 AND v.item_id = $1 AND v.version = $2`,
    [item, version],
  );
const versionOf = async (item: string) =>
  Number(
    (await srv.db.query<{ version: number }>('SELECT version FROM items WHERE id = $1', [item])).rows[0]!
      .version,
  );

/** Rewrites the items of the release answer only. */
const onRelease = (f: (items: ItemRecord[]) => ItemRecord[]) => {
  // Cleared after each test (afterEach), so a failed one leaves no rewriting behind.
  proxy.tamper = (req, body) => {
    if (!req.path.includes('/breakglass/')) return body;
    const b = body as { items: ItemRecord[] };
    return { ...b, items: f(b.items) };
  };
};

/** Each attempt starts from a client holding no session, so every open asks the server. */
async function refused(pattern: RegExp) {
  rob.svc.lock();
  await rob.svc.unlock(rob.password());
  await expect(rob.svc.breakGlass.open(request)).rejects.toMatchObject({
    code: 'tampered',
    message: expect.stringMatching(pattern),
  });
  await expect(read('ops/db')).rejects.toMatchObject({ code: 'tampered' });
  expect(rob.svc.breakGlass.heldKeyBuffers()).toEqual([]);
}

beforeAll(async () => {
  srv = await startTestServer({ breakGlass: { now } });
  proxy = await startHostileProxy(srv.url);
  alice = await signUp(srv.url, 'alice', { now });
  rob = await signUp(proxy.url, 'rob', { now });
  vic = await signUp(srv.url, 'vic', { now });
  await formTeam(alice, 'acme', [
    { person: rob, role: 'member' },
    { person: vic, role: 'member' },
  ]);
  await alice.svc.createVault('ops');
  for (const [name, value] of [
    ['db', 'pw-1'],
    ['api', 'key-1'],
    ['gone', 'old-1'],
  ] as const)
    await alice.svc.setSecret(`ops/${name}`, bytes(value));
  await alice.svc.breakGlass.mark('ops', { kind: 'immediate' }, 30);
  // After the re-key: an older version of db under the current generation, and a tombstone.
  await alice.svc.setSecret('ops/db', bytes('pw-2'));
  await alice.svc.removeSecret('ops/gone');
  for (const s of alice.svc.listSecrets()) ids[s.name] = s.id;
  const st = unlockedOf(alice).team();
  ids.gone = Object.values(st.items).find((r) => r.deleted)!.id;
  request = (await rob.svc.breakGlass.request('ops', 'on call, database down', 30)).request;
  clock += 1000;
  expect((await alice.svc.sync()).keysSealed).toBe(1);
  await rob.svc.sync();
});

afterEach(() => {
  proxy.tamper = null;
});

afterAll(async () => {
  for (const p of [alice, rob, vic]) p?.svc.lock();
  await proxy?.close();
  await srv?.close();
});

describe('a break-glass release', () => {
  it('carries the sealing owner’s signed manifest, tombstone included', () => {
    const v = unlockedOf(rob).team().chain.vaults.get(rob.svc.breakGlass.status()[0]!.vault)!;
    const manifest = v.sessions!.find((s) => s.request === request)!.key!.items;
    expect(manifest.map(([id]) => id).sort()).toEqual([ids.api, ids.db, ids.gone].sort());
    expect(manifest.find(([id]) => id === ids.gone)?.[2]).toBe(true);
  });

  it('an older version of an item, replayed in the server’s table, is refused', async () => {
    const current = await versionOf(ids.db!);
    await setVersion(ids.db!, current - 1);
    try {
      await refused(/older than version/);
    } finally {
      await setVersion(ids.db!, current);
    }
  });

  it('a deleted item brought back at its version before the deletion is refused', async () => {
    const current = await versionOf(ids.gone!);
    await setVersion(ids.gone!, current - 1);
    try {
      await refused(/older than version/);
    } finally {
      await setVersion(ids.gone!, current);
    }
  });

  it('an item the server drops from the release is refused', async () => {
    onRelease((items) => items.filter((i) => i.id !== ids.api));
    await refused(/leaves out item/);
  });

  it('a stripped or forged version signature is refused', async () => {
    onRelease((items) => items.map((i) => (i.id === ids.db ? { ...i, signature: undefined } : i)));
    await refused(/without a valid signature/);
    // Another version's genuine signature, moved onto this one.
    onRelease((items) => {
      const other = items.find((i) => i.id === ids.api)!.signature;
      return items.map((i) => (i.id === ids.db ? { ...i, signature: other } : i));
    });
    await refused(/without a valid signature/);
  });

  it('a version signed by a member the chain does not let write the vault is refused', async () => {
    const team = unlockedOf(vic).team().chain.team;
    onRelease((items) =>
      items.map((i) => {
        if (i.id !== ids.db) return i;
        const signature = signItemVersion(
          {
            team,
            vault: i.vault,
            item: i.id,
            version: i.version,
            generation: i.generation,
            deleted: i.deleted,
            author: unlockedOf(vic).userId,
            envelopeHash: envelopeHash(i.envelope),
          },
          unlockedOf(vic).keyring.account.signSecretKey,
        );
        return { ...i, updatedBy: unlockedOf(vic).userId, signature };
      }),
    );
    await refused(/signed by vic.*who may not write/);
  });

  it('the honest release opens: the newest values, no deleted item; a newer signed version is fine', async () => {
    rob.svc.lock();
    await rob.svc.unlock(rob.password());
    const open = await rob.svc.breakGlass.open(request);
    expect(open.secrets.sort()).toEqual(['api', 'db']);
    expect(await read('ops/db')).toBe('pw-2');
    // Written inside the window, after the manifest was signed: newer than it, and signed.
    await alice.svc.setSecret('ops/api', bytes('key-2'));
    await alice.svc.setSecret('ops/new', bytes('fresh'));
    rob.svc.lock();
    await rob.svc.unlock(rob.password());
    expect((await rob.svc.breakGlass.open(request)).secrets.sort()).toEqual(['api', 'db', 'new']);
    expect(await read('ops/api')).toBe('key-2');
  });
});
