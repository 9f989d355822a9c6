// Process: test. A vault's items may reach a client a pull before its key does: the server's
// key list is a hint it may send late (or a hostile one may hold back for a while). The client
// keeps such items unread; when the key comes, it must read them then, checked like any item,
// because the server sends each item once and a later delta pull never repeats it. A real
// server behind a proxy that withholds the keys of one pull, or also swaps a held ciphertext.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChangesReply } from '../../shared/api.ts';
import type { Unlocked } from '../../electron/core/profile/unlocked.ts';
import { type HostileProxy, startHostileProxy } from '../helpers/hostile-proxy.ts';
import { bytes, formTeam, type Person, signUp, text } from '../helpers/people.ts';
import { startTestServer } from '../helpers/server.ts';

let srv: Awaited<ReturnType<typeof startTestServer>>;
let proxy: HostileProxy;
let alice: Person; // owner, shares the vaults
let bob: Person; // member; his keys arrive late

const teamOf = (p: Person) => (p.svc as unknown as { unlocked: Unlocked }).unlocked.team();

/** Strips every key from the answers to bob's pulls while `on` is true. */
function withholdKeys(on: () => boolean, alsoTamper?: (r: ChangesReply) => void) {
  proxy.tamper = (req, body) => {
    if (req.method === 'GET' && /\/changes\?since=/.test(req.path) && on()) {
      const r = body as ChangesReply;
      r.keys = [];
      alsoTamper?.(r);
    }
    return body;
  };
}

beforeAll(async () => {
  srv = await startTestServer();
  proxy = await startHostileProxy(srv.url);
  alice = await signUp(srv.url, 'alice');
  bob = await signUp(proxy.url, 'bob');
  await formTeam(alice, 'acme', [{ person: bob, role: 'member' }]);
});

afterEach(() => {
  proxy.tamper = null;
});

afterAll(async () => {
  for (const p of [alice, bob]) p?.svc.lock();
  await proxy?.close();
  await srv?.close();
});

describe('a key that arrives after its items', () => {
  it('shows the items it opens, in the list and to get, on the pull that brings it', async () => {
    await alice.svc.createVault('ops');
    await alice.svc.setSecret('ops/db', bytes('db-1'));
    await alice.svc.setSecret('ops/api', bytes('api-1'));
    await alice.svc.shareVault('ops', bob.email, 'view');

    let hold = true;
    withholdKeys(() => hold);
    await bob.svc.sync();
    // The items are here, unread: nothing to list without the key.
    expect(Object.values(teamOf(bob).items).filter((i) => !i.deleted)).toHaveLength(2);
    expect(bob.svc.listSecrets()).toHaveLength(0);

    hold = false;
    const r = await bob.svc.sync();
    expect(r.changes.secrets.length).toBe(1);
    expect(
      bob.svc
        .listSecrets('ops')
        .map((s) => s.name)
        .sort(),
    ).toEqual(['api', 'db']);
    expect(text(bob.svc.getSecret('ops/db'))).toBe('db-1');
  });

  it('refuses a held item the server swapped before the key came, and keeps the cursor', async () => {
    await alice.svc.createVault('billing');
    await alice.svc.setSecret('billing/stripe', bytes('sk-1'));
    await alice.svc.setSecret('billing/paypal', bytes('pp-1'));
    await alice.svc.shareVault('billing', bob.email, 'view');

    // One ciphertext swapped for the other's (same vault and key, another item's AD).
    let hold = true;
    withholdKeys(
      () => hold,
      (r) => {
        const [a, b] = r.items.filter((i) => !i.deleted);
        if (a && b) a.envelope = b.envelope;
      },
    );
    await bob.svc.sync();
    const cursor = teamOf(bob).cursor;

    hold = false;
    await expect(bob.svc.sync()).rejects.toMatchObject({
      code: 'tampered',
      message: expect.stringMatching(/does not open under the key/),
    });
    expect(teamOf(bob).cursor).toBe(cursor);
    expect(bob.svc.listSecrets().map((s) => s.name)).not.toContain('stripe');
  });
});
