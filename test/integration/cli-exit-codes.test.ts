// Process: test. Each exit code of docs/design.md "The command line" (the table in
// shared/errors.ts), from the real `tessera` command line against a real team server behind a
// proxy that can make it vanish: each code's own case, a write queued offline is 0 and says
// so, and a taken email at signup is its own sentence, not "conflict".
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type CliUser, cliTeamOwner, cliUser } from '../helpers/cli.ts';
import { type HostileProxy, startHostileProxy } from '../helpers/hostile-proxy.ts';
import { startTestServer } from '../helpers/server.ts';

vi.setConfig({ testTimeout: 300_000 });

let srv: Awaited<ReturnType<typeof startTestServer>>;
let proxy: HostileProxy;
let owner: CliUser;

const ok = (r: { code: number; stderr: string }) =>
  expect(r.stderr === '' ? r.code : `${r.code}: ${r.stderr}`).toBe(0);

beforeAll(async () => {
  srv = await startTestServer();
  proxy = await startHostileProxy(srv.url);
  owner = await cliTeamOwner(proxy.url, 'oona@example.test', ['prod']);
}, 300_000);

afterAll(async () => {
  await proxy?.close();
  await srv?.close();
});

describe('tessera exit codes', () => {
  it('1 usage, 2 wrong password, 3 not found, 4 conflict, each with its sentence', async () => {
    const usage = await owner.run(['vault', 'create']);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toMatch(/missing required argument 'name'/);
    const wrong = await owner.run(['whoami'], { password: 'not the password at all' });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/wrong password/);
    const missing = await owner.run(['vault', 'rm', 'staging']);
    expect(missing.code).toBe(3);
    const taken = await owner.run(['--json', 'vault', 'create', 'Prod']);
    expect(taken.code).toBe(4);
    expect(JSON.parse(taken.stderr)).toEqual({
      error: {
        code: 'conflict',
        message: 'a vault named "prod" already exists in this team; pick another name',
      },
    });
  });

  it('a write while the server is unreachable exits 0 and says it is queued; 5 for what needs the server', async () => {
    proxy.refuse = () => true;
    try {
      const queued = await owner.run(['secret', 'set', 'prod/db', '--value-stdin'], {
        stdin: 'offline-value',
      });
      expect(queued.code, queued.stderr).toBe(0);
      expect(queued.stderr).toMatch(
        /server unreachable: .* kept, encrypted, and 1 edit\(s\) wait for the next sync/,
      );
      expect(queued.stdout).toBe('offline: 1 edit(s) queued\n');
      const invite = await owner.run(['team', 'invite', 'x@example.test']);
      expect(invite.code).toBe(5);
      expect(invite.stderr).toMatch(/^tessera: cannot /);
    } finally {
      proxy.refuse = null;
    }
    const sent = await owner.run(['sync']);
    ok(sent);
    expect(sent.stdout).toMatch(/pushed 1 edit/);
  });

  it('signing up with an email that has an account says so and what to do, exit 2, not "conflict"', async () => {
    const again = cliUser(owner.email, 'a different long passphrase, also fine');
    const r = await again.run([
      '--json',
      'signup',
      '--server',
      proxy.url,
      '--email',
      owner.email,
      '--name',
      'X',
    ]);
    expect(r.code).toBe(2);
    const { error } = JSON.parse(r.stderr);
    expect(error.code).not.toBe('conflict');
    expect(error.message).toMatch(/already has an account, log in with its password instead/);
  });
});
