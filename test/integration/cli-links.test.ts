// Process: test. `tessera link ...` and `tessera vault policy` through the real command line
// and a real team server: the URL goes to stdout alone, a stranger with no account opens it
// once, a passphrase comes from stdin, and refusals exit with the codes of docs/design.md.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type CliUser, cliTeamOwner, cliUser } from '../helpers/cli.ts';
import { startTestServer } from '../helpers/server.ts';

vi.setConfig({ testTimeout: 300_000 });

let srv: Awaited<ReturnType<typeof startTestServer>>;
let alice: CliUser;
let stranger: CliUser;
const keys: string[] = [];
const stderrs: string[] = [];
const ok = (r: { code: number; stderr: string }) => {
  stderrs.push(r.stderr);
  expect(r.code, r.stderr).toBe(0);
};

async function create(args: string[], stdin?: string): Promise<string> {
  const r = await alice.run(['link', 'create', 'prod/db', ...args], { stdin });
  ok(r);
  const lines = r.stdout.split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[1]).toBe('');
  const url = lines[0]!;
  expect(url).toMatch(new RegExp(`^${srv.url}/s/[0-9a-f-]{36}#[A-Za-z0-9_-]{43}$`));
  keys.push(url.slice(url.indexOf('#') + 1));
  return url;
}
const idOf = (url: string) => url.slice(url.lastIndexOf('/') + 1, url.indexOf('#'));

beforeAll(async () => {
  srv = await startTestServer();
  alice = await cliTeamOwner(srv.url, 'alice@example.test', ['prod']);
  ok(await alice.run(['secret', 'set', 'prod/db', '--value-stdin'], { stdin: 'hunter2-cli' }));
  stranger = cliUser('stranger@example.test');
}, 300_000);

afterAll(async () => {
  await srv?.close();
});

describe('tessera link', () => {
  it('create prints only the URL; a stranger opens it once, then it is used up (exit 3)', async () => {
    const url = await create([]);
    const first = await stranger.run(['link', 'open', url], { password: null });
    ok(first);
    expect(first.stdout).toBe('hunter2-cli\n');
    expect(first.stderr).toBe('db: 0 views left\n');
    const again = await stranger.run(['link', 'open', url], { password: null });
    expect(again.code).toBe(3);
    expect(again.stderr).toContain('this link was already opened as many times as it allows');
    stderrs.push(again.stderr);
  });

  it('a passphrase link reads the passphrase (and with `-` the URL) from stdin', async () => {
    const url = await create(['--passphrase-stdin', '--views', '3', '--expires', '1d'], 'plum blossom\n');
    const none = await stranger.run(['link', 'open', url], { password: null });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('this link needs a passphrase');
    const wrong = await stranger.run(['link', 'open', '-', '--passphrase-stdin'], {
      password: null,
      stdin: `${url}\nplum blossoms\n`,
    });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('wrong passphrase');
    const right = await stranger.run(['--json', 'link', 'open', '-', '--passphrase-stdin'], {
      password: null,
      stdin: `${url}\nplum blossom\n`,
    });
    ok(right);
    expect(JSON.parse(right.stdout)).toMatchObject({
      name: 'db',
      fields: [{ key: 'password', value: 'hunter2-cli' }],
      viewsLeft: 1,
    });
    stderrs.push(none.stderr, wrong.stderr);
  });

  it('list shows the links, revoke ends one (an opener is told, exit 3)', async () => {
    const url = await create(['--views', '2']);
    const list = await alice.run(['link', 'list']);
    ok(list);
    expect(list.stdout).toMatch(
      new RegExp(`^${idOf(url)}\tactive\t2/2 views left\texpires \\S+\talice@example.test$`, 'm'),
    );
    ok(await alice.run(['link', 'revoke', idOf(url)]));
    const open = await stranger.run(['link', 'open', url], { password: null });
    expect(open.code).toBe(3);
    expect(open.stderr).toContain('this link was revoked by its sender');
    const bad = await stranger.run(['link', 'open', `${srv.url}/s/${idOf(url)}`], { password: null });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('not a Tessera link');
    stderrs.push(open.stderr, bad.stderr);
  });

  it('refuses bad durations and view counts as usage errors', async () => {
    const r = await alice.run(['link', 'create', 'prod/db', '--expires', '8d']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('at most 7 days');
    const v = await alice.run(['link', 'create', 'prod/db', '--expires', 'soon']);
    expect(v.code).toBe(1);
    expect(v.stderr).toContain('expected a duration like 30m, 1h or 7d');
  });
});

describe('tessera vault policy', () => {
  it('an admin forbids links or caps their expiry; the server enforces it (exit 2)', async () => {
    const shown = await alice.run(['vault', 'policy', 'prod']);
    ok(shown);
    expect(shown.stdout).toBe('one-time links: allowed, up to 7d\n');
    ok(await alice.run(['vault', 'policy', 'prod', '--no-links']));
    const off = await alice.run(['link', 'create', 'prod/db']);
    expect(off.code).toBe(2);
    expect(off.stderr).toContain('an admin has turned off one-time links for this vault');
    const capped = await alice.run(['vault', 'policy', 'prod', '--links', '--max-link-expiry', '1d']);
    ok(capped);
    expect(capped.stdout).toBe('one-time links: allowed, up to 1d\n');
    const long = await alice.run(['link', 'create', 'prod/db', '--expires', '2d']);
    expect(long.code).toBe(2);
    expect(long.stderr).toContain("this vault's policy lets links live at most 1d");
    await create(['--expires', '1d']);
    ok(await alice.run(['vault', 'policy', 'prod', '--max-link-expiry', 'none']));
  });

  it('no key ever reached stderr', () => {
    expect(keys.length).toBeGreaterThan(3);
    for (const k of keys) for (const e of stderrs) expect(e).not.toContain(k);
  });
});
