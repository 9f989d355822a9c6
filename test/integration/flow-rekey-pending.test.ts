// Process: test. "Re-key pending" as chain state (finding 9): an admin who cannot read a vault
// removes someone from the group that holds it. The admin's client cannot re-key, so the chain
// records that the removed member still holds the current key; the next sync by a client that
// manages the vault re-keys it without being asked, and what is written after that is sealed
// to a key the removed member never gets. Real server, real clients.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rekeyPending } from '../../shared/chain/state.ts';
import type { Unlocked } from '../../electron/core/profile/unlocked.ts';
import { bytes, formTeam, type Person, signUp, text } from '../helpers/people.ts';
import { startTestServer } from '../helpers/server.ts';

let srv: Awaited<ReturnType<typeof startTestServer>>;
let alice: Person; // owner, manages every vault
let adam: Person; // admin: manages groups, cannot read the vault
let bob: Person; // in the group, then removed

const chainOf = (p: Person) => (p.svc as unknown as { unlocked: Unlocked }).unlocked.team().chain;

beforeAll(async () => {
  srv = await startTestServer();
  alice = await signUp(srv.url, 'alice');
  adam = await signUp(srv.url, 'adam');
  bob = await signUp(srv.url, 'bob');
  await formTeam(alice, 'acme', [
    { person: adam, role: 'admin' },
    { person: bob, role: 'member' },
  ]);
  await alice.svc.createVault('payments');
  await alice.svc.setSecret('payments/stripe', bytes('sk-1'));
  await alice.svc.createGroup('finance');
  await alice.svc.shareVault('payments', 'finance', 'view');
  await alice.svc.addToGroup('finance', bob.email);
  await bob.svc.sync();
  expect(text(bob.svc.getSecret('payments/stripe'))).toBe('sk-1');
});

afterAll(async () => {
  for (const p of [alice, adam, bob]) p?.svc.lock();
  await srv?.close();
});

describe('re-key pending', () => {
  it('an admin who cannot read the vault cannot add herself to its group', async () => {
    await expect(adam.svc.addToGroup('finance', adam.email)).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/does not manage vault/),
    });
  });

  it("is recorded when the remover cannot re-key, and completed by the manager's next sync", async () => {
    const r = await adam.svc.removeFromGroup('finance', bob.email);
    expect(r.rekeyed).toEqual([]);
    expect(r.pending).toHaveLength(1);
    const vault = [...chainOf(adam).vaults.values()][0]!;
    expect(rekeyPending(chainOf(adam), vault)).toBe(true);
    expect(vault.generation).toBe(1);

    // Alice's routine sync, nothing more.
    const synced = await alice.svc.sync();
    expect(synced.keysSealed).toBeGreaterThan(0);
    const after = chainOf(alice).vaults.get(vault.id)!;
    expect(after.generation).toBe(2);
    expect(rekeyPending(chainOf(alice), after)).toBe(false);
    const bobId = (bob.svc as unknown as { unlocked: Unlocked }).unlocked.userId;
    expect(after.keyHolders.has(bobId)).toBe(false);

    await alice.svc.setSecret('payments/stripe', bytes('sk-2'));
    await bob.svc.sync();
    expect(bob.svc.listVaults().some((v) => v.id === vault.id)).toBe(false);
    const stored = await srv.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM key_grants WHERE vault_id = $1 AND generation = 2 AND recipient = $2',
      [vault.id, bobId],
    );
    expect(stored.rows[0]!.n).toBe(0);
  });
});
