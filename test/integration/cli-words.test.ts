// Process: test. What a newcomer meets in the real `tessera` command line against a real team
// server: the version, where their membership stands, errors as sentences or as JSON with the
// exit codes of docs/design.md "The command line", and the near name for a mistyped one.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type CliUser, cliTeamOwner, cliUser, runCli } from '../helpers/cli.ts';
import { startTestServer } from '../helpers/server.ts';

vi.setConfig({ testTimeout: 300_000 });

let srv: Awaited<ReturnType<typeof startTestServer>>;
let owner: CliUser;

const ok = (r: { code: number; stderr: string }) =>
  expect(r.stderr === '' ? r.code : `${r.code}: ${r.stderr}`).toBe(0);

beforeAll(async () => {
  srv = await startTestServer();
  owner = await cliTeamOwner(srv.url, 'olga@example.test', ['prod']);
  ok(await owner.run(['secret', 'set', 'prod/db', '--value-stdin'], { stdin: 'hunter22' }));
}, 300_000);

afterAll(async () => {
  await srv?.close();
});

describe('tessera words', () => {
  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    const r = await runCli(['--version']);
    ok(r);
    expect(r.stdout).toBe(`${pkg.version}\n`);
  });

  it('whoami says "awaiting confirmation" until an admin confirms, then the role', async () => {
    const ben = cliUser('ben@example.test');
    ok(await ben.run(['signup', '--server', srv.url, '--email', ben.email, '--name', 'Ben']));
    const invited = await owner.run(['team', 'invite', ben.email, '--role', 'member']);
    ok(invited);
    const code = /tessera team accept (\S+)/.exec(invited.stdout)![1]!;
    ok(await ben.run(['team', 'accept', code]));
    const waiting = await ben.run(['whoami']);
    ok(waiting);
    expect(waiting.stdout).toMatch(/^team acme \(awaiting confirmation\)$/m);
    const json = await ben.run(['--json', 'whoami']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      team: 'acme',
      role: null,
      status: 'awaiting confirmation',
    });
    const fp = JSON.parse(json.stdout).fingerprint as string;
    // Neither a typo nor a mismatch shows the fingerprint the server holds.
    const typo = await owner.run(['team', 'confirm', ben.email, '--fingerprint', fp.slice(0, -2)]);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(
      /^tessera: that is not a fingerprint: .*ask ben@example\.test to read theirs again\n$/,
    );
    const other = fp.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    const mismatch = await owner.run(['team', 'confirm', ben.email, '--fingerprint', other]);
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toMatch(/fingerprint mismatch/);
    for (const r of [typo, mismatch])
      expect(r.stderr.replace(/\s/g, '')).not.toContain(fp.replace(/\s/g, ''));
    ok(await owner.run(['team', 'confirm', ben.email, '--fingerprint', fp]));
    const confirmed = await ben.run(['whoami']);
    ok(confirmed);
    expect(confirmed.stdout).toMatch(/^team acme \(member\)$/m);
  });

  it('errors are a sentence, or JSON on stderr with --json, with the exit code', async () => {
    const plain = await owner.run(['secret', 'get', 'prod/nothing']);
    expect(plain.code).toBe(3);
    expect(plain.stdout).toBe('');
    expect(plain.stderr).toBe('tessera: no secret "nothing" in vault prod\n');
    const json = await owner.run(['--json', 'secret', 'get', 'prod/nothing']);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stderr)).toEqual({
      error: { code: 'not_found', message: 'no secret "nothing" in vault prod' },
    });
    // Commander's own usage errors too, and no help text after them to trip a parser.
    const usage = await runCli(['--json', 'vault', 'share', 'prod', '--role', 'god', '--with', 'x']);
    expect(usage.code).toBe(1);
    expect(JSON.parse(usage.stderr)).toMatchObject({ error: { code: 'usage' } });
    expect(JSON.parse(usage.stderr).error.message).toMatch(/god/);
    const noPassword = await owner.run(['--json', 'whoami'], { password: null });
    expect(noPassword.code).toBe(1);
    expect(JSON.parse(noPassword.stderr).error.code).toBe('usage');
  });

  it('a mistyped vault or secret name offers the near one', async () => {
    const vault = await owner.run(['secret', 'get', 'prdo/db']);
    expect(vault.code).toBe(3);
    expect(vault.stderr).toBe('tessera: no vault "prdo" you can read: did you mean "prod"?\n');
    const secret = await owner.run(['secret', 'get', 'prod/bd']);
    expect(secret.code).toBe(3);
    expect(secret.stderr).toBe('tessera: no secret "bd" in vault prod: did you mean "db"?\n');
    // An older version still reads with --version after a subcommand, not the program's.
    const v1 = await owner.run(['secret', 'get', 'prod/db', '--version', '1']);
    ok(v1);
    expect(v1.stdout).toBe('hunter22\n');
  });
});
