// Process: test. conflict.show, what the window's Conflicts list stands on: both sides of a
// conflict with who wrote each, named only when the version's signature verifies under that
// member's chain key, against a real team server (alice behind a proxy playing a hostile one).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HostileProxy, startHostileProxy } from '../helpers/hostile-proxy.ts';
import { bytes, formTeam, type Person, signUp } from '../helpers/people.ts';
import { startTestServer } from '../helpers/server.ts';

let srv: Awaited<ReturnType<typeof startTestServer>>;
let proxy: HostileProxy;
let alice: Person;
let bob: Person;

beforeAll(async () => {
  srv = await startTestServer();
  proxy = await startHostileProxy(srv.url);
  alice = await signUp(proxy.url, 'alice');
  bob = await signUp(srv.url, 'bob');
  await formTeam(alice, 'acme', [{ person: bob, role: 'member' }]);
  await alice.svc.createVault('prod');
  await alice.svc.setSecret('prod/db', bytes('v1'));
  await alice.svc.shareVault('prod', bob.email, 'edit');
  await bob.svc.sync();
});

afterAll(async () => {
  alice?.svc.lock();
  bob?.svc.lock();
  await proxy?.close();
  await srv?.close();
});

/** Two edits from version 1: alice's lands, bob's is kept as a copy. */
async function cross(a: string, b: string): Promise<string> {
  await bob.svc.sync();
  await alice.svc.setSecret('prod/db', bytes(a));
  const r = await bob.svc.setSecret('prod/db', bytes(b));
  expect(r.conflicts).toHaveLength(1);
  return r.conflicts[0]!.keptAs;
}

describe('conflict.show', () => {
  it('names both authors, on both sides, including each one’s own pushed version', async () => {
    const keptAs = await cross('v2-alice', 'v2-bob');
    await alice.svc.sync();
    for (const p of [alice, bob]) {
      const v = p.svc.showConflict(`prod/${keptAs}`);
      expect(v.copy).toMatchObject({ name: keptAs, author: bob.email, pending: false });
      expect(v.current).toMatchObject({ name: 'db', author: alice.email, pending: false });
      expect(v.copy.writtenAt).toMatch(/^\d{4}-\d\d-\d\dT/);
      // Names and authors only: no value travels in this answer.
      expect(JSON.stringify(v)).not.toMatch(/v2-(alice|bob)/);
    }
    await alice.svc.resolveConflict(`prod/${keptAs}`, 'theirs');
  });

  it('a server that puts another member’s name on a version is not believed', async () => {
    const keptAs = await cross('v3-alice', 'v3-bob');
    const aliceId = alice.svc.whoami().userId;
    proxy.tamper = (req, body) => {
      if (req.method === 'GET' && req.path.includes('/changes'))
        for (const it of (body as { items: { updatedBy: string }[] }).items) it.updatedBy = aliceId;
      return body;
    };
    try {
      await alice.svc.sync();
    } finally {
      proxy.tamper = null;
    }
    const v = alice.svc.showConflict(`prod/${keptAs}`);
    expect(v.copy.author).toBeNull();
  });

  it('refuses a secret that is no conflict copy', () => {
    expect(() => alice.svc.showConflict('prod/db')).toThrow(/not a conflict copy/);
  });
});
