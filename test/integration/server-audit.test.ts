// Process: test. The team's audit log on the real server and the selected engine
// (docs/design.md "Audit"): chain appends, logins and one-time links record their events in
// the same transaction, an entry names ids only, a member's own events must carry their
// signature, only owners and admins read, and an event that cannot be recorded does not
// happen (an audit insert made to fail rolls the action back).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../shared/audit/entry.ts';
import { readAudit, signedEvent, verifyAll } from '../helpers/audit.ts';
import {
  api,
  appendLinks,
  chainOf,
  envelope,
  formTeam,
  invite,
  login,
  makeVault,
  newUser,
  rand,
  refreshChain,
  startTestServer,
  type TestServer,
  type TestUser,
  uuid,
} from '../helpers/server.ts';

let srv: TestServer;
let owner: TestUser;
let admin: TestUser;
let member: TestUser;
let team: string;
let vault: string;
let item: string;
const A = () => `/api/v1/teams/${team}/audit`;

async function entries(): Promise<AuditEntry[]> {
  const raw = await readAudit(owner, team);
  return verifyAll(team, await refreshChain(owner, team), raw).entries;
}

beforeAll(async () => {
  srv = await startTestServer();
  owner = await newUser(srv.url, 'owner');
  admin = await newUser(srv.url, 'admin');
  member = await newUser(srv.url, 'member');
  team = await formTeam(owner, [
    [admin, 'admin'],
    [member, 'member'],
  ]);
  vault = await makeVault(owner, team);
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

describe('server events', () => {
  it('records team creation, invitations, confirmations and vault creation, verifying end to end', async () => {
    const kinds = (await entries()).map((e) => e.kind);
    expect(kinds[0]).toBe('team.create');
    expect(kinds.filter((k) => k === 'member.invite')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'member.confirm')).toHaveLength(2);
    expect(kinds).toContain('vault.create');
    expect(kinds).not.toContain('key.deliver');
  });

  it('records a login in every team the user is confirmed in, and a failed login', async () => {
    expect((await login(srv.url, member.email, member.password)).finish.status).toBe(200);
    expect((await login(srv.url, member.email, 'wrong')).finish.status).toBe(401);
    // The failed login is recorded after the answer (so it takes no longer): wait for it.
    for (let i = 0; i < 50; i++) {
      if ((await entries()).some((e) => e.kind === 'auth.login_failed' && e.actor === member.id)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const mine = (await entries()).filter((e) => e.actor === member.id);
    expect(mine.map((e) => e.kind)).toEqual(expect.arrayContaining(['auth.login', 'auth.login_failed']));
  });

  it('records link creation, view and revocation with link, vault and item ids', async () => {
    const id = uuid();
    const body = {
      id,
      vault,
      item,
      envelope: { ...envelope(), kdf: null },
      expiresInSeconds: 3600,
      views: 2,
    };
    expect((await owner.api.post(`/api/v1/teams/${team}/links`, body)).status).toBe(200);
    expect((await api(srv.url).post(`/api/v1/links/${id}/open`)).status).toBe(200);
    expect((await owner.api.del(`/api/v1/teams/${team}/links/${id}`)).status).toBe(200);
    const got = (await entries()).filter((e) => e.refs.link === id);
    expect(got.map((e) => [e.kind, e.actor])).toEqual([
      ['link.create', owner.id],
      ['link.view', null],
      ['link.revoke', owner.id],
    ]);
    for (const e of got) expect(e.refs).toMatchObject({ vault, item });
  });

  it('names no email, name or secret anywhere in the stored entries', async () => {
    const r = await srv.db.query<{ entry: unknown }>('SELECT entry FROM audit_entries WHERE team_id = $1', [
      team,
    ]);
    const text = JSON.stringify(r.rows);
    for (const u of [owner, admin, member]) {
      expect(text).not.toContain(u.email);
      expect(text).not.toContain(u.email.split('@')[0]);
    }
  });
});

describe('client events', () => {
  it("chains a member's signed reveal once, however often it is resent", async () => {
    const e = signedEvent(member, team, 'secret.reveal', { vault, item });
    const first = await member.api.post(A(), { events: [e] });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const again = await member.api.post(A(), { events: [e] });
    expect(again.body.seqs).toEqual(first.body.seqs);
    const got = (await entries()).filter((x) => x.client?.id === e.id);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ kind: 'secret.reveal', actor: member.id, refs: { vault, item } });
  });

  it('refuses an event signed by someone else, or altered after signing', async () => {
    const forged = signedEvent(admin, team, 'secret.copy', { vault, item });
    const r = await member.api.post(A(), { events: [forged] });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain('events.0: the signature does not verify under your key');
    const altered = { ...signedEvent(member, team, 'secret.copy', { vault, item }), refs: { vault } };
    expect((await member.api.post(A(), { events: [altered] })).status).toBe(400);
    expect((await entries()).some((x) => x.client?.id === forged.id || x.client?.id === altered.id)).toBe(
      false,
    );
  });

  it('refuses a server kind sent as a client event', async () => {
    const e = { ...signedEvent(member, team, 'secret.reveal'), kind: 'auth.login' };
    const r = await member.api.post(A(), { events: [e] });
    expect(r.status).toBe(400);
  });
});

describe('who reads', () => {
  it('lets owners and admins read, not members', async () => {
    expect((await admin.api.get(A())).status).toBe(200);
    const r = await member.api.get(A());
    expect(r.status).toBe(403);
    expect(r.body.error.message).toContain("does not let you read the team's audit log");
  });

  it('pages with after and limit', async () => {
    const r = await owner.api.get(`${A()}?after=2&limit=3`);
    expect(r.body.entries.map((e: AuditEntry) => e.seq)).toEqual([3, 4, 5]);
    expect(r.body.head).toBeGreaterThan(5);
  });
});

describe('fail closed', () => {
  it('rolls the action back when its audit entry cannot be written', async () => {
    await srv.db.exec(`
      CREATE FUNCTION audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'audit store refused'; END $$;
      CREATE TRIGGER audit_refuse BEFORE INSERT ON audit_entries FOR EACH ROW EXECUTE FUNCTION audit_refuse();`);
    try {
      const seq = chainOf(team).seq;
      const stranger = `late-${uuid()}@example.com`;
      const r = await invite(owner, team, stranger, 'member');
      expect(r.status).toBe(500);
      const stored = await srv.db.query<{ chain_seq: number }>('SELECT chain_seq FROM teams WHERE id = $1', [
        team,
      ]);
      expect(Number(stored.rows[0]!.chain_seq)).toBe(seq);
      const m = await srv.db.query('SELECT 1 FROM memberships WHERE team_id = $1 AND email = $2', [
        team,
        stranger,
      ]);
      expect(m.rows).toHaveLength(0);

      const id = uuid();
      const link = {
        id,
        vault,
        item,
        envelope: { ...envelope(), kdf: null },
        expiresInSeconds: 3600,
        views: 1,
      };
      expect((await owner.api.post(`/api/v1/teams/${team}/links`, link)).status).toBe(500);
      expect((await srv.db.query('SELECT 1 FROM links WHERE id = $1', [id])).rows).toHaveLength(0);

      expect((await login(srv.url, owner.email, owner.password)).finish.status).toBe(500);
    } finally {
      await srv.db.exec('DROP TRIGGER audit_refuse ON audit_entries; DROP FUNCTION audit_refuse();');
    }
    // The chain the test keeps was not extended by the refused append, so the next one fits.
    expect(
      (
        await appendLinks(owner, team, [
          [
            'member.invite',
            {
              email: `ok-${rand(4)
                .toLowerCase()
                .replace(/[^a-z0-9]/g, 'x')}@example.com`,
              role: 'member',
            },
          ],
        ])
      ).status,
    ).toBe(200);
  });
});
