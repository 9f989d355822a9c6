// Process: test. Items with fields through the real `tessera` command line: concealed values
// only from stdin, `get --field`, `show`, restore and mv, against a real team server.
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
  alice = await cliTeamOwner(srv.url, 'alice@example.test', ['prod', 'staging']);
}, 300_000);

afterAll(async () => {
  await srv?.close();
});

describe('tessera secret with fields', () => {
  it('refuses a concealed value on the command line, before anything is written', async () => {
    const r = await alice.run([
      'secret',
      'set',
      'prod/github',
      '--type',
      'login',
      '--field',
      'password=hunter22',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/"password" is concealed: pass --field password=- and the value on stdin/);
    const bad = await alice.run(['secret', 'set', 'prod/github', '--type', 'spaceship', '--value-stdin'], {
      stdin: 'x',
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/unknown type "spaceship": use one of password, login/);
    const list = await alice.run(['secret', 'list', 'prod', '--json']);
    expect(JSON.parse(list.stdout)).toEqual([]);
  });

  it('sets a login with fields and tags, then gets each field and shows the item', async () => {
    ok(
      await alice.run(
        [
          'secret',
          'set',
          'prod/github',
          '--type',
          'login',
          '--field',
          'username=ci-bot',
          '--field',
          'url=https://github.com',
          '--value-stdin',
          '--tag',
          'ci',
          '--rotate-every',
          '90d',
        ],
        { stdin: 'gh-pass-1\n' },
      ),
    );
    ok(
      await alice.run(['secret', 'set', 'prod/github', '--field', 'otp:totp=-'], {
        stdin: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
      }),
    );
    const pw = await alice.run(['secret', 'get', 'prod/github']);
    ok(pw);
    expect(pw.stdout).toBe('gh-pass-1\n');
    const user = await alice.run(['secret', 'get', 'prod/github', '--field', 'username']);
    expect(user.stdout).toBe('ci-bot\n');
    const code = await alice.run(['secret', 'get', 'prod/github', '--field', 'otp']);
    expect(code.stdout).toMatch(/^\d{6}\n$/);
    const missing = await alice.run(['secret', 'get', 'prod/github', '--field', 'pin']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/no field "pin" \(its fields: username, password, url, otp\)/);
    const show = await alice.run(['secret', 'show', 'prod/github']);
    ok(show);
    expect(show.stdout).toMatch(/prod\/github {2}\(Login, version 2\)/);
    expect(show.stdout).toMatch(/Username\s+ci-bot/);
    expect(show.stdout).toMatch(
      /\* Password\s+\(concealed: tessera secret get prod\/github --field password\)/,
    );
    expect(show.stdout).toMatch(/otp\s+\d{6} \(\d+ s left\)/);
    expect(show.stdout).toMatch(/tags: ci\nrotate every 90 days/);
    expect(show.stdout).not.toMatch(/gh-pass-1|GEZDGNBV/);
  });

  it('restores an old version and moves the secret to another vault', async () => {
    ok(await alice.run(['secret', 'set', 'prod/github', '--generate', '20']));
    ok(await alice.run(['secret', 'restore', 'prod/github', '1']));
    const back = await alice.run(['secret', 'get', 'prod/github']);
    expect(back.stdout).toBe('gh-pass-1\n');
    ok(await alice.run(['secret', 'mv', 'prod/github', 'staging/gh']));
    const list = await alice.run(['secret', 'list', '--json']);
    expect(
      JSON.parse(list.stdout).map((s: { vault: string; name: string }) => `${s.vault}/${s.name}`),
    ).toEqual(['staging/gh']);
    const moved = await alice.run(['secret', 'get', 'staging/gh', '--field', 'username']);
    expect(moved.stdout).toBe('ci-bot\n');
  });
});
