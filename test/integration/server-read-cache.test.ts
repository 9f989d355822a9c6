// Process: test. The delta pull as an attacker-minded member sees it while the embedded
// engine answers from its read cache: a member removed from a vault, or logged out, loses it
// on the very next request, though the same request was answered from memory just before.
// Runs on both engines; on PGlite it also checks the cache really served those requests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Unlocked } from '../../electron/core/service/unlocked.ts';
import { type ChangesReply, paths } from '../../shared/api.ts';
import type { ReadCache } from '../../server/db-cache.ts';
import { bytes, formTeam, type Person, signUp } from '../helpers/people.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let srv: TestServer;
let alice: Person;
let bob: Person;
let teamId: string;
let vaultId: string;
let token: string;

const unlocked = (p: Person) => (p.svc as unknown as { u: Unlocked }).u;
const cacheStats = () => (srv.db as { cache?: ReadCache }).cache?.stats;

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

describe('delta pulls answered from memory stay exact', () => {
  it('repeated pulls are served from the cache on the embedded engine', async () => {
    const first = await pull();
    expect(first.status).toBe(200);
    expect(first.body.vaults.map((v) => v.id)).toContain(vaultId);
    const hits = cacheStats()?.hits ?? 0;
    const second = await pull();
    expect(second.body).toEqual(first.body);
    if (srv.engine === 'pglite') expect(cacheStats()!.hits).toBeGreaterThan(hits);
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

  it('a logged-out session is refused on the next pull', async () => {
    expect((await pull()).status).toBe(200);
    await bob.svc.logout();
    const r = await pull();
    expect(r.status).toBe(401);
    expect((r.body as unknown as { error: { code: string } }).error.code).toBe('session_revoked');
  });
});
