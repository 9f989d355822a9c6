// Process: test. The whole flow through the real `tessera` command line against a real
// team server: what a user types, what they see, and the exit codes of docs/design.md "The command line".
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SecretView } from '../../shared/ipc-results.ts';
import { type CliUser, cliUser, runCli } from '../helpers/cli.ts';
import { startTestServer } from '../helpers/server.ts';

// Each test runs several CLI processes (tsx start-up, Argon2id): minutes on a busy 2-core machine.
vi.setConfig({ testTimeout: 300_000 });

let srv: Awaited<ReturnType<typeof startTestServer>>;
let alice: CliUser;
let bob: CliUser;
let carol: CliUser;

const ok = (r: { code: number; stderr: string }) =>
  expect(r.stderr === '' ? r.code : `${r.code}: ${r.stderr}`).toBe(0);

async function fingerprintOf(u: CliUser): Promise<string> {
  const r = await u.run(['whoami', '--json']);
  ok(r);
  return JSON.parse(r.stdout).fingerprint;
}

beforeAll(async () => {
  srv = await startTestServer();
  alice = cliUser('alice@example.test');
  bob = cliUser('bob@example.test');
  carol = cliUser('carol@example.test');
  for (const [u, name] of [
    [alice, 'Alice'],
    [bob, 'Bob'],
    [carol, 'Carol'],
  ] as const) {
    const r = await u.run(['signup', '--server', srv.url, '--email', u.email, '--name', name]);
    ok(r);
    expect(r.stdout).toMatch(/fingerprint [0-9A-F]{4}( [0-9A-F]{4}){7}/);
  }
  // Three CLI processes, each starting tsx and running Argon2id: slow on a busy machine.
}, 300_000);

afterAll(async () => {
  await srv?.close();
});

describe('tessera CLI, end to end', () => {
  it('creates a team, invites, and confirms only with the right fingerprint', async () => {
    ok(await alice.run(['team', 'create', 'acme']));
    const invited = await alice.run(['team', 'invite', bob.email, '--role', 'member']);
    ok(invited);
    const code = /tessera team accept (\S+)/.exec(invited.stdout)?.[1];
    expect(code).toMatch(/^[0-9a-z]{5}(-[0-9a-z]{1,5}){5}$/);
    ok(await alice.run(['team', 'invite', carol.email, '--role', 'member']));
    // A mistyped code is refused before anything is sent; a code for no team is not found.
    const typo = await bob.run(['team', 'accept', 'not-a-code']);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/not an invite code/);
    ok(await bob.run(['team', 'accept', code!]));
    ok(await carol.run(['team', 'accept', code!]));
    const bobFp = await fingerprintOf(bob);
    const carolFp = await fingerprintOf(carol);
    const wrong = await alice.run(['team', 'confirm', bob.email, '--fingerprint', carolFp]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/fingerprint mismatch/);
    const missing = await alice.run(['team', 'confirm', bob.email]);
    expect(missing.code).toBe(1);
    ok(
      await alice.run([
        'team',
        'confirm',
        bob.email,
        '--fingerprint',
        bobFp.toLowerCase().replace(/ /g, '-'),
      ]),
    );
    ok(await alice.run(['team', 'confirm', carol.email, '--fingerprint', carolFp]));
    const members = await alice.run(['team', 'members', '--json']);
    ok(members);
    expect(
      JSON.parse(members.stdout)
        .map((m: { email: string; status: string }) => `${m.email}:${m.status}`)
        .sort(),
    ).toEqual(['alice@example.test:confirmed', 'bob@example.test:confirmed', 'carol@example.test:confirmed']);
  });

  it('stores a secret and shares it with a member and with a group', async () => {
    ok(await alice.run(['vault', 'create', 'prod']));
    ok(await alice.run(['secret', 'set', 'prod/db', '--value-stdin'], { stdin: 'correct-horse-canary\n' }));
    ok(await alice.run(['vault', 'share', 'prod', '--with', bob.email, '--role', 'view']));
    const got = await bob.run(['secret', 'get', 'prod/db']);
    ok(got);
    expect(got.stdout).toBe('correct-horse-canary\n');

    ok(await alice.run(['group', 'create', 'ops']));
    ok(await alice.run(['group', 'add', 'ops', carol.email]));
    ok(await alice.run(['vault', 'share', 'prod', '--with', 'ops', '--role', 'edit']));
    const viaGroup = await carol.run(['secret', 'get', 'prod/db']);
    ok(viaGroup);
    expect(viaGroup.stdout).toBe('correct-horse-canary\n');
    const list = await carol.run(['secret', 'list', '--json']);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ vault: 'prod', name: 'db' })]);
  });

  it('exit codes: denied 2, not found 3, usage 1', async () => {
    const denied = await bob.run(['secret', 'set', 'prod/db', '--value-stdin'], { stdin: 'nope' });
    expect(denied.code).toBe(2);
    expect(denied.stderr).toMatch(/you can only read vault prod \(your access is view\)/);
    expect(denied.stderr).not.toMatch(/item\.write/);
    const invite = await bob.run(['team', 'invite', 'x@example.test', '--role', 'admin']);
    expect(invite.code).toBe(2);
    // The client checks a link against the chain rules before it signs and sends it.
    const group = await bob.run(['group', 'create', 'bobs-group']);
    expect(group.code).toBe(2);
    expect(group.stderr).toBe('tessera: a member may not manage groups\n');
    const notFound = await bob.run(['secret', 'get', 'prod/nothing']);
    expect(notFound.code).toBe(3);
    const noVault = await bob.run(['secret', 'get', 'nowhere/db']);
    expect(noVault.code).toBe(3);
    const argvValue = await alice.run(['secret', 'set', 'prod/db']);
    expect(argvValue.code).toBe(1);
    expect(argvValue.stderr).toMatch(/nothing to set: give a value \(--value-stdin, --generate LEN/);
    const badRole = await alice.run(['vault', 'share', 'prod', '--with', bob.email, '--role', 'god']);
    expect(badRole.code).toBe(1);
  });

  it('a new value keeps the rotation interval; --no-rotate-every clears it', async () => {
    const rotation = async () => {
      const r = await carol.run(['secret', 'list', 'prod', '--json']);
      ok(r);
      return (JSON.parse(r.stdout) as SecretView[]).find((x) => x.name === 'rotating')?.rotateEveryDays;
    };
    ok(await carol.run(['secret', 'set', 'prod/rotating', '--generate', '16', '--rotate-every', '30d']));
    ok(await alice.run(['secret', 'set', 'prod/rotating', '--value-stdin'], { stdin: 'second' }));
    expect(await rotation()).toBe(30);
    ok(
      await alice.run(['secret', 'set', 'prod/rotating', '--value-stdin', '--no-rotate-every'], {
        stdin: 'third',
      }),
    );
    expect(await rotation()).toBeUndefined();
  });

  it('generates a password, keeps history, and removes', async () => {
    ok(await carol.run(['secret', 'set', 'prod/api', '--generate', '32', '--rotate-every', '30d']));
    const v = await alice.run(['secret', 'get', 'prod/api']);
    expect(v.stdout.trim()).toHaveLength(32);
    ok(await alice.run(['secret', 'set', 'prod/api', '--value-stdin'], { stdin: 'second' }));
    const h = await carol.run(['secret', 'history', 'prod/api', '--json']);
    expect(
      JSON.parse(h.stdout).map((x: { version: number; updatedBy: string }) => `${x.version}:${x.updatedBy}`),
    ).toEqual([`1:${carol.email}`, `2:${alice.email}`]);
    const first = await alice.run(['secret', 'get', 'prod/api', '--version', '1']);
    ok(first);
    expect(first.stdout).toBe(v.stdout);
    expect((await alice.run(['secret', 'get', 'prod/api', '--version', '9'])).code).toBe(3);
    ok(await alice.run(['secret', 'rm', 'prod/api']));
    expect((await carol.run(['secret', 'get', 'prod/api'])).code).toBe(3);
  });

  it('signing up again with a taken email says to log in instead, and leaves the account alone', async () => {
    const again = cliUser(alice.email, 'someone else entirely, long enough');
    const r = await again.run(['signup', '--server', srv.url, '--email', alice.email, '--name', 'Mallory']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/if this email already has an account, log in with its password instead/);
    ok(await alice.run(['whoami']));
  });

  it('a wrong password is a clear error, exit 2', async () => {
    const r = await alice.run(['whoami'], { password: 'not my password' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/wrong password/);
    const login = await runCli(
      ['--profile', `${alice.profile}-other`, 'login', '--server', srv.url, '--email', alice.email],
      {
        env: { TESSERA_PASSWORD: 'not my password' },
      },
    );
    expect(login.code).toBe(2);
    expect(login.stderr).toMatch(/wrong email or password/);
    const none = await alice.run(['whoami'], { password: null });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/TESSERA_PASSWORD/);
  });

  it('a revoked session is a clear error, exit 2, until the user logs in again', async () => {
    await srv.db.query('UPDATE sessions SET revoked_at = now() WHERE revoked_at IS NULL');
    const r = await bob.run(['secret', 'get', 'prod/db']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/revoked/);
    ok(await bob.run(['login', '--server', srv.url, '--email', bob.email]));
    expect((await bob.run(['secret', 'get', 'prod/db'])).stdout).toBe('correct-horse-canary\n');
  });

  it('server unreachable is exit 5 for what needs the server', async () => {
    const r = await runCli(
      ['--profile', `${alice.profile}-x`, 'login', '--server', 'http://127.0.0.1:9', '--email', alice.email],
      {
        env: { TESSERA_PASSWORD: alice.password },
      },
    );
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/cannot reach/);
  });
});

describe('an expired session', () => {
  it('is a clear error, exit 2', async () => {
    const dora = cliUser('dora@example.test');
    ok(await dora.run(['signup', '--server', srv.url, '--email', dora.email, '--name', 'Dora']));
    ok(await dora.run(['team', 'create', 'solo']));
    // Expire the session where the server keeps it, instead of racing a short TTL on a busy machine.
    await srv.db.query(
      "UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = (SELECT id FROM users WHERE email = $1)",
      [dora.email],
    );
    const r = await dora.run(['vault', 'create', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/session expired/);
  });
});
