// Process: test. `tessera audit` through the real command line (docs/design.md "Audit"):
// plain lines and JSON lines, the filters, `--verify`, and exit codes: a log rewritten in the
// database exits 2 with a `tampered` error naming the team, bad filters exit 1 or 3.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type CliUser, cliTeamOwner } from '../helpers/cli.ts';
import { startTestServer } from '../helpers/server.ts';

vi.setConfig({ testTimeout: 300_000 });

let srv: Awaited<ReturnType<typeof startTestServer>>;
let alice: CliUser;
const ok = (r: { code: number; stderr: string }) => expect(r.code, r.stderr).toBe(0);

beforeAll(async () => {
  srv = await startTestServer();
  alice = await cliTeamOwner(srv.url, 'alice@example.test', ['prod']);
  ok(await alice.run(['secret', 'set', 'prod/db', '--value-stdin'], { stdin: 'hunter2-cli' }));
  ok(await alice.run(['secret', 'get', 'prod/db']));
}, 300_000);

afterAll(async () => {
  await srv?.close();
});

describe('tessera audit', () => {
  it('lists entries with names, including the reveal `secret get` reported', async () => {
    const r = await alice.run(['audit']);
    ok(r);
    expect(r.stderr).toMatch(/audit log of acme: verified up to entry \d+/);
    expect(r.stdout).toContain('alice@example.test  team.create');
    expect(r.stdout).toMatch(/alice@example\.test {2}secret\.reveal {2}prod\/db {2}\[signed\]/);
  });

  it('prints one JSON object per line with --json, filtered', async () => {
    const r = await alice.run(['--json', 'audit', '--secret', 'prod/db', '--action', 'secret.reveal']);
    ok(r);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      kind: 'secret.reveal',
      actor: 'alice@example.test',
      vault: 'prod',
      secret: 'db',
    });
    const none = await alice.run([
      '--json',
      'audit',
      '--person',
      'alice@example.test',
      '--until',
      '2001-01-01',
    ]);
    ok(none);
    expect(none.stdout).toBe('');
  });

  it('refuses bad filters with the usage and not-found exit codes', async () => {
    const bad = await alice.run(['audit', '--action', 'peek']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('no audit action "peek"');
    const when = await alice.run(['audit', '--since', 'yesterday-ish']);
    expect(when.code).toBe(1);
    const who = await alice.run(['audit', '--person', 'nobody@example.test']);
    expect(who.code).toBe(3);
    expect(who.stderr).toContain("no member nobody@example.test in this team's chain");
  });

  it('--verify reports the verified entry, and exits 2 naming the team once the table is rewritten', async () => {
    const v = await alice.run(['--json', 'audit', '--verify']);
    ok(v);
    const { verifiedUpTo } = JSON.parse(v.stdout);
    expect(verifiedUpTo).toBeGreaterThanOrEqual(3);
    await srv.db.query(`UPDATE audit_entries SET entry = jsonb_set(entry, '{refs}', '{}') WHERE seq = 2`);
    const t = await alice.run(['audit', '--verify']);
    expect(t.code).toBe(2);
    expect(t.stderr).toContain('the audit log of team "acme" does not verify');
    const j = await alice.run(['--json', 'audit']);
    expect(j.code).toBe(2);
    expect(JSON.parse(j.stderr).error.code).toBe('tampered');
  });
});
