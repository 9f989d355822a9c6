// Process: test. The delta pull as an attacker-minded member sees it: a member removed from a
// vault, or logged out, loses it on the very next request, though the same request succeeded
// just before. Nothing on the server may keep an earlier answer (a pull reads its session,
// membership and grants afresh every time). Runs on both engines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Unlocked } from '../../electron/core/profile/unlocked.ts';
import { type ChangesReply, paths } from '../../shared/api.ts';
import { bytes, formTeam, type Person, signUp } from '../helpers/people.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let srv: TestServer;
let alice: Person;
let bob: Person;
let teamId: string;
let vaultId: string;
let token: string;

const unlocked = (p: Person) => (p.svc as unknown as { u: Unlocked }).u;

async function pull(since = 0): Promise<{ status: number; body: ChangesReply }> {
  const r = await fetch(srv.url + paths.changes(teamId, since), {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: r.status, body: (await r.json()) as ChangesReply };
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
    const second = await pull();
    expect(second.body).toEqual(first.body);
  });

  it('a member removed from a vault loses it on the next pull', async () => {
    await pull();
    await alice.svc.unshareVault('ops', bob.email);
    await alice.svc.setSecret('ops/after', bytes('written after bob left'));
    const r = await pull();
    expect(r.status).toBe(200);
    expect(r.body.vaults.map((v) => v.id)).not.toContain(vaultId);
    expect(r.body.items.filter((i) => i.vault === vaultId)).toEqual([]);
    expect(r.body.keyGrants.filter((g) => g.vault === vaultId)).toEqual([]);
  });

  it('a vault reached through a group arrives whole on joining and goes on leaving', async () => {
    const shared = (await alice.svc.createVault('shared')).id;
    await alice.svc.setSecret('shared/old', bytes('written before bob joined'));
    await alice.svc.createGroup('readers');
    await alice.svc.shareVault('shared', 'readers', 'view');
    const before = await pull();
    expect(before.body.vaults.map((v) => v.id)).not.toContain(shared);

    await alice.svc.addToGroup('readers', bob.email);
    // A delta from the last revision still carries the older item: bob just gained the vault.
    const joined = await pull(before.body.revision);
    expect(joined.body.vaults.find((v) => v.id === shared)?.role).toBe('view');
    expect(joined.body.items.filter((i) => i.vault === shared)).toHaveLength(1);
    expect(joined.body.keyGrants.some((g) => g.vault === shared)).toBe(true);

    await alice.svc.removeFromGroup('readers', bob.email);
    const left = await pull();
    expect(left.body.vaults.map((v) => v.id)).not.toContain(shared);
    expect(left.body.items.filter((i) => i.vault === shared)).toEqual([]);
    expect(left.body.keyGrants.filter((g) => g.vault === shared)).toEqual([]);
  });

  it('a logged-out session is refused on the next pull', async () => {
    expect((await pull()).status).toBe(200);
    await bob.svc.logout();
    const r = await pull();
    expect(r.status).toBe(401);
    expect((r.body as unknown as { error: { code: string } }).error.code).toBe('session_revoked');
  });
});
