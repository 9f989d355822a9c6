// Process: test. The delta pull as an attacker-minded member sees it: a member removed from a
// vault (a `vault.revoke` and a re-key), directly or through a group, or logged out, loses it
// on the very next request, though the same request succeeded just before; and a change made
// a moment ago, a chain link or an item, is in the very next pull. Nothing on the server may
// keep an earlier answer (a pull reads its session, membership, grants, keys and chain afresh
// every time). The changes are made by real desktop services, so the links are the ones a
// client signs. Runs on both engines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Unlocked } from '../../electron/core/profile/unlocked.ts';
import { type ChangesReply, paths } from '../../shared/api.ts';
import { bytes, formTeam, type Person, signUp } from '../helpers/people.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let srv: TestServer;
let alice: Person;
let bob: Person;
let bobId: string;
let teamId: string;
let vaultId: string;
let token: string;

const unlocked = (p: Person) => (p.svc as unknown as { u: Unlocked }).u;

interface LinkSeen {
  seq: number;
  type: string;
  body: Record<string, unknown>;
}

async function pull(since = 0, seq = 0): Promise<{ status: number; body: ChangesReply; text: string }> {
  const r = await fetch(srv.url + paths.changes(teamId, since, seq), {
    headers: { authorization: `Bearer ${token}` },
  });
  const text = await r.text();
  return { status: r.status, body: JSON.parse(text) as ChangesReply, text };
}
const linksOf = (b: ChangesReply) => b.chain.links as unknown as LinkSeen[];
const headSeq = async () =>
  Number(
    (await srv.db.query<{ s: number }>('SELECT chain_seq AS s FROM teams WHERE id = $1', [teamId])).rows[0]!
      .s,
  );

/** Every sealed key the server holds for this team that is not bob's: none may reach bob. */
async function othersKeys(): Promise<string[]> {
  const r = await srv.db.query<{ sealed_key: string }>(
    `SELECT sealed_key FROM key_grants
      WHERE recipient <> $2 AND vault_id IN (SELECT id FROM vaults WHERE team_id = $1)`,
    [teamId, bobId],
  );
  return r.rows.map((x) => x.sealed_key);
}
async function expectOnlyBobsKeys(p: { body: ChangesReply; text: string }) {
  const others = await othersKeys();
  expect(others.length).toBeGreaterThan(0);
  for (const k of others) expect(p.text.includes(k)).toBe(false);
  const mine = await srv.db.query<{ vault_id: string; generation: number; sealed_key: string }>(
    'SELECT vault_id, generation, sealed_key FROM key_grants WHERE recipient = $1',
    [bobId],
  );
  const held = mine.rows.map((k) => ({
    vault: k.vault_id,
    generation: Number(k.generation),
    sealedKey: k.sealed_key,
  }));
  for (const k of p.body.keys) expect(held).toContainEqual(k);
}

beforeAll(async () => {
  srv = await startTestServer();
  alice = await signUp(srv.url, 'alice');
  bob = await signUp(srv.url, 'bob');
  await formTeam(alice, 'acme', [{ person: bob, role: 'member' }]);
  vaultId = (await alice.svc.createVault('ops')).id;
  await alice.svc.setSecret('ops/db', bytes('first'));
  await alice.svc.shareVault('ops', bob.email, 'view');
  await bob.svc.sync();
  teamId = unlocked(bob).teamId();
  bobId = unlocked(bob).userId;
  token = unlocked(bob).cache.session!.token;
});

afterAll(async () => {
  for (const p of [alice, bob]) p?.svc.lock();
  await srv?.close();
});

describe('each delta pull reflects the state at that moment', () => {
  it('repeated pulls with nothing written in between give the same answer', async () => {
    const first = await pull();
    expect(first.status).toBe(200);
    expect(first.body.vaults.map((v) => v.id)).toContain(vaultId);
    expect(first.body.keys.filter((k) => k.vault === vaultId).map((k) => k.generation)).toEqual([1]);
    expect(first.body.chain.seq).toBe(await headSeq());
    expect(linksOf(first.body).map((l) => l.seq)).toEqual(
      Array.from({ length: first.body.chain.seq }, (_, i) => i + 1),
    );
    await expectOnlyBobsKeys(first);
    const second = await pull();
    expect(second.body).toEqual(first.body);
  });

  it('a change right after a pull is in the next pull: the item and the link', async () => {
    const before = await pull();
    await alice.svc.setSecret('ops/next', bytes('written just now'));
    const item = await pull(before.body.revision, before.body.chain.seq);
    expect(item.body.revision).toBeGreaterThan(before.body.revision);
    expect(item.body.items.map((i) => i.vault)).toEqual([vaultId]);
    expect(item.body.chain).toEqual({ seq: before.body.chain.seq, links: [] });

    await alice.svc.createGroup('watchers');
    const link = await pull(item.body.revision, item.body.chain.seq);
    expect(link.body.revision).toBeGreaterThan(item.body.revision);
    expect(link.body.chain.seq).toBe(item.body.chain.seq + 1);
    expect(linksOf(link.body).map((l) => [l.seq, l.type])).toEqual([[link.body.chain.seq, 'group.create']]);
    expect(link.body.items).toEqual([]);
  });

  it('a member removed from a vault loses it on the next pull', async () => {
    const before = await pull();
    expect(before.body.vaults.map((v) => v.id)).toContain(vaultId);
    await alice.svc.unshareVault('ops', bob.email);
    await alice.svc.setSecret('ops/after', bytes('written after bob left'));
    const r = await pull();
    expect(r.status).toBe(200);
    expect(r.body.vaults.map((v) => v.id)).not.toContain(vaultId);
    expect(r.body.items.filter((i) => i.vault === vaultId)).toEqual([]);
    // Not the new key (none was sealed to bob) and not the old one he was once sent either.
    expect(r.body.keys.filter((k) => k.vault === vaultId)).toEqual([]);
    const held = await srv.db.query(
      'SELECT generation FROM key_grants WHERE vault_id = $1 AND recipient = $2',
      [vaultId, bobId],
    );
    expect(held.rows.map((x) => Number((x as { generation: number }).generation))).toEqual([1]);
    // The removal itself reached him as links: the revoke and, in the same batch, the re-key.
    const delta = await pull(before.body.revision, before.body.chain.seq);
    expect(delta.body.items.filter((i) => i.vault === vaultId)).toEqual([]);
    expect(
      linksOf(delta.body)
        .filter((l) => l.body.vault === vaultId)
        .map((l) => l.type),
    ).toEqual(['vault.revoke', 'vault.rekey']);
    const rekey = linksOf(delta.body).find((l) => l.type === 'vault.rekey')!;
    expect((rekey.body.keys as { user: string }[]).map((k) => k.user)).not.toContain(bobId);
    await expectOnlyBobsKeys(r);
  });

  it('a vault reached through a group arrives whole on joining and goes on leaving', async () => {
    const shared = (await alice.svc.createVault('shared')).id;
    await alice.svc.setSecret('shared/old', bytes('written before bob joined'));
    await alice.svc.createGroup('readers');
    await alice.svc.shareVault('shared', 'readers', 'view');
    const before = await pull();
    expect(before.body.vaults.map((v) => v.id)).not.toContain(shared);
    expect(before.body.keys.filter((k) => k.vault === shared)).toEqual([]);

    await alice.svc.addToGroup('readers', bob.email);
    // A delta from the last revision still carries the older item: bob just gained the vault.
    const joined = await pull(before.body.revision, before.body.chain.seq);
    const record = joined.body.vaults.find((v) => v.id === shared);
    expect(record).toMatchObject({ id: shared, generation: 1 });
    // The role is the chain's to say, not the server's.
    expect(record).not.toHaveProperty('role');
    expect(joined.body.items.filter((i) => i.vault === shared)).toHaveLength(1);
    expect(joined.body.keys.filter((k) => k.vault === shared).map((k) => k.generation)).toEqual([1]);
    expect(linksOf(joined.body).map((l) => [l.type, l.body.user])).toEqual([
      ['group.add', bobId],
      ['key.deliver', bobId],
    ]);
    await expectOnlyBobsKeys(joined);

    await alice.svc.removeFromGroup('readers', bob.email);
    const left = await pull();
    expect(left.body.vaults.map((v) => v.id)).not.toContain(shared);
    expect(left.body.items.filter((i) => i.vault === shared)).toEqual([]);
    expect(left.body.keys.filter((k) => k.vault === shared)).toEqual([]);
    const after = await pull(joined.body.revision, joined.body.chain.seq);
    expect(linksOf(after.body).map((l) => l.type)).toEqual(['group.remove', 'vault.rekey']);
    expect(after.body.chain.seq).toBe(await headSeq());
    await expectOnlyBobsKeys(left);
  });

  it('a logged-out session is refused on the next pull', async () => {
    expect((await pull()).status).toBe(200);
    await bob.svc.logout();
    const r = await pull();
    expect(r.status).toBe(401);
    expect((r.body as unknown as { error: { code: string } }).error.code).toBe('session_revoked');
  });
});
