// Process: test. Probing for what belongs to others, as an attacker would over HTTP against the
// real server: signup must not tell whether an email has an account, and an item write at an
// id that another vault or team uses must be refused exactly like a write at an id that exists
// nowhere, with nothing about the other item in the answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  envelope,
  formTeam,
  login,
  makeVault,
  newUser,
  type Reply,
  signup,
  startTestServer,
  type TestServer,
  type TestUser,
  uuid,
  rand,
} from '../helpers/server.ts';

let srv: TestServer;

beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(async () => {
  await srv?.close();
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What an observer compares: status, header names and the body's shape (values that are
 *  random on every answer replaced by their length). */
function shape(r: Reply) {
  const headers = [...r.headers.keys()].filter((h) => h !== 'date').sort();
  const body = Object.fromEntries(
    Object.entries(r.body).map(([k, v]) => [k, typeof v === 'string' ? v.length : v]),
  );
  return { status: r.status, headers, body, length: r.headers.get('content-length') };
}

describe('signup does not reveal whether an email has an account', () => {
  let victim: TestUser;
  beforeAll(async () => {
    victim = await newUser(srv.url, 'victim');
  });

  it('start and finish answer a taken email exactly as a free one', async () => {
    const taken = await signup(srv.url, victim.email, 'attacker password');
    const free = await signup(srv.url, `free-${uuid()}@example.com`, 'attacker password');
    expect(taken.start.status).toBe(200);
    expect(shape(taken.start)).toEqual(shape(free.start));
    expect(taken.finish.status).toBe(200);
    expect(shape(taken.finish)).toEqual(shape(free.finish));
    expect(Object.keys(taken.finish.body)).toEqual(['userId']);
    expect(taken.finish.body.userId).toMatch(UUID);
    expect(taken.finish.body.userId).not.toBe(victim.id);

    // The same with the email spelled in upper case, which the server folds.
    const upper = await signup(srv.url, victim.email.toUpperCase(), 'attacker password');
    expect(shape(upper.finish)).toEqual(shape(free.finish));
  });

  it('the existing account is left exactly as it was, and the answer named no account', async () => {
    const before = await srv.db.query('SELECT * FROM users WHERE email = $1', [victim.email]);
    const taken = await signup(srv.url, victim.email, 'attacker password');
    expect(taken.finish.status).toBe(200);
    const after = await srv.db.query('SELECT * FROM users WHERE email = $1', [victim.email]);
    expect(after.rows).toEqual(before.rows);
    const ghost = await srv.db.query('SELECT id FROM users WHERE id = $1', [taken.finish.body.userId]);
    expect(ghost.rows).toEqual([]);

    // The attacker's password does not open it: the usual wrong-password answer.
    const attacker = await login(srv.url, victim.email, 'attacker password');
    expect(attacker.finish.status).toBe(401);
    expect(attacker.finish.body).toEqual({
      error: { code: 'wrong_password', message: 'wrong email or password' },
    });
    // The owner still logs in, to the same account.
    const owner = await login(srv.url, victim.email, victim.password);
    expect(owner.finish.status).toBe(200);
    expect(owner.finish.body.user.id).toBe(victim.id);
    expect(owner.finish.body.keyset).toEqual(before.rows[0]!.keyset);
  });

  it('signing up again with one’s own password just leads to the existing account', async () => {
    const again = await signup(srv.url, victim.email, victim.password);
    expect(again.finish.status).toBe(200);
    const l = await login(srv.url, victim.email, victim.password);
    expect(l.finish.status).toBe(200);
    expect(l.finish.body.user.id).toBe(victim.id);
  });
});

describe('an item id used elsewhere is refused without saying so', () => {
  let alice: TestUser;
  let bob: TestUser;
  let mallory: TestUser;
  let aliceTeam: string;
  let aliceVault: string;
  let bobVault: string;
  let malloryTeam: string;
  let malloryVault: string;
  let secretItem: string;

  const put = (u: TestUser, team: string, vault: string, item: string, baseVersion: number) =>
    u.api.put(`/api/v1/teams/${team}/vaults/${vault}/items/${item}`, {
      baseVersion,
      version: baseVersion + 1,
      generation: 1,
      envelope: envelope(),
      signature: rand(64),
    });

  beforeAll(async () => {
    alice = await newUser(srv.url, 'alice');
    bob = await newUser(srv.url, 'bob');
    mallory = await newUser(srv.url, 'mallory');
    aliceTeam = await formTeam(alice, [[bob, 'member']]);
    aliceVault = await makeVault(alice, aliceTeam);
    // Bob is in Alice's team, with a vault of his own but no grant on Alice's.
    bobVault = await makeVault(bob, aliceTeam);
    malloryTeam = await formTeam(mallory);
    malloryVault = await makeVault(mallory, malloryTeam);
    secretItem = uuid();
    expect((await put(alice, aliceTeam, aliceVault, secretItem, 0)).status).toBe(200);
    expect((await put(alice, aliceTeam, aliceVault, secretItem, 1)).status).toBe(200);
  });

  /** The answer to a write at an id no vault has ever used. */
  const nowhere = async (u: TestUser, team: string, vault: string) => put(u, team, vault, uuid(), 1);

  it('from another team: the same answer as an id that exists nowhere', async () => {
    const reference = await nowhere(mallory, malloryTeam, malloryVault);
    expect(reference.status).toBe(404);
    expect(reference.body).toEqual({ error: { code: 'not_found', message: 'item not found' } });
    // A create, an update from the version it is really at, and one from any other version.
    for (const base of [0, 1, 2, 7]) {
      const probe = await put(mallory, malloryTeam, malloryVault, secretItem, base);
      expect(shape(probe)).toEqual(shape(reference));
      expect(probe.body).toEqual(reference.body);
      const text = JSON.stringify(probe.body);
      for (const leak of [aliceTeam, aliceVault, alice.id, 'version', 'in use', 'team'])
        expect(text).not.toContain(leak);
    }
    const history = await mallory.api.get(
      `/api/v1/teams/${malloryTeam}/vaults/${malloryVault}/items/${secretItem}/versions`,
    );
    const historyRef = await mallory.api.get(
      `/api/v1/teams/${malloryTeam}/vaults/${malloryVault}/items/${uuid()}/versions`,
    );
    expect(shape(history)).toEqual(shape(historyRef));
    expect(history.body).toEqual(historyRef.body);
  });

  it('from another vault of the same team, one the writer cannot read: the same', async () => {
    const reference = await nowhere(bob, aliceTeam, bobVault);
    for (const base of [0, 2]) {
      const probe = await put(bob, aliceTeam, bobVault, secretItem, base);
      expect(shape(probe)).toEqual(shape(reference));
      expect(probe.body).toEqual(reference.body);
    }
  });

  it('the item itself is untouched, and a stale write in its own vault still gets the record', async () => {
    const row = await srv.db.query<{ vault_id: string; version: number }>(
      'SELECT vault_id, version FROM items WHERE id = $1',
      [secretItem],
    );
    expect(row.rows.map((r) => ({ vault: r.vault_id, version: Number(r.version) }))).toEqual([
      { vault: aliceVault, version: 2 },
    ]);
    const stale = await put(alice, aliceTeam, aliceVault, secretItem, 1);
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('conflict');
    expect(stale.body.current).toMatchObject({ id: secretItem, vault: aliceVault, version: 2 });
  });
});
