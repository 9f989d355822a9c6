// Process: test. Items, optimistic concurrency, delta sync and re-keying against the real
// server: a stale write is answered with the stored item, a pull since N returns only what
// changed after N (and the chain links after the caller's seq, and only the caller's own
// sealed keys), and a re-key (a `vault.rekey` link with every item at version + 1 and keys for
// exactly the entitled readers) either happens completely or not at all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HttpClient } from '../../electron/core/net/http.ts';
import { startHostileProxy } from '../helpers/hostile-proxy.ts';
import { chainCrypto } from '../../electron/core/crypto/chain.ts';
import type { LinkType } from '../../shared/chain/links.ts';
import { extendChain, verifyGenesis } from '../../shared/chain/verify.ts';
import {
  appendLinks,
  envelope,
  fakeSealedKey,
  formTeam,
  type J,
  join,
  newUser,
  newVaultKeys,
  refreshChain,
  signNext,
  startTestServer,
  type TestServer,
  type TestUser,
  uuid,
  rand,
} from '../helpers/server.ts';

let srv: TestServer;
let owner: TestUser;
let editor: TestUser;
let viewer: TestUser;
let team: string;
let vault: string;
const T = () => `/api/v1/teams/${team}`;
const itemPath = (id: string, v = vault) => `${T()}/vaults/${v}/items/${id}`;
const pull = (u: TestUser, since = 0, seq = 0) => u.api.get(`${T()}/changes?since=${since}&seq=${seq}`);

interface SentKey {
  vault: string;
  generation: number;
  user: string;
  sealedKey: string;
}
/** Every sealed key this file sent, to check each pull returns exactly the caller's. */
const sent: SentKey[] = [];
const sentTo = (u: TestUser, v: string) =>
  sent
    .filter((k) => k.user === u.id && k.vault === v)
    .map(({ vault, generation, sealedKey }) => ({ vault, generation, sealedKey }));

async function put(u: TestUser, id: string, baseVersion: number, generation = 1, v = vault) {
  return u.api.put(itemPath(id, v), {
    baseVersion,
    version: baseVersion + 1,
    generation,
    envelope: envelope(),
    signature: rand(64),
  });
}

// Local stand-ins for the helper's makeVault/shareVault that also remember the sealed keys
// they sent, so a pull can be compared with exactly what was delivered to the caller.
async function createVault(creator: TestUser): Promise<string> {
  const id = uuid();
  const readers = newVaultKeys(await refreshChain(creator, team), creator.id);
  const keys = readers.map(({ user, sealedKey }) => ({ vault: id, generation: 1, user, sealedKey }));
  const r = await appendLinks(
    creator,
    team,
    [
      [
        'vault.create',
        { vault: id, generation: 1, keys: readers.map(({ user, keyHash }) => ({ user, keyHash })) },
      ],
    ],
    { keys, vaults: [{ vault: id, generation: 1, name: envelope() }] },
  );
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  sent.push(...keys);
  return id;
}

async function share(by: TestUser, v: string, to: TestUser, role: 'view' | 'edit' | 'manage') {
  const generation = (await refreshChain(by, team)).vaults.get(v)!.generation;
  const k = fakeSealedKey();
  const key = { vault: v, generation, user: to.id, sealedKey: k.sealedKey };
  const r = await appendLinks(
    by,
    team,
    [
      ['vault.grant', { vault: v, principal: { kind: 'user', id: to.id }, role }],
      ['key.deliver', { vault: v, generation, user: to.id, keyHash: k.keyHash }],
    ],
    { keys: [key] },
  );
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  sent.push(key);
  return r;
}

beforeAll(async () => {
  srv = await startTestServer();
  [owner, editor, viewer] = await Promise.all([
    newUser(srv.url, 'owner'),
    newUser(srv.url, 'editor'),
    newUser(srv.url, 'viewer'),
  ]);
  team = await formTeam(owner, [
    [editor, 'member'],
    [viewer, 'member'],
  ]);
  vault = await createVault(owner);
  await share(owner, vault, editor, 'edit');
  await share(owner, vault, viewer, 'view');
});
afterAll(async () => {
  await srv?.close();
});

describe('item writes', () => {
  it('create, update, history', async () => {
    const id = uuid();
    const c = await put(editor, id, 0);
    expect(c.status).toBe(200);
    expect(c.body).toEqual({ revision: expect.any(Number), version: 1 });
    const u = await put(owner, id, 1);
    expect(u.status).toBe(200);
    expect(u.body.revision).toBeGreaterThan(c.body.revision);
    const h = await viewer.api.get(`${itemPath(id)}/versions`);
    expect(h.status).toBe(200);
    expect(
      h.body.versions.map((v: { version: number; updatedBy: string }) => [v.version, v.updatedBy]),
    ).toEqual([
      [1, editor.id],
      [2, owner.id],
    ]);
    expect(h.body.versions[0]).toMatchObject({
      id,
      vault,
      generation: 1,
      deleted: false,
      revision: c.body.revision,
    });
  });

  it('a stale write is 409 with the stored item as current', async () => {
    const id = uuid();
    await put(editor, id, 0);
    const winner = await put(owner, id, 1);
    expect(winner.status).toBe(200);
    const stale = await put(editor, id, 1);
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('conflict');
    expect(stale.body.current).toMatchObject({
      id,
      vault,
      version: 2,
      updatedBy: owner.id,
      revision: winner.body.revision,
    });
    const create = await put(editor, id, 0);
    expect(create.status).toBe(409);
    expect(create.body.current.version).toBe(2);
    expect((await put(editor, uuid(), 3)).status).toBe(404);
  });

  it('concurrent writers from one base: exactly one wins', async () => {
    const id = uuid();
    await put(editor, id, 0);
    const results = await Promise.all([
      put(editor, id, 1),
      put(owner, id, 1),
      put(editor, id, 1),
      put(owner, id, 1),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
  });

  it('a viewer may not write; a non-member may not read', async () => {
    const r = await put(viewer, uuid(), 0);
    expect(r.status).toBe(403);
    expect(r.body.error).toEqual({
      code: 'forbidden',
      message:
        'your access to this vault (view) does not let you change its secrets: ask someone who manages it',
    });
    expect(r.body.refusal).toEqual({ operation: 'item.write', role: 'view' });
    // The client says it in its own words from the operation named, whatever text a hostile
    // server puts in the message.
    const proxy = await startHostileProxy(srv.url);
    try {
      proxy.tamper = (_req, body) => ({
        ...(body as object),
        error: { code: 'forbidden', message: 'all fine: confirm fingerprint 0000' },
      });
      const http = new HttpClient({ baseUrl: proxy.url, token: () => viewer.token });
      const body = { baseVersion: 0, version: 1, generation: 1, envelope: envelope(), signature: rand(64) };
      await expect(http.request('PUT', itemPath(uuid()), body, z.unknown())).rejects.toMatchObject({
        code: 'forbidden',
        message:
          'your access to this vault (view) does not let you change its secrets: ask someone who manages it',
      });
    } finally {
      await proxy.close();
    }
    const outsider = await newUser(srv.url, 'outsider');
    expect((await put(outsider, uuid(), 0)).status).toBe(404);
    expect((await pull(outsider)).status).toBe(404);
  });

  it('a tombstone is a version too', async () => {
    const id = uuid();
    await put(editor, id, 0);
    const d = await editor.api.put(itemPath(id), {
      baseVersion: 1,
      version: 2,
      generation: 1,
      envelope: envelope(),
      signature: rand(64),
      deleted: true,
    });
    expect(d.status).toBe(200);
    const h = await editor.api.get(`${itemPath(id)}/versions`);
    expect(h.body.versions.map((v: { deleted: boolean }) => v.deleted)).toEqual([false, true]);
  });
});

describe('delta sync', () => {
  it('changes since N returns only what changed after N', async () => {
    const all = await pull(viewer);
    expect(all.status).toBe(200);
    // The chain replaced the directory, the team record and the key grants' signatures.
    expect(Object.keys(all.body).sort()).toEqual(['chain', 'items', 'keys', 'revision', 'vaults']);
    const n = all.body.revision;
    expect(all.body.items.length).toBeGreaterThan(0);

    const id = uuid();
    const w = await put(editor, id, 0);
    const delta = await pull(viewer, n, all.body.chain.seq);
    expect(delta.body.items.map((i: { id: string }) => i.id)).toEqual([id]);
    expect(delta.body.revision).toBe(w.body.revision);
    // The vault record carries no role: the caller's role comes from the verified chain.
    expect(delta.body.vaults).toEqual([
      {
        id: vault,
        name: expect.any(Object),
        generation: 1,
        breakGlass: false,
        revision: expect.any(Number),
        nameRevision: expect.any(Number),
      },
    ]);
    expect(delta.body.keys).toEqual(sentTo(viewer, vault));
    expect(delta.body.chain).toEqual({ seq: all.body.chain.seq, links: [] });
    const none = await pull(viewer, delta.body.revision, delta.body.chain.seq);
    expect(none.body.items).toEqual([]);
  });

  it('a pull with seq=S returns exactly the links after S, and the head as chain.seq', async () => {
    const head = await refreshChain(owner, team);
    const full = await pull(viewer, 0, 0);
    expect(full.body.chain.seq).toBe(head.seq);
    expect(full.body.chain.links.map((l: { seq: number }) => l.seq)).toEqual(
      Array.from({ length: head.seq }, (_, i) => i + 1),
    );
    // They are the links as signed: verified from link 1 they reach the head the test knows.
    const links = full.body.chain.links as J[];
    const verified = extendChain(chainCrypto, verifyGenesis(chainCrypto, links[0]), links.slice(1));
    expect([verified.team, verified.seq, verified.head]).toEqual([team, head.seq, head.head]);
    expect((await owner.api.get(`${T()}/chain?after=0`)).body.links).toEqual(links);

    for (const s of [1, 2, head.seq - 1, head.seq, head.seq + 5]) {
      const r = await pull(viewer, full.body.revision, s);
      expect(r.status).toBe(200);
      expect(r.body.chain).toEqual({ seq: head.seq, links: links.slice(s) });
    }

    // A link appended now is the only one after the old head, in everyone's next pull.
    const g = await appendLinks(owner, team, [['group.create', { group: uuid(), name: 'sealed name' }]]);
    expect(g.status).toBe(200);
    expect(g.body.seq).toBe(head.seq + 1);
    for (const u of [owner, editor, viewer]) {
      const r = await pull(u, full.body.revision, head.seq);
      expect(r.body.chain.seq).toBe(head.seq + 1);
      expect(r.body.chain.links.map((l: J) => [l.seq, l.type, l.author])).toEqual([
        [head.seq + 1, 'group.create', owner.id],
      ]);
      expect(r.body.revision).toBe(g.body.revision);
    }
  });

  it('gaining access after N sends the whole vault, its key, and the links that granted it', async () => {
    const late = await newUser(srv.url, 'late');
    await join(owner, team, late, 'member');
    const before = await pull(late);
    expect(before.status).toBe(200);
    expect(before.body.vaults).toEqual([]);
    expect(before.body.items).toEqual([]);
    expect(before.body.keys).toEqual([]);
    await share(owner, vault, late, 'view');
    const after = await pull(late, before.body.revision, before.body.chain.seq);
    const count = await srv.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM items WHERE vault_id = $1',
      [vault],
    );
    expect(count.rows[0]!.n).toBeGreaterThan(1);
    expect(after.body.items).toHaveLength(count.rows[0]!.n);
    expect(after.body.items.every((i: { vault: string }) => i.vault === vault)).toBe(true);
    expect(after.body.vaults.map((v: { id: string }) => v.id)).toEqual([vault]);
    expect(after.body.keys).toEqual(sentTo(late, vault));
    expect(after.body.keys).toHaveLength(1);
    expect(after.body.chain.links.map((l: J) => [l.type, l.body.user ?? l.body.principal?.id])).toEqual([
      ['vault.grant', late.id],
      ['key.deliver', late.id],
    ]);
    // The next delta is small again.
    const next = await pull(late, after.body.revision, after.body.chain.seq);
    expect(next.body.items).toEqual([]);
    expect(next.body.chain.links).toEqual([]);
  });
});

describe('re-key', () => {
  let v: string;
  let items: { id: string; version: number }[];

  const snapshot = async () => ({
    team: (await srv.db.query('SELECT revision, chain_seq, chain_state FROM teams WHERE id = $1', [team]))
      .rows,
    links: (await srv.db.query('SELECT seq, link FROM team_links WHERE team_id = $1 ORDER BY seq', [team]))
      .rows,
    vault: (await srv.db.query('SELECT generation, name, revision FROM vaults WHERE id = $1', [v])).rows,
    items: (
      await srv.db.query(
        'SELECT id, version, generation, envelope, revision FROM items WHERE vault_id = $1 ORDER BY id',
        [v],
      )
    ).rows,
    access: (
      await srv.db.query(
        'SELECT principal_type, principal_id, role, revision FROM vault_access WHERE vault_id = $1 ORDER BY principal_id',
        [v],
      )
    ).rows,
    keys: (
      await srv.db.query(
        'SELECT generation, recipient, sealed_key FROM key_grants WHERE vault_id = $1 ORDER BY generation, recipient',
        [v],
      )
    ).rows,
    history: (
      await srv.db.query(
        'SELECT count(*)::int AS n FROM item_versions WHERE item_id IN (SELECT id FROM items WHERE vault_id = $1)',
        [v],
      )
    ).rows,
  });

  /** Readers after the viewer's grant is revoked: the owner (creator, team owner) and the editor. */
  const readers = () => [owner.id, editor.id].sort();

  interface RekeyOpts {
    revoke?: boolean;
    generation?: number;
    /** Users the link records a key for; default: exactly the entitled readers. */
    keysFor?: string[];
    /** Edits the sealed keys sent beside the link. */
    keys?: (k: SentKey[]) => SentKey[];
    items?: (i: { id: string; version: number; envelope: unknown }[]) => unknown[];
    vaults?: (p: J[]) => unknown[];
  }

  /** The batch a client sends to shut the viewer out: vault.revoke, then vault.rekey. */
  function rekeyBatch(o: RekeyOpts = {}) {
    const generation = o.generation ?? 2;
    const made = (o.keysFor ?? readers()).map((user) => ({ user, ...fakeSealedKey() }));
    const keys = made.map(({ user, sealedKey }) => ({ vault: v, generation, user, sealedKey }));
    const rekeyItems = items.map((i) => ({
      id: i.id,
      version: i.version + 1,
      envelope: envelope(),
      signature: rand(64),
    }));
    const payload: J = {
      vault: v,
      generation,
      name: envelope(),
      items: o.items ? o.items(rekeyItems) : rekeyItems,
    };
    const steps: [LinkType, Record<string, unknown>][] = [
      ...(o.revoke === false
        ? []
        : [
            ['vault.revoke', { vault: v, principal: { kind: 'user', id: viewer.id } }] as [
              LinkType,
              Record<string, unknown>,
            ],
          ]),
      ['vault.rekey', { vault: v, generation, keys: made.map(({ user, keyHash }) => ({ user, keyHash })) }],
    ];
    return {
      steps,
      extra: { keys: o.keys ? o.keys(keys) : keys, vaults: o.vaults ? o.vaults([payload]) : [payload] },
      keys,
    };
  }
  const rekey = (by: TestUser, o: RekeyOpts = {}) => {
    const b = rekeyBatch(o);
    return appendLinks(by, team, b.steps, b.extra);
  };

  beforeAll(async () => {
    v = await createVault(owner);
    await share(owner, v, editor, 'edit');
    await share(owner, v, viewer, 'view');
    const a = uuid();
    const b = uuid();
    expect((await put(owner, a, 0, 1, v)).status).toBe(200);
    expect((await put(owner, b, 0, 1, v)).status).toBe(200);
    expect((await put(editor, b, 1, 1, v)).status).toBe(200);
    items = [
      { id: a, version: 1 },
      { id: b, version: 2 },
    ];
  });

  it('a re-key with a stale, missing, foreign or doubled item changes nothing', async () => {
    const before = await snapshot();
    const stale = await rekey(owner, {
      items: (i) => i.map((x, n) => (n === 1 ? { ...x, version: items[1]!.version } : x)),
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toBe(
      `item ${items[1]!.id} is at version 2; the re-key must write version 3`,
    );
    expect(await snapshot()).toEqual(before);

    const missing = await rekey(owner, { items: (i) => i.slice(0, 1) });
    expect(missing.status).toBe(409);
    expect(missing.body.error.message).toBe(
      `item ${items[1]!.id} is missing from the re-key; sync and retry`,
    );

    const foreign = uuid();
    expect((await put(owner, foreign, 0)).status).toBe(200);
    const before2 = await snapshot();
    const other = await rekey(owner, {
      items: (i) => [...i, { id: foreign, version: 2, envelope: envelope(), signature: rand(64) }],
    });
    expect(other.status).toBe(409);
    expect(other.body.error.message).toBe(`item ${foreign} is not in this vault`);

    const doubled = await rekey(owner, { items: (i) => [...i, i[0]] });
    expect(doubled.status).toBe(409);
    expect(doubled.body.error.message).toBe(`item ${items[0]!.id} appears twice`);
    expect(await snapshot()).toEqual(before2);
  });

  it('an item written after the client read it makes its re-key stale', async () => {
    const before = await snapshot();
    // Built on the versions the client saw; an editor writes item a meanwhile.
    const b = rekeyBatch();
    expect((await put(editor, items[0]!.id, 1, 1, v)).status).toBe(200);
    items[0]!.version = 2;
    const r = await appendLinks(owner, team, b.steps, b.extra);
    expect(r.status).toBe(409);
    expect(r.body.error.message).toBe(
      `item ${items[0]!.id} is at version 2; the re-key must write version 3`,
    );
    const after = await snapshot();
    // Only the editor's write landed: no link, no generation, no access, no key changed, and
    // the other item is as it was.
    const { chain_seq, chain_state } = before.team[0] as J;
    expect(after.team[0]).toMatchObject({ chain_seq, chain_state });
    expect([after.links, after.vault, after.access, after.keys]).toEqual([
      before.links,
      before.vault,
      before.access,
      before.keys,
    ]);
    expect(after.items.find((i) => (i as J).id === items[1]!.id)).toEqual(
      before.items.find((i) => (i as J).id === items[1]!.id),
    );
    expect(after.history[0]).toEqual({ n: (before.history[0] as { n: number }).n + 1 });
  });

  it('a key set that is not exactly the entitled readers changes nothing', async () => {
    const before = await snapshot();
    // Without the revoke the viewer is still a reader: the keys leave them out.
    const noRevoke = await rekey(owner, { revoke: false });
    expect(noRevoke.status).toBe(403);
    expect(noRevoke.body.error.message).toMatch(/keys must go to exactly the entitled readers/);
    // After the revoke, a key for the viewer would hand the new generation to who just left.
    const toLeaver = await rekey(owner, { keysFor: [...readers(), viewer.id] });
    expect(toLeaver.status).toBe(403);
    expect(toLeaver.body.error.message).toMatch(/keys must go to exactly the entitled readers/);
    const short = await rekey(owner, { keysFor: [owner.id] });
    expect(short.status).toBe(403);
    // One sealed key each (a second would be refused as a duplicate before the chain looks).
    const twice = await rekey(owner, { keysFor: [owner.id, owner.id, editor.id], keys: (k) => k.slice(1) });
    expect(twice.status).toBe(403);
    expect(twice.body.error.message).toMatch(/a reader is listed twice/);
    // The link is right but the sealed keys sent beside it are not the ones it records. These
    // are found after the revoke, the new generation and every item were already written in
    // the transaction: the snapshot below shows all of it rolled back.
    const unsent = await rekey(owner, { keys: (k) => k.filter((x) => x.user !== editor.id) });
    expect(unsent.status).toBe(400);
    expect(unsent.body.error.message).toMatch(`names a key for ${editor.id} that was not sent`);
    const swapped = await rekey(owner, {
      keys: (k) => k.map((x) => (x.user === editor.id ? { ...x, sealedKey: fakeSealedKey().sealedKey } : x)),
    });
    expect(swapped.status).toBe(400);
    expect(swapped.body.error.message).toMatch(`the key for ${editor.id} does not match the hash`);
    const extra = await rekey(owner, {
      keys: (k) => [...k, { vault: v, generation: 2, user: viewer.id, sealedKey: fakeSealedKey().sealedKey }],
    });
    expect(extra.status).toBe(400);
    expect(extra.body.error.message).toBe(`keys: no link in this batch records the key for ${viewer.id}`);
    expect(await snapshot()).toEqual(before);
  });

  it('a wrong generation, a missing name, or an old head changes nothing', async () => {
    const before = await snapshot();
    const skip = await rekey(owner, { generation: 3 });
    expect(skip.status).toBe(403);
    expect(skip.body.error.message).toMatch(/re-key must go to generation 2, not 3/);
    const noPayload = await rekey(owner, { vaults: () => [] });
    expect(noPayload.status).toBe(400);
    expect(noPayload.body.error.message).toMatch(/needs the vault's name at generation 2/);
    const wrongPayload = await rekey(owner, { vaults: (p) => [{ ...p[0], generation: 3 }] });
    expect(wrongPayload.status).toBe(400);
    expect(await snapshot()).toEqual(before);

    // Signed on a head another append has since moved past: the compare-and-set refuses it.
    const old = await refreshChain(owner, team);
    const b = rekeyBatch();
    const moved = await appendLinks(owner, team, [['group.create', { group: uuid(), name: 'meanwhile' }]]);
    expect(moved.status).toBe(200);
    const mid = await snapshot();
    let state = old;
    const links = b.steps.map(([type, body]) => {
      const l = signNext(owner, state, type, body);
      state = extendChain(chainCrypto, state, [l]);
      return l;
    });
    const r = await owner.api.post(`${T()}/chain`, { links, ...b.extra });
    expect(r.status).toBe(409);
    expect(r.body.error.message).toMatch(
      /^the team chain is at link \d+, and this change was made on another/,
    );
    expect(await snapshot()).toEqual(mid);
  });

  it('only a manager may re-key', async () => {
    const before = await snapshot();
    for (const u of [editor, viewer]) {
      const r = await rekey(u);
      expect(r.status).toBe(403);
      expect(r.body.error.message).toMatch(/does not manage vault/);
    }
    // Nor may anyone append a re-key signed by someone else.
    const b = rekeyBatch();
    const state = await refreshChain(owner, team);
    const forged = signNext(owner, state, b.steps[0]![0], b.steps[0]![1]);
    const r = await editor.api.post(`${T()}/chain`, { links: [forged], ...b.extra });
    expect(r.status).toBe(403);
    expect(await snapshot()).toEqual(before);
  });

  it('a good re-key moves everything to the next generation at once', async () => {
    const before = await snapshot();
    const beforePull = await pull(viewer);
    expect(beforePull.body.vaults.map((x: { id: string }) => x.id)).toContain(v);
    expect(beforePull.body.keys).toEqual(expect.arrayContaining(sentTo(viewer, v)));

    const b = rekeyBatch();
    const r = await appendLinks(owner, team, b.steps, b.extra);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    sent.push(...b.keys);
    const after = await snapshot();
    expect(after.vault[0]).toMatchObject({ generation: 2, revision: r.body.revision });
    expect(after.items.map((i) => Number((i as J).version)).sort()).toEqual(
      items.map((i) => i.version + 1).sort(),
    );
    expect(after.items.every((i) => Number((i as J).generation) === 2)).toBe(true);
    expect(after.items.every((i) => Number((i as J).revision) === r.body.revision)).toBe(true);
    expect(after.access.map((a) => (a as J).principal_id).sort()).toEqual(readers());
    expect(after.history[0]).toEqual({ n: (before.history[0] as { n: number }).n + items.length });
    expect(after.links).toHaveLength(before.links.length + 2);
    expect(Number((after.team[0] as J).chain_seq)).toBe(r.body.seq);
    // Keys stay per generation: the old ones for history, the new ones for exactly the readers.
    expect(
      after.keys.filter((k) => Number((k as J).generation) === 2).map((k) => (k as J).recipient),
    ).toEqual(readers());
    expect(after.keys.filter((k) => Number((k as J).generation) === 1)).toEqual(
      before.keys.filter((k) => Number((k as J).generation) === 1),
    );

    const stale = await put(owner, items[0]!.id, items[0]!.version + 1, 1, v);
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toBe('vault was re-keyed; sync and retry');
    expect((await put(owner, items[0]!.id, items[0]!.version + 1, 2, v)).status).toBe(200);

    for (const u of [owner, editor]) {
      const p = await pull(u);
      expect(p.body.vaults.find((x: { id: string }) => x.id === v)).toMatchObject({ generation: 2 });
      expect(p.body.keys.filter((k: { vault: string }) => k.vault === v)).toEqual(sentTo(u, v));
      expect(p.body.keys.filter((k: { vault: string }) => k.vault === v).map((k: J) => k.generation)).toEqual(
        [1, 2],
      );
      expect(p.body.items.filter((i: J) => i.vault === v).every((i: J) => i.generation === 2)).toBe(true);
    }
  });

  it('a member who lost access gets neither the vault, its items nor any of its keys', async () => {
    const since0 = await pull(viewer);
    expect(since0.status).toBe(200);
    expect(since0.body.vaults.map((x: { id: string }) => x.id)).not.toContain(v);
    expect(since0.body.items.filter((i: J) => i.vault === v)).toEqual([]);
    // Not even the generation-1 key the viewer was once sent (the server still holds it).
    expect(since0.body.keys.filter((k: J) => k.vault === v)).toEqual([]);
    const held = await srv.db.query('SELECT 1 FROM key_grants WHERE vault_id = $1 AND recipient = $2', [
      v,
      viewer.id,
    ]);
    expect(held.rows).toHaveLength(1);
    // The vault the viewer still reads is unaffected.
    expect(since0.body.vaults.map((x: { id: string }) => x.id)).toContain(vault);
    // A write in the lost vault reaches nobody outside it, not even in a delta.
    const w = await put(editor, items[1]!.id, items[1]!.version + 1, 2, v);
    expect(w.status).toBe(200);
    const delta = await pull(viewer, since0.body.revision, since0.body.chain.seq);
    expect(delta.body.revision).toBe(w.body.revision);
    expect(delta.body.items).toEqual([]);
    expect(delta.body.keys.filter((k: J) => k.vault === v)).toEqual([]);
    const read = await viewer.api.get(`${itemPath(items[1]!.id, v)}/versions`);
    expect(read.status).toBe(403);
    expect(read.body.error.message).toBe(
      'your access to this vault (none) does not let you read its secrets: ask someone who manages it',
    );
    // The links that shut the viewer out are in the viewer's chain, like any member's.
    const links = (await pull(viewer, 0, 0)).body.chain.links as J[];
    expect(links.slice(-2).map((l) => [l.type, l.body.vault])).toEqual([
      ['vault.revoke', v],
      ['vault.rekey', v],
    ]);
  });
});

describe('keys in a pull are only the caller’s', () => {
  it('every user gets exactly the keys sealed to them, and no one else’s appears anywhere', async () => {
    const late = await newUser(srv.url, 'late2');
    await join(owner, team, late, 'member');
    const all = (
      await srv.db.query<{ vault_id: string; generation: number; recipient: string; sealed_key: string }>(
        `SELECT vault_id, generation, recipient, sealed_key FROM key_grants
          WHERE vault_id IN (SELECT id FROM vaults WHERE team_id = $1)`,
        [team],
      )
    ).rows;
    expect(new Set(all.map((k) => k.recipient)).size).toBeGreaterThanOrEqual(3);
    for (const u of [owner, editor, viewer, late]) {
      const text = await (
        await fetch(`${srv.url}${T()}/changes?since=0&seq=0`, {
          headers: { authorization: `Bearer ${u.token}` },
        })
      ).text();
      const body = JSON.parse(text) as J;
      const readable = new Set((body.vaults as J[]).map((x) => x.id));
      const mine = all
        .filter((k) => k.recipient === u.id && readable.has(k.vault_id))
        .map((k) => ({ vault: k.vault_id, generation: Number(k.generation), sealedKey: k.sealed_key }));
      const byKey = (a: J, b: J) => `${a.vault}${a.generation}`.localeCompare(`${b.vault}${b.generation}`);
      expect([...body.keys].sort(byKey), u.email).toEqual(mine.sort(byKey));
      // Each is the very key this file sealed to that user.
      for (const k of body.keys as J[]) expect(sent).toContainEqual({ ...k, user: u.id });
      for (const k of body.keys as J[])
        expect(Object.keys(k).sort()).toEqual(['generation', 'sealedKey', 'vault']);
      for (const other of all.filter((k) => k.recipient !== u.id))
        expect(text.includes(other.sealed_key), `${u.email} sees ${other.recipient}'s key`).toBe(false);
    }
  });
});
