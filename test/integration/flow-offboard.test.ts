// Process: test. One-step offboarding (docs/design.md "Offboarding") through real clients and a
// real server: the leaver's session, event stream and links end at once, every vault the chain
// says they could read (directly, through a group, as owner's vaults do not count for a member)
// is re-keyed one batch per vault, the report lists exactly their secrets, every client flags
// those secrets "rotation required" from the chain alone, and the old keys the leaver kept open
// nothing written afterwards. An admin who cannot re-key a vault leaves it pending for its
// managers; a run cut short resumes without a second removal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEnvelope } from '../../electron/core/crypto/index.ts';
import type { Unlocked } from '../../electron/core/profile/unlocked.ts';
import { rekeyPending } from '../../shared/chain/state.ts';
import { ad } from '../../shared/formats.ts';
import { bytes, formTeam, type Person, signUp, text } from '../helpers/people.ts';
import { startTestServer } from '../helpers/server.ts';

let srv: Awaited<ReturnType<typeof startTestServer>>;
let alice: Person; // owner
let adam: Person; // admin, manages only what he is given
let bob: Person; // the leaver
let carol: Person; // member with a vault of her own shared to bob and dave
let dave: Person; // the second leaver, offboarded by adam
let erin: Person; // the third leaver, offboarded by a run that is cut short
let cut: { after: number | null; seen: number } = { after: null, seen: 0 };

const uOf = (p: Person) => (p.svc as unknown as { unlocked: Unlocked }).unlocked;
const idOf = (p: Person) => uOf(p).userId;
const token = (p: Person) => uOf(p).cache.session!.token;
const teamId = () => uOf(alice).teamId();

/** Alice's fetch, which can drop the connection at the Nth re-key POST as a killed client would. */
const aliceFetch: typeof fetch = async (input, init) => {
  const url = String(input instanceof Request ? input.url : input);
  if (init?.method === 'POST' && /\/chain(\?|$)/.test(url) && cut.after !== null && ++cut.seen > cut.after)
    throw new TypeError('fetch failed');
  return fetch(input, init);
};

beforeAll(async () => {
  // Heartbeats far apart: the stream must end on the offboarding itself, not on the next beat.
  srv = await startTestServer({ heartbeatMs: 60_000 });
  alice = await signUp(srv.url, 'alice', { fetch: aliceFetch });
  const others = await Promise.all(['adam', 'bob', 'carol', 'dave', 'erin'].map((n) => signUp(srv.url, n)));
  [adam, bob, carol, dave, erin] = others as [Person, Person, Person, Person, Person];
  await formTeam(alice, 'acme', [
    { person: adam, role: 'admin' },
    { person: bob, role: 'member' },
    { person: carol, role: 'member' },
    { person: dave, role: 'member' },
    { person: erin, role: 'member' },
  ]);
  // bob: "direct" directly, "grouped" through the ops group, carol's "carols" directly;
  // never "private".
  for (const v of ['direct', 'grouped', 'private']) await alice.svc.createVault(v);
  for (const [ref, value] of [
    ['direct/db', 'd-1'],
    ['direct/api', 'd-2'],
    ['grouped/vpn', 'g-1'],
    ['private/root', 'p-1'],
  ])
    await alice.svc.setSecret(ref!, bytes(value!));
  await alice.svc.shareVault('direct', bob.email, 'view');
  await alice.svc.createGroup('ops');
  await alice.svc.shareVault('grouped', 'ops', 'edit');
  await alice.svc.addToGroup('ops', bob.email);
  await carol.svc.sync();
  await carol.svc.createVault('carols');
  await carol.svc.setSecret('carols/mail', bytes('c-1'));
  await carol.svc.shareVault('carols', bob.email, 'view');
  await carol.svc.shareVault('carols', dave.email, 'view');
  await bob.svc.sync();
  expect(text(bob.svc.getSecret('grouped/vpn'))).toBe('g-1');
  expect(text(bob.svc.getSecret('carols/mail'))).toBe('c-1');
  // A copy too; the reveals above and the copy reach the audit log with bob's next sync.
  bob.svc.getField('carols/mail', undefined, undefined, 'copy').value.fill(0);
  await bob.svc.sync();
  await bob.svc.createLink('direct/db', { expiresInSeconds: 3600 });
  await alice.svc.sync();
}, 120_000);

afterAll(async () => {
  for (const p of [alice, adam, bob, carol, dave, erin]) p?.svc.lock();
  await srv?.close();
});

async function openStream(p: Person) {
  const res = await fetch(`${srv.url}/api/v1/teams/${teamId()}/events`, {
    headers: { authorization: `Bearer ${token(p)}` },
  });
  const reader = res.body!.getReader();
  const ended = (async () => {
    for (;;) if ((await reader.read()).done) return true;
  })();
  return { status: res.status, ended };
}

describe('offboarding', () => {
  it('a member may not offboard, and the route takes nothing but the signed offboarding', async () => {
    await carol.svc.sync();
    await expect(carol.svc.offboard(bob.email)).rejects.toMatchObject({ code: 'forbidden' });
    // Told "offboard" without the link, the server does nothing.
    const r = await fetch(`${srv.url}/api/v1/teams/${teamId()}/members/${idOf(bob)}/offboard`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token(alice)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ links: [], keys: [], vaults: [] }),
    });
    expect(r.status).toBe(400);
    const anonymous = await fetch(`${srv.url}/api/v1/teams/${teamId()}/members/${idOf(bob)}/offboard`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ links: [], keys: [], vaults: [] }),
    });
    expect(anonymous.status).toBe(401);
    const s = await srv.db.query(
      'SELECT count(*)::int AS n FROM sessions WHERE user_id = $1 AND revoked_at IS NOT NULL',
      [idOf(bob)],
    );
    expect(s.rows[0]).toMatchObject({ n: 0 });
  });

  it("ends the leaver's session, stream and links at once, and re-keys every vault they could read", async () => {
    const stream = await openStream(bob);
    expect(stream.status).toBe(200);
    const kept = new Map(
      [...uOf(alice).team().chain.vaults.values()].map((v) => [
        v.id,
        uOf(bob).keyring.vaultKey(v.id, v.generation)?.slice(),
      ]),
    );

    const r = await alice.svc.offboard(bob.email);

    expect(r.resumed).toBe(false);
    expect(r.server).toEqual({ sessionsRevoked: 1, linksRevoked: 1, accountSuspended: true });
    expect(r.secrets.map((s) => `${s.vault}/${s.name}`)).toEqual([
      'carols/mail',
      'direct/api',
      'direct/db',
      'grouped/vpn',
    ]);
    expect(
      r.secrets.every(
        (s) => s.flag === `rotation required: ${bob.email} offboarded on ${r.offboardedAt!.slice(0, 10)}`,
      ),
    ).toBe(true);
    expect(r.vaults.map((v) => [v.name, v.status]).sort()).toEqual([
      ['carols', 'rekeyed'],
      ['direct', 'rekeyed'],
      ['grouped', 'rekeyed'],
    ]);
    expect(r.links).toHaveLength(1);
    expect(r.links[0]).toMatchObject({ vault: 'direct', secret: 'db', status: 'revoked' });
    // What bob revealed and copied, from his signed events in the verified audit log.
    expect(r.usageProblem).toBeNull();
    const use = (n: string) => {
      const x = r.secrets.find((s) => `${s.vault}/${s.name}` === n)!;
      return [x.revealed, x.copied, x.lastUsedAt !== null];
    };
    expect(use('grouped/vpn')).toEqual([1, 0, true]);
    expect(use('carols/mail')).toEqual([1, 1, true]);
    expect(use('direct/api')).toEqual([0, 0, false]);

    await expect(bob.svc.sync()).rejects.toMatchObject({ code: 'session_revoked' });
    const late = new Promise<boolean>((r) => setTimeout(() => r(false), 3000));
    expect(await Promise.race([stream.ended, late])).toBe(true);
    const u = await srv.db.query('SELECT suspended_at FROM users WHERE id = $1', [idOf(bob)]);
    expect(u.rows[0]!.suspended_at).not.toBeNull();

    // Written afterwards: no key bob kept opens it.
    await alice.svc.setSecret('direct/new', bytes('after'));
    const chain = uOf(alice).team().chain;
    const vault = chain.vaults.get(r.vaults.find((x) => x.name === 'direct')!.vaultId)!;
    expect(kept.get(vault.id)).toBeDefined();
    expect(vault.generation).toBe(2);
    const rows = await srv.db.query<{ id: string; version: number; generation: number; envelope: never }>(
      'SELECT id, version, generation, envelope FROM items WHERE vault_id = $1',
      [vault.id],
    );
    for (const row of rows.rows) {
      expect(Number(row.generation)).toBe(2);
      expect(() =>
        openEnvelope(
          kept.get(vault.id)!,
          row.envelope,
          ad.item(teamId(), vault.id, row.id, 2, Number(row.version)),
        ),
      ).toThrow();
    }
  });

  it('every client flags exactly those secrets from the chain, until each is rotated', async () => {
    await carol.svc.sync();
    const reason = (p: Person) =>
      p.svc
        .due()
        .filter((e) => e.reason === 'rotation-required')
        .map((e) => `${e.vault}/${e.name}: ${e.flags?.[0]?.reason}`)
        .sort();
    const date = uOf(alice).team().chain.offboardings![0]!.at!.slice(0, 10);
    expect(reason(alice)).toEqual(
      ['carols/mail', 'direct/api', 'direct/db', 'grouped/vpn'].map(
        (s) => `${s}: ${bob.email} offboarded on ${date}`,
      ),
    );
    expect(reason(carol)).toEqual([`carols/mail: ${bob.email} offboarded on ${date}`]);
    await alice.svc.rotateSecret('direct/db', bytes('d-1b'));
    expect(reason(alice)).not.toContain(`direct/db: ${bob.email} offboarded on ${date}`);
    expect(reason(alice)).toHaveLength(3);
  });

  it('running it again continues without a second removal and prints the same report', async () => {
    const seq = uOf(alice).team().chain.seq;
    const again = await alice.svc.offboard(bob.email);
    expect(again.resumed).toBe(true);
    expect(uOf(alice).team().chain.seq).toBe(seq);
    expect(again.vaults.every((v) => v.status === 'done')).toBe(true);
    // direct/new was written after the re-key, under a key bob never held: not his to report.
    // The rest are all there, direct/db as rotated since.
    expect(again.secrets.map((s) => [`${s.vault}/${s.name}`, s.flag === null])).toEqual([
      ['carols/mail', false],
      ['direct/api', false],
      ['direct/db', true],
      ['grouped/vpn', false],
    ]);
  });

  it('an admin without manage leaves a vault pending and names who must finish it', async () => {
    await adam.svc.sync();
    await alice.svc.createVault('adams');
    await alice.svc.shareVault('adams', adam.email, 'manage');
    await alice.svc.shareVault('adams', dave.email, 'view');
    await adam.svc.sync();
    const r = await adam.svc.offboard(dave.email);
    const byName = new Map(r.vaults.map((v) => [v.name ?? v.vaultId, v]));
    expect(byName.get('adams')?.status).toBe('rekeyed');
    const pending = r.vaults.find((v) => v.status === 'pending')!;
    expect(pending.name).toBeNull(); // adam cannot read carol's vault, not even its name
    expect(pending.managers).toEqual([alice.email, carol.email].sort());
    // The report still says which secrets are his to worry about once a manager reports them.
    expect(r.secrets.map((s) => s.name)).toEqual([]);
    await carol.svc.sync(); // a manager's routine sync finishes it
    const v = uOf(carol).team().chain.vaults.get(pending.vaultId)!;
    expect(rekeyPending(uOf(carol).team().chain, v)).toBe(false);
    expect(v.keyHolders.has(idOf(dave))).toBe(false);
  });

  it('a run cut short after the first re-key resumes where it stopped; no item is lost', async () => {
    for (const v of ['e1', 'e2', 'e3']) {
      await alice.svc.createVault(v);
      for (let i = 0; i < 3; i++) await alice.svc.setSecret(`${v}/s${i}`, bytes(`${v}-${i}`));
      await alice.svc.shareVault(v, erin.email, 'view');
    }
    cut = { after: 1, seen: 0 };
    await expect(alice.svc.offboard(erin.email)).rejects.toMatchObject({ code: 'unreachable' });
    cut = { after: null, seen: 0 };
    const chain = uOf(alice).team().chain;
    const leftover = [...chain.vaults.values()].filter((v) => v.keyHolders.has(idOf(erin)));
    expect(leftover.length).toBe(2);
    expect(chain.members.get(idOf(erin))?.status).toBe('removed');

    const r = await alice.svc.offboard(erin.email);
    expect(r.resumed).toBe(true);
    expect(
      uOf(alice)
        .team()
        .chain.offboardings!.filter((o) => o.user === idOf(erin)),
    ).toHaveLength(1);
    expect(r.vaults.filter((v) => v.status === 'rekeyed')).toHaveLength(2);
    expect(r.secrets).toHaveLength(9);
    const after = uOf(alice).team().chain;
    for (const v of ['e1', 'e2', 'e3']) {
      const id = r.vaults.find((x) => x.name === v)!.vaultId;
      expect(after.vaults.get(id)!.keyHolders.has(idOf(erin))).toBe(false);
      for (let i = 0; i < 3; i++) expect(text(alice.svc.getSecret(`${v}/s${i}`))).toBe(`${v}-${i}`);
    }
  });
});
