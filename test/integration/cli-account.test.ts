// Process: test. The account commands of the real `tessera` command line against a real team
// server, behind a proxy that can make the server vanish: `tessera login` on a new device
// brings the vaults and secrets with it, a login whose sync finds the server gone still
// succeeds and says what to do, and `tessera signup` refuses a weak master password.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HostileProxy, startHostileProxy } from '../helpers/hostile-proxy.ts';
import { bytes, type Person, signUp } from '../helpers/people.ts';
import { cliUser } from '../helpers/cli.ts';
import { startTestServer } from '../helpers/server.ts';

let srv: Awaited<ReturnType<typeof startTestServer>>;
let proxy: HostileProxy;
let alice: Person;
const alicePassword = () => new TextDecoder().decode(alice.password());

const ok = (r: { code: number; stderr: string }) =>
  expect(r.stderr === '' ? r.code : `${r.code}: ${r.stderr}`).toBe(0);
/** The pull of changes, what every sync starts with. */
const isPull = (req: { path: string }) => req.path.includes('/changes');

beforeAll(async () => {
  srv = await startTestServer();
  proxy = await startHostileProxy(srv.url);
  alice = await signUp(proxy.url, 'alice');
  await alice.svc.createTeam('acme');
  await alice.svc.createVault('prod');
  await alice.svc.setSecret('prod/db', bytes('from-the-first-device'));
  alice.svc.lock();
});

afterAll(async () => {
  await proxy?.close();
  await srv?.close();
});

describe('tessera login', () => {
  it('on a new device syncs, so the secrets are there even with the server gone afterwards', async () => {
    const laptop = cliUser(alice.email, alicePassword());
    const r = await laptop.run(['login', '--server', proxy.url, '--email', alice.email]);
    ok(r);
    expect(r.stdout).toMatch(/^logged in as alice@example\.test\nsynced acme to revision \d+\n$/);
    // Only what the login brought: every request from now on is refused.
    proxy.refuse = () => true;
    try {
      const got = await laptop.run(['secret', 'get', 'prod/db']);
      expect(got.code, got.stderr).toBe(0);
      expect(got.stdout).toBe('from-the-first-device\n');
      expect(got.stderr).toMatch(/server unreachable: showing the local copy/);
    } finally {
      proxy.refuse = null;
    }
  });

  it('succeeds when its sync finds the server gone, says so, and the next sync catches up', async () => {
    const phone = cliUser(alice.email, alicePassword());
    proxy.refuse = isPull;
    let r: Awaited<ReturnType<typeof phone.run>>;
    try {
      r = await phone.run(['--json', 'login', '--server', proxy.url, '--email', alice.email]);
    } finally {
      proxy.refuse = null;
    }
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('team acme: offline; run `tessera sync` when the server is back\n');
    expect(JSON.parse(r.stdout)).toMatchObject({
      email: alice.email,
      team: 'acme',
      synced: [{ team: 'acme', offline: true }],
    });
    ok(await phone.run(['sync']));
    const got = await phone.run(['secret', 'get', 'prod/db']);
    ok(got);
    expect(got.stdout).toBe('from-the-first-device\n');
  });
});

describe('tessera signup', () => {
  it('refuses a weak master password with what to do, exit 1, before the server hears of it', async () => {
    const email = 'weak@example.test';
    for (const [password, reason] of [
      ['a', /^tessera: A master password needs at least 10 characters: add more words\./],
      [
        'password123',
        /^tessera: This master password is too easy to guess\. .*Add more words that are less common\./,
      ],
      [email, /too easy to guess\. It contains your name or email address\./],
    ] as const) {
      const u = cliUser(email, password);
      const r = await u.run(['signup', '--server', srv.url, '--email', email, '--name', 'Weak']);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(reason);
      expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
      if (password.length > 3 && password !== email) expect(r.stderr).not.toContain(password);
      expect(r.stdout).toBe('');
    }
    const users = await srv.db.query('SELECT 1 FROM users WHERE email = $1', [email]);
    expect(users.rows).toHaveLength(0);
    // A strong one goes through.
    const strong = cliUser(email, 'weak no more: saffron kettle orbit');
    ok(await strong.run(['signup', '--server', srv.url, '--email', email, '--name', 'Weak']));
  });
});
