// Process: test. `tessera due` and `tessera secret rotate` through the real command line and a
// real team server: the exit code a CI job fails on, and a rotation that really changes the value.
// A "rotation required" flag alone is enough to fail the job, until a rotation settles it.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type CliUser, cliTeamOwner } from '../helpers/cli.ts';
import { startTestServer } from '../helpers/server.ts';

vi.setConfig({ testTimeout: 300_000 });

let srv: Awaited<ReturnType<typeof startTestServer>>;
let alice: CliUser;
const ok = (r: { code: number; stderr: string }) =>
  expect(r.stderr === '' ? r.code : `${r.code}: ${r.stderr}`).toBe(0);

beforeAll(async () => {
  srv = await startTestServer();
  alice = await cliTeamOwner(srv.url, 'alice@example.test', ['prod']);
}, 300_000);

afterAll(async () => {
  await srv?.close();
});

describe('tessera due', () => {
  it('exits 0 when nothing is due, 6 when a secret has expired, and lists what is due soon', async () => {
    ok(await alice.run(['secret', 'set', 'prod/db', '--passphrase', '5', '--rotate-every', '3d']));
    const soon = await alice.run(['due']);
    ok(soon);
    expect(soon.stdout).toMatch(
      /^prod\/db\trotation due in [23] days \(\d{4}-\d{2}-\d{2}, every 3 days\)\n$/,
    );
    ok(
      await alice.run(['secret', 'set', 'prod/cert', '--value-stdin', '--expires', '2020-01-31'], {
        stdin: 'pem',
      }),
    );
    const expired = await alice.run(['due', '--json']);
    expect(expired.code).toBe(6);
    const list = JSON.parse(expired.stdout);
    expect(list.map((e: { name: string; reason: string }) => [e.name, e.reason])).toEqual([
      ['cert', 'expired'],
      ['db', 'due-soon'],
    ]);
    const bad = await alice.run(['secret', 'set', 'prod/cert', '--expires', '31/01/2020']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--expires takes a date like 2027-03-31/);
    ok(await alice.run(['secret', 'set', 'prod/cert', '--no-expires']));
    ok(await alice.run(['secret', 'set', 'prod/db', '--no-rotate-every']));
    const none = await alice.run(['due']);
    ok(none);
    expect(none.stdout).toBe('nothing to rotate\n');
  });

  it('rotate generates the next value the way the last one was generated, or takes stdin', async () => {
    const before = (await alice.run(['secret', 'get', 'prod/db'])).stdout.trim();
    expect(before).toMatch(/^[a-z]+(-[a-z]+){4}$/);
    ok(await alice.run(['secret', 'rotate', 'prod/db']));
    const after = (await alice.run(['secret', 'get', 'prod/db'])).stdout.trim();
    expect(after).toMatch(/^[a-z]+(-[a-z]+){4}$/);
    expect(after).not.toBe(before);
    ok(await alice.run(['secret', 'rotate', 'prod/db', '--value-stdin'], { stdin: 'chosen-value\n' }));
    expect((await alice.run(['secret', 'get', 'prod/db'])).stdout).toBe('chosen-value\n');
    const history = JSON.parse((await alice.run(['secret', 'history', 'prod/db', '--json'])).stdout);
    expect(history).toHaveLength(4);
  });

  it("a vault's default interval: set at create or later, listed, inherited, cleared", async () => {
    ok(await alice.run(['vault', 'create', 'ops', '--rotate-every', '3d']));
    ok(await alice.run(['secret', 'set', 'ops/key', '--value-stdin'], { stdin: 'k' }));
    ok(
      await alice.run(['secret', 'set', 'ops/own', '--value-stdin', '--rotate-every', '90d'], { stdin: 'o' }),
    );
    const listed = await alice.run(['vault', 'list']);
    ok(listed);
    expect(listed.stdout).toMatch(/^ops\tmanage\t[0-9a-f-]{36}\trotate every 3d$/m);
    const due = await alice.run(['due']);
    expect(due.stdout).toMatch(
      /^ops\/key\trotation due in [23] days \(\d{4}-\d{2}-\d{2}, every 3 days, the vault's default\)$/m,
    );
    expect(due.stdout).not.toMatch(/ops\/own/);

    ok(await alice.run(['vault', 'set', 'ops', '--rotate-every', '120d']));
    expect((await alice.run(['due'])).stdout).not.toMatch(/ops\/key/);
    const nothing = await alice.run(['vault', 'set', 'ops']);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toMatch(/nothing to set: give --rotate-every 90d or --no-rotate-every/);
    const bad = await alice.run(['vault', 'set', 'ops', '--rotate-every', '5000d']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/1 to 3650 days/);
    ok(await alice.run(['vault', 'set', 'ops', '--no-rotate-every']));
    expect((await alice.run(['vault', 'list'])).stdout).not.toMatch(/rotate every/);
  });

  it('a flag alone makes `due` exit 6, with the reason and who flagged; rotating settles it', async () => {
    ok(await alice.run(['secret', 'set', 'prod/flagged', '--value-stdin'], { stdin: 'v1' }));
    const quiet = await alice.run(['due']);
    ok(quiet);
    expect(quiet.stdout).toBe('nothing to rotate\n');
    const noReason = await alice.run(['secret', 'flag', 'prod/flagged']);
    expect(noReason.code).toBe(1);
    expect(noReason.stderr).toMatch(/--reason/);
    const flag = await alice.run([
      'secret',
      'flag',
      'prod/flagged',
      '--reason',
      'left on a laptop that was stolen',
    ]);
    ok(flag);
    expect(flag.stdout).toBe('flagged prod/flagged for rotation: left on a laptop that was stolen\n');

    const due = await alice.run(['due']);
    expect(due.code).toBe(6);
    expect(due.stdout).toMatch(
      /^prod\/flagged\trotation required: left on a laptop that was stolen \(flagged by alice@example\.test on \d{4}-\d{2}-\d{2}\)\n$/,
    );
    const json = await alice.run(['due', '--json']);
    expect(json.code).toBe(6);
    expect(JSON.parse(json.stdout)).toMatchObject([
      {
        vault: 'prod',
        name: 'flagged',
        reason: 'rotation-required',
        canRotate: true,
        flags: [{ reason: 'left on a laptop that was stolen', by: 'alice@example.test' }],
      },
    ]);

    ok(await alice.run(['secret', 'rotate', 'prod/flagged', '--value-stdin'], { stdin: 'v2\n' }));
    const after = await alice.run(['due']);
    ok(after);
    expect(after.stdout).toBe('nothing to rotate\n');
  });
});
