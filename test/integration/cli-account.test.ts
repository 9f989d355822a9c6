// Process: test. The account commands of the real `tessera` command line against a real team
// server, behind a proxy that can make the server vanish: `tessera login` on a new device
// brings the vaults and secrets with it, and a login whose sync finds the server gone still
// succeeds and says what to do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliUser } from '../helpers/cli.ts';
import { type HostileProxy, startHostileProxy } from '../helpers/hostile-proxy.ts';
import { bytes, type Person, signUp } from '../helpers/people.ts';
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
