// Process: test. Probing for what belongs to others, as an attacker would over HTTP against the
// real server: signup must not tell whether an email has an account.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  login,
  newUser,
  type Reply,
  signup,
  startTestServer,
  type TestServer,
  type TestUser,
  uuid,
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
