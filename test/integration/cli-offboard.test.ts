// Process: test. `tessera team offboard EMAIL` through the real command line and a real team
// server (docs/design.md "Offboarding"): the report in words, in JSON and as CSV; the leaver's
// own CLI refused at once; `tessera due` exiting 6 with "rotation required: ... offboarded on
// <date>" until the secret is rotated; running it again continues and prints the report again.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type CliUser, cliTeamOwner, cliUser } from '../helpers/cli.ts';
import { startTestServer } from '../helpers/server.ts';

vi.setConfig({ testTimeout: 300_000 });

let srv: Awaited<ReturnType<typeof startTestServer>>;
let alice: CliUser;
let bob: CliUser;
const ok = (r: { code: number; stderr: string }) =>
  expect(r.stderr === '' ? r.code : `${r.code}: ${r.stderr}`).toBe(0);

beforeAll(async () => {
  srv = await startTestServer();
  alice = await cliTeamOwner(srv.url, 'alice@example.test', ['prod', 'hr']);
  bob = cliUser('bob@example.test');
  ok(await bob.run(['signup', '--server', srv.url, '--email', bob.email, '--name', 'Bob']));
  const invited = await alice.run(['team', 'invite', bob.email, '--role', 'member']);
  ok(invited);
  ok(await bob.run(['team', 'accept', /tessera team accept (\S+)/.exec(invited.stdout)![1]!]));
  const fp = JSON.parse((await bob.run(['--json', 'whoami'])).stdout).fingerprint as string;
  ok(await alice.run(['team', 'confirm', bob.email, '--fingerprint', fp]));
  ok(await alice.run(['secret', 'set', 'prod/db', '--value-stdin'], { stdin: 'db-1' }));
  ok(await alice.run(['secret', 'set', 'hr/payroll', '--value-stdin'], { stdin: 'p-1' }));
  ok(await alice.run(['vault', 'share', 'prod', '--with', bob.email, '--role', 'view']));
  ok(await bob.run(['sync']));
  expect((await bob.run(['secret', 'get', 'prod/db'])).stdout).toBe('db-1\n');
}, 300_000);

afterAll(async () => {
  await srv?.close();
});

describe('tessera team offboard', () => {
  it('offboards in one step and reports exactly what the leaver could decrypt', async () => {
    const r = await alice.run(['--json', 'team', 'offboard', bob.email]);
    ok(r);
    const report = JSON.parse(r.stdout);
    const date = report.offboardedAt.slice(0, 10);
    expect(report).toMatchObject({
      email: bob.email,
      resumed: false,
      server: { sessionsRevoked: 1, linksRevoked: 0, accountSuspended: true },
    });
    expect(report.secrets).toEqual([
      expect.objectContaining({
        vault: 'prod',
        name: 'db',
        flag: `rotation required: ${bob.email} offboarded on ${date}`,
      }),
    ]);
    expect(report.vaults).toEqual([expect.objectContaining({ name: 'prod', status: 'rekeyed', secrets: 1 })]);

    const refused = await bob.run(['secret', 'get', 'prod/db']);
    expect(refused.code).not.toBe(0);
    expect((await bob.run(['sync'])).code).not.toBe(0);

    const due = await alice.run(['due']);
    expect(due.code).toBe(6);
    expect(due.stdout).toMatch(
      new RegExp(
        `^prod/db\\trotation required: ${bob.email.replace('.', '\\.')} offboarded on ${date} \\(flagged by alice@example\\.test`,
        'm',
      ),
    );
    expect(due.stdout).not.toMatch(/hr\/payroll/);

    const again = await alice.run(['team', 'offboard', bob.email]);
    ok(again);
    expect(again.stdout).toMatch(
      /^bob@example\.test was already offboarded by alice@example\.test on \d{4}-\d{2}-\d{2}; continued$/m,
    );
    expect(again.stdout).toMatch(/^ {2}prod\/db\trotation required: /m);
    const csv = await alice.run(['team', 'offboard', bob.email, '--csv']);
    ok(csv);
    // Bob's one `secret get` before he left is in the audit log: revealed once, never copied.
    expect(csv.stdout.split('\r\n')).toEqual([
      'kind,vault,name,rotation,created,expires,status,revealed,copied,last used',
      expect.stringMatching(
        new RegExp(
          `^secret,prod,db,rotation required: ${bob.email.replace('.', '\\.')} offboarded on ${date},,,,1,0,${date}T`,
        ),
      ),
      '',
    ]);
    expect(again.stdout).toMatch(
      /^ {2}prod\/db\trotation required: [^\t]+\trevealed 1, copied 0, last \d{4}-/m,
    );

    ok(await alice.run(['secret', 'rotate', 'prod/db']));
    const clear = await alice.run(['due']);
    ok(clear);
    expect(clear.stdout).toBe('nothing to rotate\n');
  });

  it('refuses someone who is not a member, in words', async () => {
    const r = await alice.run(['team', 'offboard', 'nobody@example.test']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/nobody@example\.test is not a member of this team/);
  });
});
