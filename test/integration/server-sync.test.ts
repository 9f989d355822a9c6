// Process: test. Items, optimistic concurrency, delta sync and re-keying against the real
// server: a stale write is answered with the stored item, a pull since N returns only what
// changed after N, and a re-key either happens completely or not at all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  envelope,
  formTeam,
  grant,
  join,
  makeVault,
  newUser,
  startTestServer,
  type TestServer,
  type TestUser,
  uuid,
} from '../helpers/server.ts';

let srv: TestServer;
let owner: TestUser;
let editor: TestUser;
let viewer: TestUser;
let team: string;
let vault: string;
const T = () => `/api/v1/teams/${team}`;
const itemPath = (id: string, v = vault) => `${T()}/vaults/${v}/items/${id}`;

async function put(u: TestUser, id: string, baseVersion: number, generation = 1, v = vault) {
  return u.api.put(itemPath(id, v), {
    baseVersion,
    version: baseVersion + 1,
    generation,
    envelope: envelope(),
  });
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
  vault = await makeVault(owner, team);
  for (const [u, role] of [
    [editor, 'edit'],
    [viewer, 'view'],
  ] as const) {
    const r = await owner.api.post(`${T()}/vaults/${vault}/access`, {
      principal: { type: 'user', id: u.id },
      role,
      keyGrants: [grant(u.id, owner.id, 1, role)],
    });
    expect(r.status).toBe(200);
  }
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
    expect(r.body.error).toEqual({ code: 'forbidden', message: 'your vault role view may not item.write' });
    const outsider = await newUser(srv.url, 'outsider');
    expect((await put(outsider, uuid(), 0)).status).toBe(404);
    expect((await outsider.api.get(`${T()}/changes?since=0`)).status).toBe(404);
  });

  it('a tombstone is a version too', async () => {
    const id = uuid();
    await put(editor, id, 0);
    const d = await editor.api.put(itemPath(id), {
      baseVersion: 1,
      version: 2,
      generation: 1,
      envelope: envelope(),
      deleted: true,
    });
    expect(d.status).toBe(200);
    const h = await editor.api.get(`${itemPath(id)}/versions`);
    expect(h.body.versions.map((v: { deleted: boolean }) => v.deleted)).toEqual([false, true]);
  });
});

describe('delta sync', () => {
  it('changes since N returns only what changed after N', async () => {
    const all = await viewer.api.get(`${T()}/changes?since=0`);
    expect(all.status).toBe(200);
    const n = all.body.revision;
    expect(all.body.items.length).toBeGreaterThan(0);
    expect(all.body.team.id).toBe(team);

    const id = uuid();
    const w = await put(editor, id, 0);
    const delta = await viewer.api.get(`${T()}/changes?since=${n}`);
    expect(delta.body.items.map((i: { id: string }) => i.id)).toEqual([id]);
    expect(delta.body.revision).toBe(w.body.revision);
    expect(delta.body.vaults.map((v: { id: string; role: string }) => [v.id, v.role])).toEqual([
      [vault, 'view'],
    ]);
    const none = await viewer.api.get(`${T()}/changes?since=${delta.body.revision}`);
    expect(none.body.items).toEqual([]);
  });

  it('gaining access after N sends the whole vault', async () => {
    const late = await newUser(srv.url, 'late');
    await join(owner, team, late, 'member');
    const before = await late.api.get(`${T()}/changes?since=0`);
    expect(before.body.vaults).toEqual([]);
    expect(before.body.items).toEqual([]);
    await owner.api.post(`${T()}/vaults/${vault}/access`, {
      principal: { type: 'user', id: late.id },
      role: 'view',
      keyGrants: [grant(late.id, owner.id, 1, 'view')],
    });
    const after = await late.api.get(`${T()}/changes?since=${before.body.revision}`);
    const count = await srv.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM items WHERE vault_id = $1',
      [vault],
    );
    expect(after.body.items).toHaveLength(count.rows[0]!.n);
    expect(after.body.keyGrants).toContainEqual(
      expect.objectContaining({ vault, recipient: late.id, generation: 1 }),
    );
  });
});

describe('re-key', () => {
  let v: string;
  let items: { id: string; version: number }[];

  const snapshot = async () => ({
    vault: (await srv.db.query('SELECT generation, name, revision FROM vaults WHERE id = $1', [v])).rows,
    items: (
      await srv.db.query(
        'SELECT id, version, generation, envelope FROM items WHERE vault_id = $1 ORDER BY id',
        [v],
      )
    ).rows,
    access: (await srv.db.query('SELECT * FROM vault_access WHERE vault_id = $1 ORDER BY principal_id', [v]))
      .rows,
    grants: (await srv.db.query('SELECT count(*)::int AS n FROM key_grants WHERE vault_id = $1', [v])).rows,
    history: (
      await srv.db.query(
        'SELECT count(*)::int AS n FROM item_versions WHERE item_id IN (SELECT id FROM items WHERE vault_id = $1)',
        [v],
      )
    ).rows,
  });
  const rekeyBody = (over: Record<string, unknown> = {}) => ({
    generation: 2,
    name: envelope(),
    items: items.map((i) => ({ id: i.id, version: i.version + 1, envelope: envelope() })),
    keyGrants: [grant(owner.id, owner.id, 2)],
    removeAccess: { type: 'user', id: viewer.id },
    ...over,
  });

  beforeAll(async () => {
    v = await makeVault(owner, team);
    await owner.api.post(`${T()}/vaults/${v}/access`, {
      principal: { type: 'user', id: viewer.id },
      role: 'view',
      keyGrants: [grant(viewer.id, owner.id, 1, 'view')],
    });
    const a = uuid();
    const b = uuid();
    await put(owner, a, 0, 1, v);
    await put(owner, b, 0, 1, v);
    await put(owner, b, 1, 1, v);
    items = [
      { id: a, version: 1 },
      { id: b, version: 2 },
    ];
  });

  it('a re-key with one bad item changes nothing', async () => {
    const before = await snapshot();
    const body = rekeyBody();
    (body.items as { version: number }[])[1]!.version = 2;
    const r = await owner.api.post(`${T()}/vaults/${v}/rekey`, body);
    expect(r.status).toBe(409);
    expect(r.body.error.message).toContain(items[1]!.id);
    expect(await snapshot()).toEqual(before);

    const missing = await owner.api.post(
      `${T()}/vaults/${v}/rekey`,
      rekeyBody({ items: rekeyBody().items.slice(0, 1) }),
    );
    expect(missing.status).toBe(409);
    expect(missing.body.error.message).toContain(items[1]!.id);
    const noKey = await owner.api.post(`${T()}/vaults/${v}/rekey`, rekeyBody({ removeAccess: undefined }));
    expect(noKey.status).toBe(400);
    expect(noKey.body.error.message).toContain(viewer.email);
    const wrongGen = await owner.api.post(`${T()}/vaults/${v}/rekey`, rekeyBody({ generation: 3 }));
    expect(wrongGen.status).toBe(409);
    expect(await snapshot()).toEqual(before);
  });

  it('only a manager may re-key', async () => {
    const r = await viewer.api.post(`${T()}/vaults/${v}/rekey`, rekeyBody());
    expect(r.status).toBe(403);
  });

  it('a good re-key moves everything to the next generation at once', async () => {
    const r = await owner.api.post(`${T()}/vaults/${v}/rekey`, rekeyBody());
    expect(r.status).toBe(200);
    const after = await snapshot();
    expect(after.vault[0]).toMatchObject({ generation: 2, revision: r.body.revision });
    expect(after.items.map((i) => (i as { version: number }).version).sort()).toEqual([2, 3]);
    expect(after.items.every((i) => (i as { generation: number }).generation === 2)).toBe(true);
    expect(after.access).toHaveLength(1);
    expect(after.history[0]).toEqual({ n: 5 });

    const stale = await put(owner, items[0]!.id, 2, 1, v);
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toBe('vault was re-keyed; sync and retry');
    expect((await put(owner, items[0]!.id, 2, 2, v)).status).toBe(200);
    const viewerChanges = await viewer.api.get(`${T()}/changes?since=0`);
    expect(viewerChanges.body.vaults.map((x: { id: string }) => x.id)).not.toContain(v);
    const ownerChanges = await owner.api.get(`${T()}/changes?since=0`);
    const grants = ownerChanges.body.keyGrants.filter(
      (g: { vault: string; recipient: string }) => g.vault === v && g.recipient === owner.id,
    );
    expect(grants.map((g: { generation: number }) => g.generation)).toEqual([1, 2]);
  });
});
