// Process: test. One-time link routes over real HTTP on the selected engine: a view is spent
// only by an open (never by a peek), exactly once per allowed view however many opens race
// (also across two server processes on one database), with clear refusals for used up,
// expired, revoked and unknown links; who may create, list and revoke; the vault policy; the
// audit rows; and the per-address rate limit on the public routes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  envelope,
  formTeam,
  makeVault,
  newUser,
  rand,
  shareVault,
  startSecondServer,
  startServerProcess,
  startTestServer,
  type TestServer,
  type TestUser,
  uuid,
} from '../helpers/server.ts';

let srv: TestServer;
let owner: TestUser;
let admin: TestUser;
let viewer: TestUser;
let other: TestUser;
let team: string;
let vault: string;
let item: string;

const L = () => `/api/v1/teams/${team}/links`;
const linkBody = (over: Record<string, unknown> = {}) => ({
  id: uuid(),
  vault,
  item,
  envelope: { ...envelope(), kdf: null },
  expiresInSeconds: 3600,
  views: 1,
  ...over,
});

async function create(by: TestUser, over: Record<string, unknown> = {}) {
  const body = linkBody(over);
  const r = await by.api.post(L(), body);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return body;
}

const anon = () => api(srv.url);
const open = (id: string, url = srv.url) => api(url).post(`/api/v1/links/${id}/open`);

beforeAll(async () => {
  srv = await startTestServer({ linkPurgeMs: 200 });
  owner = await newUser(srv.url, 'owner');
  admin = await newUser(srv.url, 'admin');
  viewer = await newUser(srv.url, 'viewer');
  other = await newUser(srv.url, 'other');
  team = await formTeam(owner, [
    [admin, 'admin'],
    [viewer, 'member'],
    [other, 'member'],
  ]);
  vault = await makeVault(owner, team);
  await shareVault(owner, team, vault, { kind: 'user', id: viewer.id }, 'view');
  item = uuid();
  const put = await owner.api.put(`/api/v1/teams/${team}/vaults/${vault}/items/${item}`, {
    baseVersion: 0,
    version: 1,
    generation: 1,
    envelope: envelope(),
    signature: rand(64),
  });
  expect(put.status).toBe(200);
}, 120_000);

afterAll(async () => {
  await srv?.close();
});

describe('opening a link', () => {
  it('a peek spends nothing; the open hands back the ciphertext once; then it is used up', async () => {
    const l = await create(viewer);
    for (let i = 0; i < 3; i++) {
      const p = await anon().get(`/api/v1/links/${l.id}`);
      expect(p.status).toBe(200);
      expect(p.body).toMatchObject({ id: l.id, viewsLeft: 1, passphrase: false });
    }
    const o = await open(l.id);
    expect(o.status).toBe(200);
    expect(o.body.envelope).toEqual(l.envelope);
    expect(o.body.viewsLeft).toBe(0);
    const again = await open(l.id);
    expect(again.status).toBe(410);
    expect(again.body.error).toEqual({
      code: 'link_used_up',
      message: 'this link was already opened as many times as it allows',
    });
    expect((await anon().get(`/api/v1/links/${l.id}`)).body.error.code).toBe('link_used_up');
    const row = await srv.db.query('SELECT envelope, kdf FROM links WHERE id = $1', [l.id]);
    expect(row.rows[0]).toEqual({ envelope: null, kdf: null });
  });

  it('a three-view link opens three times and keeps the passphrase parameters', async () => {
    const kdf = { alg: 'argon2id13', opslimit: 3, memlimit: 64 * 1024 * 1024, salt: rand(16) };
    const l = await create(owner, { views: 3, envelope: { ...envelope(), kdf } });
    expect((await anon().get(`/api/v1/links/${l.id}`)).body.passphrase).toBe(true);
    const left = [];
    for (let i = 0; i < 3; i++) {
      const o = await open(l.id);
      expect(o.body.envelope.kdf).toEqual(kdf);
      left.push(o.body.viewsLeft);
    }
    expect(left).toEqual([2, 1, 0]);
    expect((await open(l.id)).body.error.code).toBe('link_used_up');
  });

  it('an expired link is refused and loses its ciphertext', async () => {
    const l = await create(owner);
    await srv.db.query(`UPDATE links SET expires_at = now() - interval '1 second' WHERE id = $1`, [l.id]);
    const o = await open(l.id);
    expect(o.status).toBe(410);
    expect(o.body.error).toEqual({ code: 'link_expired', message: 'this link has expired' });
    expect((await anon().get(`/api/v1/links/${l.id}`)).body.error.code).toBe('link_expired');
    const row = await srv.db.query('SELECT envelope FROM links WHERE id = $1', [l.id]);
    expect(row.rows[0]).toEqual({ envelope: null });
  });

  it('the purge empties expired links unasked, and deletes tombstones a week past expiry', async () => {
    const recent = await create(owner);
    const old = await create(owner);
    await srv.db.query(`UPDATE links SET expires_at = now() - interval '1 hour' WHERE id = $1`, [recent.id]);
    await srv.db.query(`UPDATE links SET expires_at = now() - interval '8 days' WHERE id = $1`, [old.id]);
    await new Promise((r) => setTimeout(r, 1000));
    const rows = await srv.db.query<{ id: string; envelope: unknown }>(
      'SELECT id, envelope FROM links WHERE id = ANY($1::uuid[])',
      [[recent.id, old.id]],
    );
    expect(rows.rows).toEqual([{ id: recent.id, envelope: null }]);
    expect((await open(old.id)).body.error.code).toBe('not_found');
    expect((await open(recent.id)).body.error.code).toBe('link_expired');
  });

  it('an unknown or malformed id is not found', async () => {
    const o = await open(uuid());
    expect(o.status).toBe(404);
    expect(o.body.error.code).toBe('not_found');
    expect((await open('not-a-uuid')).status).toBe(400);
  });
});

describe('concurrent opens', () => {
  // On PostgreSQL the second server is another OS process with its own pool; PGlite is
  // embedded in one process, so there it is a second app over the same database.
  it('50 opens of a one-view link across two server processes: exactly one succeeds', async () => {
    const second = srv.engine === 'postgres' ? await startServerProcess(srv) : await startSecondServer(srv);
    try {
      const l = await create(owner);
      const replies = await Promise.all(
        Array.from({ length: 50 }, (_, i) => open(l.id, i % 2 ? second.url : srv.url)),
      );
      const ok = replies.filter((r) => r.status === 200);
      expect(ok).toHaveLength(1);
      expect(replies.filter((r) => r.status === 410 && r.body.error.code === 'link_used_up')).toHaveLength(
        49,
      );
      const views = await srv.db.query(
        `SELECT count(*)::int AS n FROM link_events WHERE link_id = $1 AND event = 'viewed'`,
        [l.id],
      );
      expect(views.rows[0]).toEqual({ n: 1 });
      const five = await create(owner, { views: 5 });
      const r5 = await Promise.all(
        Array.from({ length: 50 }, (_, i) => open(five.id, i % 2 ? second.url : srv.url)),
      );
      expect(
        r5
          .filter((r) => r.status === 200)
          .map((r) => r.body.viewsLeft)
          .sort(),
      ).toEqual([0, 1, 2, 3, 4]);
    } finally {
      await second.close();
    }
  }, 60_000);
});

describe('creating', () => {
  it('needs read access to the vault and an item in it', async () => {
    const r = await other.api.post(L(), linkBody());
    expect(r.status).toBe(403);
    expect(r.body.error.message).toBe(
      'your access to this vault (none) does not let you read its secrets: ask someone who manages it',
    );
    const noItem = await owner.api.post(L(), linkBody({ item: uuid() }));
    expect(noItem.status).toBe(404);
    const outsider = await newUser(srv.url, 'outsider');
    expect((await outsider.api.post(L(), linkBody())).status).toBe(404);
    expect((await anon().post(L(), linkBody())).status).toBe(401);
  });

  it('refuses more than 7 days, more than 100 views, a reused id, or a key in the body', async () => {
    expect((await owner.api.post(L(), linkBody({ expiresInSeconds: 7 * 86400 + 1 }))).status).toBe(400);
    expect((await owner.api.post(L(), linkBody({ views: 101 }))).status).toBe(400);
    expect((await owner.api.post(L(), linkBody({ views: 0 }))).status).toBe(400);
    expect((await owner.api.post(L(), linkBody({ key: rand(32) }))).status).toBe(400);
    const l = await create(owner);
    const dup = await owner.api.post(L(), linkBody({ id: l.id }));
    expect(dup.status).toBe(409);
  });

  it('follows the vault policy an admin sets', async () => {
    const P = `/api/v1/teams/${team}/vaults/${vault}/link-policy`;
    expect((await viewer.api.get(P)).body).toEqual({ vault, linksAllowed: true, maxExpirySeconds: null });
    expect((await admin.api.put(P, { linksAllowed: true, maxExpirySeconds: 86400 })).status).toBe(200);
    const long = await viewer.api.post(L(), linkBody({ expiresInSeconds: 2 * 86400 }));
    expect(long.status).toBe(403);
    expect(long.body.error.message).toBe("this vault's policy lets links live at most 1d");
    await create(viewer, { expiresInSeconds: 86400 });
    expect((await admin.api.put(P, { linksAllowed: false, maxExpirySeconds: null })).status).toBe(200);
    const off = await viewer.api.post(L(), linkBody());
    expect(off.status).toBe(403);
    expect(off.body.error.message).toBe('an admin has turned off one-time links for this vault');
    expect((await viewer.api.put(P, { linksAllowed: true, maxExpirySeconds: null })).status).toBe(403);
    expect((await owner.api.put(P, { linksAllowed: true, maxExpirySeconds: null })).status).toBe(200);
    expect((await viewer.api.get(P)).body.linksAllowed).toBe(true);
  });
});

describe('listing and revoking', () => {
  it('members list their own links, admins the whole team', async () => {
    const mine = await create(viewer);
    const theirs = await create(owner);
    const v = await viewer.api.get(L());
    const ids = v.body.links.map((x: { id: string }) => x.id);
    expect(ids).toContain(mine.id);
    expect(ids).not.toContain(theirs.id);
    expect(v.body.links.every((x: { createdBy: { id: string } }) => x.createdBy.id === viewer.id)).toBe(true);
    const a = await admin.api.get(L());
    const all = a.body.links.map((x: { id: string }) => x.id);
    expect(all).toEqual(expect.arrayContaining([mine.id, theirs.id]));
    const shown = v.body.links.find((x: { id: string }) => x.id === mine.id);
    expect(shown).toMatchObject({ status: 'active', views: 1, viewsLeft: 1, passphrase: false, vault, item });
    expect(JSON.stringify(v.body)).not.toContain(mine.envelope.ct);
  });

  it('the creator or an admin revokes; another member may not', async () => {
    const l = await create(viewer);
    const no = await other.api.del(`${L()}/${l.id}`);
    expect(no.status).toBe(403);
    expect(no.body.error.message).toBe('only its creator or an admin may revoke a link; your role is member');
    const l2 = await create(viewer);
    expect((await viewer.api.del(`${L()}/${l.id}`)).body).toEqual({ id: l.id, revoked: true });
    expect((await admin.api.del(`${L()}/${l2.id}`)).body).toEqual({ id: l2.id, revoked: true });
    expect((await admin.api.del(`${L()}/${l2.id}`)).body).toEqual({ id: l2.id, revoked: false });
    const o = await open(l.id);
    expect(o.status).toBe(410);
    expect(o.body.error).toEqual({ code: 'link_revoked', message: 'this link was revoked by its sender' });
    const row = await srv.db.query('SELECT envelope FROM links WHERE id = $1', [l.id]);
    expect(row.rows[0]).toEqual({ envelope: null });
  });

  it('records creation, each view and revocation, and nothing of the content', async () => {
    const l = await create(viewer, { views: 2 });
    await open(l.id);
    await open(l.id);
    await viewer.api.del(`${L()}/${l.id}`);
    const ev = await srv.db.query<{ event: string; actor_id: string | null }>(
      'SELECT * FROM link_events WHERE link_id = $1 ORDER BY seq',
      [l.id],
    );
    expect(ev.rows.map((e) => [e.event, e.actor_id])).toEqual([
      ['created', viewer.id],
      ['viewed', null],
      ['viewed', null],
      ['revoked', viewer.id],
    ]);
    expect(JSON.stringify(ev.rows)).not.toContain(l.envelope.ct);
  });
});

describe('rate limits', () => {
  it('peeks and opens are limited per address', async () => {
    const limited = await startTestServer({ linkOpenRateLimit: 3 });
    try {
      const a = api(limited.url);
      const id = uuid();
      for (let i = 0; i < 3; i++) expect((await a.post(`/api/v1/links/${id}/open`)).status).toBe(404);
      const r = await a.post(`/api/v1/links/${id}/open`);
      expect(r.status).toBe(429);
      expect(r.body.error.code).toBe('rate_limited');
      for (let i = 0; i < 3; i++) expect((await a.get(`/api/v1/links/${id}`)).status).toBe(404);
      expect((await a.get(`/api/v1/links/${id}`)).status).toBe(429);
    } finally {
      await limited.close();
    }
  }, 60_000);
});
