// Process: test. The audit log against a server that lies (docs/design.md "Audit"): rows
// rewritten, deleted, reordered or cut off directly in the database (on the selected engine),
// a proxy serving a shorter log than the client saw, and events forged in a member's name.
// Each must end in a `tampered` error naming the team; the honest path shows who revealed and
// copied what, by names this client resolved itself, and a reveal made offline is sent later.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chainCrypto, signAuditEvent } from '../../electron/core/crypto/chain.ts';
import { initSodium } from '../../electron/core/crypto/index.ts';
import type { Unlocked } from '../../electron/core/profile/unlocked.ts';
import { type AuditEntry, auditHashedMessage } from '../../shared/audit/entry.ts';
import { toB64, utf8 } from '../../shared/encoding.ts';
import { TesseraError } from '../../shared/errors.ts';
import { type HostileProxy, startHostileProxy } from '../helpers/hostile-proxy.ts';
import { bytes, formTeam, type Person, signUp } from '../helpers/people.ts';
import { startTestServer } from '../helpers/server.ts';

let srv: Awaited<ReturnType<typeof startTestServer>>;
let proxy: HostileProxy;
let alice: Person; // owner, reads the audit
let bob: Person; // member with view on prod
let team: string;
let saved: { seq: number; entry: unknown; client_id: string | null }[] = [];
let savedHead: { seq: number; hash: string | null };

const unlockedOf = (p: Person) => (p.svc as unknown as { unlocked: Unlocked }).unlocked;
const isAudit = (path: string) => path.includes('/audit');

async function tamperedError(p: Promise<unknown>): Promise<TesseraError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(TesseraError);
  expect((e as TesseraError).code).toBe('tampered');
  expect((e as TesseraError).message).toContain('the audit log of team "acme"');
  return e as TesseraError;
}

/** The whole log as the server stores it, to restore after each tampering. */
async function snapshot() {
  const r = await srv.db.query<{ seq: number; entry: unknown; client_id: string | null }>(
    'SELECT seq, entry, client_id FROM audit_entries WHERE team_id = $1 ORDER BY seq',
    [team],
  );
  const h = await srv.db.query<{ seq: number; hash: string | null }>(
    'SELECT seq, hash FROM audit_heads WHERE team_id = $1',
    [team],
  );
  return { rows: r.rows, head: h.rows[0]! };
}

async function restore() {
  await srv.db.query('DELETE FROM audit_entries WHERE team_id = $1', [team]);
  for (const r of saved)
    await srv.db.query(
      'INSERT INTO audit_entries (team_id, seq, entry, client_id) VALUES ($1, $2, $3::jsonb, $4)',
      [team, r.seq, JSON.stringify(r.entry), r.client_id],
    );
  await srv.db.query('UPDATE audit_heads SET seq = $2, hash = $3 WHERE team_id = $1', [
    team,
    savedHead.seq,
    savedHead.hash,
  ]);
}

const hashOf = (e: AuditEntry) => toB64(chainCrypto.hash(utf8(auditHashedMessage(team, e))));

beforeAll(async () => {
  await initSodium();
  srv = await startTestServer();
  proxy = await startHostileProxy(srv.url);
  alice = await signUp(proxy.url, 'alice');
  bob = await signUp(proxy.url, 'bob');
  await formTeam(alice, 'acme', [{ person: bob, role: 'member' }]);
  team = alice.svc.teams()[0]!.id;
  await alice.svc.createVault('prod');
  await alice.svc.setSecret('prod/db', bytes('hunter2-audit'));
  await alice.svc.shareVault('prod', bob.email, 'view');
  await bob.svc.sync();
  const v = bob.svc.getSecret('prod/db');
  v.fill(0);
  await bob.svc.sync();
  const s = await snapshot();
  saved = s.rows;
  savedHead = s.head;
}, 120_000);

beforeEach(async () => {
  proxy.tamper = null;
  proxy.refuse = null;
  await restore();
});

afterAll(async () => {
  await proxy?.close();
  await srv?.close();
});

describe('the honest log', () => {
  it("shows bob's signed reveal of prod/db by names the client resolved", async () => {
    const view = await alice.svc.audit({ secret: 'prod/db' }, { verify: true });
    expect(view.team).toBe('acme');
    const reveal = view.rows.find((r) => r.kind === 'secret.reveal');
    expect(reveal).toMatchObject({ actor: bob.email, vault: 'prod', secret: 'db', signed: true });
    expect(view.verifiedUpTo).toBe(saved.length);
    // The server's rows name neither the vault, the secret nor anyone's email.
    const stored = JSON.stringify(saved);
    for (const word of ['prod', 'hunter2', 'alice@', 'bob@', '"db"']) expect(stored).not.toContain(word);
  });

  it('filters by person, action and time', async () => {
    const byBob = await alice.svc.audit({ person: bob.email, action: 'secret.reveal' });
    expect(byBob.rows).toHaveLength(1);
    const future = await alice.svc.audit({ since: '2999-01-01' });
    expect(future.rows).toHaveLength(0);
    await expect(alice.svc.audit({ action: 'nonsense' })).rejects.toThrow('no audit action "nonsense"');
  });

  it('exposes the entries by actor and kind for other features', async () => {
    const bobId = unlockedOf(bob).userId;
    const got = await alice.svc.auditEntries({ actor: bobId, kinds: ['secret.reveal', 'secret.copy'] });
    expect(got).toHaveLength(1);
    expect(got[0]!.refs.vault).toBeDefined();
    expect(got[0]!.refs.item).toBeDefined();
  });

  it('does not let a member read it', async () => {
    await expect(bob.svc.audit()).rejects.toThrow("does not let you read the team's audit log");
  });

  it('keeps a reveal made while the server is unreachable and sends it with the next sync', async () => {
    proxy.refuse = (req) => isAudit(req.path) && req.method === 'POST';
    bob.svc.getSecret('prod/db').fill(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(unlockedOf(bob).team(team).audit!.queue).toHaveLength(1);
    proxy.refuse = null;
    await bob.svc.sync();
    expect(unlockedOf(bob).team(team).audit!.queue).toHaveLength(0);
    const view = await alice.svc.audit({ person: bob.email, action: 'secret.reveal' });
    expect(view.rows).toHaveLength(2);
    // Put the log back as the other tests expect it, and forget the longer head alice saw.
    const st = unlockedOf(alice).team(team).audit!;
    st.head = { seq: savedHead.seq, hash: savedHead.hash };
  });
});

describe('tampering in the database', () => {
  beforeEach(async () => {
    // alice has verified the whole log as saved.
    unlockedOf(alice).team(team).audit!.head = { seq: 0, hash: null };
    const v = await alice.svc.audit({}, { verify: true });
    expect(v.verifiedUpTo).toBe(saved.length);
  });

  it('finds a rewritten entry', async () => {
    await srv.db.query(
      `UPDATE audit_entries SET entry = jsonb_set(entry, '{at}', '"2020-01-01T00:00:00.000Z"') WHERE team_id = $1 AND seq = 3`,
      [team],
    );
    const e = await tamperedError(alice.svc.audit({}, { verify: true }));
    expect(e.message).toContain('audit entry 4: prev does not match');
  });

  it('finds a rewrite whose every later hash was recomputed, by the head it kept', async () => {
    const rows = (await snapshot()).rows.map((r) => structuredClone(r.entry) as AuditEntry);
    rows[2]!.actor = rows[0]!.actor;
    rows[2]!.kind = 'auth.login';
    rows[2]!.refs = {};
    for (let i = 3; i < rows.length; i++) rows[i]!.prev = hashOf(rows[i - 1]!);
    for (const e of rows)
      await srv.db.query('UPDATE audit_entries SET entry = $3::jsonb WHERE team_id = $1 AND seq = $2', [
        team,
        e.seq,
        JSON.stringify(e),
      ]);
    const e = await tamperedError(alice.svc.audit({}, { verify: true }));
    expect(e.message).toContain('a different audit history');
  });

  it('finds a deleted entry', async () => {
    await srv.db.query('DELETE FROM audit_entries WHERE team_id = $1 AND seq = 3', [team]);
    const e = await tamperedError(alice.svc.audit({}, { verify: true }));
    expect(e.message).toContain('expected entry 3, got 4');
  });

  it('finds two entries swapped', async () => {
    await srv.db.query(
      `UPDATE audit_entries a SET entry = b.entry FROM audit_entries b
        WHERE a.team_id = $1 AND b.team_id = $1 AND ((a.seq = 3 AND b.seq = 4) OR (a.seq = 4 AND b.seq = 3))`,
      [team],
    );
    const e = await tamperedError(alice.svc.audit({}, { verify: true }));
    expect(e.message).toContain('expected entry 3, got 4');
  });

  it('finds the log cut short below the head it verified', async () => {
    await srv.db.query('DELETE FROM audit_entries WHERE team_id = $1 AND seq > 4', [team]);
    await srv.db.query('UPDATE audit_heads SET seq = 4 WHERE team_id = $1', [team]);
    const e = await tamperedError(alice.svc.audit({}, { verify: true }));
    expect(e.message).toContain(
      `the server offers 4 audit entries; this client already verified ${saved.length}`,
    );
  });
});

describe('a hostile server', () => {
  it('cannot serve a shorter log than the client saw', async () => {
    await alice.svc.audit({}, { verify: true });
    proxy.tamper = (req, body) => {
      if (req.method !== 'GET' || !isAudit(req.path)) return body;
      const b = body as { entries: AuditEntry[]; head: number };
      const entries = b.entries.filter((e) => e.seq <= 3);
      return { entries, head: 3 };
    };
    await tamperedError(alice.svc.audit({}, { verify: true }));
  });

  it('cannot add a reveal in a member’s name without their key', async () => {
    await alice.svc.audit({}, { verify: true });
    const bobId = unlockedOf(bob).userId;
    proxy.tamper = (req, body) => {
      if (req.method !== 'GET' || !isAudit(req.path)) return body;
      const b = body as { entries: AuditEntry[]; head: number };
      const last = b.entries.at(-1);
      if (!last) return body;
      // Signed with alice's key, claimed as bob's: the server holds neither, so any key it has is wrong.
      const ev = signAuditEvent(
        team,
        bobId,
        { id: crypto.randomUUID(), kind: 'secret.copy', at: new Date().toISOString(), refs: {} },
        unlockedOf(alice).keyring.account.signSecretKey,
      );
      const forged: AuditEntry = {
        seq: last.seq + 1,
        prev: hashOf(last),
        at: new Date().toISOString(),
        kind: 'secret.copy',
        actor: bobId,
        refs: {},
        client: { id: ev.id, at: ev.at, sig: ev.sig },
      };
      return { entries: [...b.entries, forged], head: b.head + 1 };
    };
    const e = await tamperedError(alice.svc.audit({}, { verify: true }));
    expect(e.message).toContain(`bad signature by ${bobId}`);
  });

  it('cannot replay a member’s signed reveal as a second one', async () => {
    await alice.svc.audit({}, { verify: true });
    proxy.tamper = (req, body) => {
      if (req.method !== 'GET' || !isAudit(req.path)) return body;
      const b = body as { entries: AuditEntry[]; head: number };
      const last = b.entries.at(-1)!;
      const signed = b.entries.find((e) => e.client)!;
      const again: AuditEntry = { ...structuredClone(signed), seq: last.seq + 1, prev: hashOf(last) };
      return { entries: [...b.entries, again], head: b.head + 1 };
    };
    const e = await tamperedError(alice.svc.audit({}, { verify: true }));
    expect(e.message).toContain('a client event recorded twice (a replay)');
  });

  it('cannot pass a client event off as a server one', async () => {
    await alice.svc.audit({}, { verify: true });
    proxy.tamper = (req, body) => {
      if (req.method !== 'GET' || !isAudit(req.path)) return body;
      const b = body as { entries: AuditEntry[]; head: number };
      const last = b.entries.at(-1)!;
      const forged: AuditEntry = {
        seq: last.seq + 1,
        prev: hashOf(last),
        at: new Date().toISOString(),
        kind: 'secret.reveal',
        actor: unlockedOf(bob).userId,
        refs: {},
      };
      return { entries: [...b.entries, forged], head: b.head + 1 };
    };
    const e = await tamperedError(alice.svc.audit({}, { verify: true }));
    expect(e.message).toContain('must be signed by its author');
  });
});
