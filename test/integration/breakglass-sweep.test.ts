// Process: test. The break-glass events no link marks (docs/design.md "Break-glass", "Audit"):
// a grant when a delay passes with nobody signing anything, a grant at the k-th approval, and a
// window that ends without a close. Each is recorded once, also with a second server process on
// the same database sweeping at the same time; the clients' own audit check verifies them; the
// webhook alerts each, retried with the same event id; and a grant the server writes into its
// own tables makes no client believe it. One clock, injected into the servers and every client.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { breakglassSessionReply, paths } from '../../shared/api.ts';
import type { Unlocked } from '../../electron/core/profile/unlocked.ts';
import { recordAudit } from '../../server/data/audit.ts';
import { migrate } from '../../server/migrate.ts';
import { BreakGlassNotice } from '../../electron/core/desktop/breakglass-notice.ts';
import type { DueNotification } from '../../electron/core/desktop/due-notice.ts';
import { bytes, formTeam, type Person, signUp } from '../helpers/people.ts';
import { startSecondServer, startTestServer } from '../helpers/server.ts';

const MIN = 60_000;
let clock = Date.UTC(2026, 5, 1, 9, 0, 0);
const now = () => new Date(clock);
const SECRET = new TextEncoder().encode('webhook-secret-sweep');
/** Every attempt the receiver saw; it answers 503 while `refuse` is above zero. */
const attempts: { body: string; sig: string | undefined; refused: boolean }[] = [];
let refuse = 0;
const logLines: string[] = [];
let hook: Server;
let hookUrl: string;
let srv: Awaited<ReturnType<typeof startTestServer>>;
let alice: Person; // owner
let adam: Person; // admin
let rob: Person; // responder
let team: string;
let ops: string; // delay 15 min
let prod: string; // one approval

const unlockedOf = (p: Person) => (p.svc as unknown as { unlocked: Unlocked }).unlocked;
/** The session route as rob's client calls it; it sweeps the team first. */
const hitSession = (request: string) =>
  unlockedOf(rob)
    .http.request('GET', paths.breakglassSession(team, request), undefined, breakglassSessionReply)
    .catch((e: unknown) => e);

async function entriesOf(request: string) {
  const r = await srv.db.query<{
    entry: { kind: string; actor: string | null; refs: Record<string, unknown> };
  }>('SELECT entry FROM audit_entries WHERE team_id = $1 ORDER BY seq', [team]);
  return r.rows.map((x) => x.entry).filter((e) => e.refs.request === request);
}
const kindsOf = async (request: string) => (await entriesOf(request)).map((e) => e.kind);
const delivered = (type: string, request: string) =>
  attempts
    .filter((a) => !a.refused)
    .map((a) => JSON.parse(a.body))
    .filter((b) => b.type === type && b.request === request);

beforeAll(async () => {
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const refused = refuse > 0;
      if (refused) refuse--;
      attempts.push({ body, sig: req.headers['x-tessera-signature'] as string | undefined, refused });
      res.statusCode = refused ? 503 : 200;
      res.end(refused ? 'busy' : 'ok');
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/alert?token=url-token`;
  srv = await startTestServer({
    logger: true,
    logStream: { write: (l: string) => logLines.push(l) },
    breakGlass: {
      now,
      // The timer stays out of the way here; the routes sweep lazily, a second server sweeps on its timer.
      sweepMs: 3_600_000,
      webhook: { url: hookUrl, secret: SECRET, retryDelaysMs: [30, 60] },
    },
  });
  alice = await signUp(srv.url, 'alice', { now });
  adam = await signUp(srv.url, 'adam', { now });
  rob = await signUp(srv.url, 'rob', { now });
  await formTeam(alice, 'acme', [
    { person: adam, role: 'admin' },
    { person: rob, role: 'member' },
  ]);
  team = unlockedOf(alice).team().chain.team;
  ops = (await alice.svc.createVault('ops')).id;
  await alice.svc.setSecret('ops/root', bytes('r00t'));
  prod = (await alice.svc.createVault('prod')).id;
  await alice.svc.setSecret('prod/db', bytes('pw-1'));
  await alice.svc.breakGlass.mark('ops', { kind: 'delay', minutes: 15 }, 30);
  await alice.svc.breakGlass.mark('prod', { kind: 'approval', approvals: 1 }, 30);
  for (const p of [adam, rob]) await p.svc.sync();
});

afterAll(async () => {
  for (const p of [alice, adam, rob]) p?.svc.lock();
  await srv?.close();
  await new Promise((r) => hook?.close(r));
});

describe('a delay that passes with no link', () => {
  let request: string;

  it('is a grant the sweep records once, even with a second server sweeping the same database', async () => {
    request = (await rob.svc.breakGlass.request('ops', 'on call', 10)).request;
    clock += 14 * MIN;
    await hitSession(request);
    expect(await kindsOf(request)).toEqual(['breakglass.request']);
    clock += 2 * MIN;
    // A second process on the same database, sweeping every 20 ms, while rob's calls to the
    // first one sweep lazily at the same moments.
    const second = await startSecondServer({
      ...srv,
      options: { ...srv.options, logger: false, breakGlass: { ...srv.options.breakGlass, sweepMs: 20 } },
    });
    try {
      await Promise.all([hitSession(request), hitSession(request), hitSession(request)]);
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await second.close();
    }
    const grants = (await entriesOf(request)).filter((e) => e.kind === 'breakglass.grant');
    expect(grants).toHaveLength(1);
    expect(grants[0]).toMatchObject({ actor: null, refs: { vault: ops, request } });
    await expect.poll(() => delivered('breakglass.grant', request).length).toBe(1);
    expect(delivered('breakglass.grant', request)[0]).toMatchObject({
      team,
      vault: ops,
      request,
      at: Date.UTC(2026, 5, 1, 9, 15, 0),
    });
  });

  it('the key sealed and the window over without a close: one expiry, which the clients verify', async () => {
    expect((await alice.svc.sync()).keysSealed).toBe(1);
    await rob.svc.sync();
    // The key link finds the grant already recorded: none twice.
    expect(await kindsOf(request)).toEqual(['breakglass.request', 'breakglass.grant', 'breakglass.key']);
    clock += 9 * MIN;
    await hitSession(request);
    expect(await kindsOf(request)).not.toContain('breakglass.expire');
    clock += 2 * MIN;
    const second = await startSecondServer({
      ...srv,
      options: { ...srv.options, logger: false, breakGlass: { ...srv.options.breakGlass, sweepMs: 20 } },
    });
    try {
      const answers = await Promise.all([hitSession(request), hitSession(request)]);
      for (const a of answers) expect(a).toMatchObject({ code: 'forbidden' });
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await second.close();
    }
    const kinds = await kindsOf(request);
    expect(kinds.filter((k) => k === 'breakglass.expire')).toHaveLength(1);
    // Recorded before the refused releases that followed it.
    expect(kinds.indexOf('breakglass.expire')).toBeGreaterThan(kinds.indexOf('breakglass.key'));
    const key = unlockedOf(alice)
      .team()
      .chain.vaults.get(ops)!
      .sessions!.find((s) => s.request === request)!.key!;
    await expect.poll(() => delivered('breakglass.expire', request).length).toBe(1);
    expect(delivered('breakglass.expire', request)[0]).toMatchObject({ at: key.at + 10 * MIN });
    // The clients' own check of the whole log, new kinds included.
    const log = await alice.svc.audit({}, { verify: true });
    expect(log.verifiedUpTo).toBe(log.rows.at(-1)?.seq);
    const mine = log.rows.filter((r) => r.vaultId === ops).map((r) => r.kind);
    expect(mine).toEqual(expect.arrayContaining(['breakglass.grant', 'breakglass.expire']));
  });
});

describe('the timer', () => {
  it('records a delay’s grant with no route used, then stops with the server', async () => {
    const { request } = await rob.svc.breakGlass.request('ops', 'nobody looks', 5);
    clock += 16 * MIN;
    const second = await startSecondServer({
      ...srv,
      options: { ...srv.options, logger: false, breakGlass: { ...srv.options.breakGlass, sweepMs: 20 } },
    });
    try {
      await expect.poll(() => kindsOf(request), { timeout: 5000 }).toContain('breakglass.grant');
    } finally {
      await second.close();
    }
    await rob.svc.sync();
    await rob.svc.breakGlass.close(request);
  });
});

describe('the k-th approval', () => {
  it('records the grant in its own transaction, right after the approval; a close first means no expiry', async () => {
    const { request } = await rob.svc.breakGlass.request('prod', 'pager went off', 10);
    await adam.svc.sync();
    await adam.svc.breakGlass.approve(request);
    const es = await entriesOf(request);
    expect(es.map((e) => e.kind)).toEqual(['breakglass.request', 'breakglass.approve', 'breakglass.grant']);
    expect(es[2]!.refs.chainSeq).toBe(es[1]!.refs.chainSeq);
    await expect.poll(() => delivered('breakglass.grant', request).length).toBe(1);
    await alice.svc.sync();
    await rob.svc.sync();
    await rob.svc.breakGlass.close(request);
    clock += 20 * MIN;
    await hitSession(request);
    expect(await kindsOf(request)).not.toContain('breakglass.expire');
    expect(delivered('breakglass.expire', request)).toHaveLength(0);
  });
});

describe('the webhook', () => {
  it('retries a refused delivery with the same event id and body, each attempt signed', async () => {
    refuse = 2;
    const before = attempts.length;
    const { request } = await rob.svc.breakGlass.request('prod', 'second page', 5);
    await expect.poll(() => delivered('breakglass.request', request).length).toBe(1);
    const mine = attempts.slice(before).filter((a) => JSON.parse(a.body).request === request);
    expect(mine.map((a) => a.refused)).toEqual([true, true, false]);
    expect(new Set(mine.map((a) => a.body)).size).toBe(1);
    expect(JSON.parse(mine[0]!.body).id).toMatch(/^[0-9a-f-]{36}$/);
    for (const a of mine)
      expect(a.sig).toBe(`sha256=${createHmac('sha256', SECRET).update(a.body).digest('hex')}`);
    await adam.svc.sync();
    await adam.svc.breakGlass.deny(request);
  });

  it('gives up after three attempts with a log line naming the event, not the URL or the secret', async () => {
    refuse = 3;
    const before = attempts.length;
    const { request } = await rob.svc.breakGlass.request('prod', 'third page', 5);
    await expect.poll(() => attempts.length - before, { timeout: 5000 }).toBe(3);
    const id = JSON.parse(attempts.at(-1)!.body).id as string;
    await expect
      .poll(() => logLines.find((l) => l.includes('gave up')), { timeout: 5000 })
      .toContain(`event ${id} (breakglass.request) after 3 attempts`);
    const line = logLines.find((l) => l.includes('gave up'))!;
    expect(line).not.toContain('url-token');
    expect(line).not.toContain('webhook-secret');
    await adam.svc.sync();
    await adam.svc.breakGlass.deny(request);
  });
});

describe('a hostile server', () => {
  it('writes a grant into its own tables and log: no client believes it', async () => {
    const { request } = await rob.svc.breakGlass.request('prod', 'fourth page', 5);
    await srv.db.transaction(async (tx) => {
      await tx.query("INSERT INTO breakglass_events (request_id, kind, team_id) VALUES ($1, 'grant', $2)", [
        request,
        team,
      ]);
      await recordAudit(tx, team, { kind: 'breakglass.grant', actor: null, refs: { vault: prod, request } });
    });
    for (const p of [alice, adam, rob]) await p.svc.sync();
    for (const p of [alice, adam, rob])
      expect(p.svc.breakGlass.status().find((e) => e.request === request)?.status).toBe('pending');
    expect((await alice.svc.sync()).keysSealed).toBe(0);
    await expect(rob.svc.breakGlass.open(request)).rejects.toMatchObject({
      message: expect.stringMatching(/pending/),
    });
    // The admin's desktop notice, fed from the admin's verified chain, tells of no grant; the
    // real approval after it does.
    const told: DueNotification[] = [];
    const notice = new BreakGlassNotice(
      (n) => told.push(n),
      () => undefined,
    );
    notice.check(adam.svc.breakGlass.status(), adam.svc.breakGlass.approver());
    expect(told.map((n) => n.title)).toEqual(['Break-glass request']);
    await adam.svc.breakGlass.approve(request);
    notice.check(adam.svc.breakGlass.status(), adam.svc.breakGlass.approver());
    expect(told.at(-1)).toMatchObject({
      title: 'Break-glass session granted',
      body: '1 break-glass session was granted. Open Tessera to see it.',
    });
    // A server's own entries are its word only (docs/design.md "Audit"): the forged marker takes
    // the real grant's place in the log, and no client decision rests on either.
    expect((await kindsOf(request)).filter((k) => k === 'breakglass.grant')).toHaveLength(1);
  });
});

describe('an upgrade from before the sweep', () => {
  it('marks what is already over as done: the first sweep records and alerts none of it', async () => {
    const last = rob.svc.breakGlass.status().at(-1)!;
    await rob.svc.breakGlass.close(last.request);
    const count = async () =>
      Number(
        (
          await srv.db.query<{ n: number }>('SELECT count(*) AS n FROM audit_entries WHERE team_id = $1', [
            team,
          ])
        ).rows[0]!.n,
      );
    const entries = await count();
    const alerts = attempts.length;
    await srv.db.exec(
      "DROP TABLE breakglass_events; DELETE FROM schema_migrations WHERE version = '011_breakglass_sweep'",
    );
    expect(await migrate(srv.db)).toEqual(['011_breakglass_sweep']);
    const sessions = rob.svc.breakGlass.status().length;
    const marks = await srv.db.query('SELECT 1 FROM breakglass_events WHERE team_id = $1', [team]);
    expect(marks.rows).toHaveLength(2 * sessions);
    clock += 60 * MIN;
    await hitSession(last.request);
    await new Promise((r) => setTimeout(r, 200));
    expect(await count()).toBe(entries);
    expect(attempts.length).toBe(alerts);
  });
});
