// Process: test. The team commands of the real `tessera` CLI in a child process: `team list`,
// `team role`, `team remove`, `team revoke`. The team is formed through the core service (the
// same code, faster); each command then runs on that person's own profile folder, and what it
// prints is what a person reads, in plain words with the right exit code.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { bytes, formTeam, type Person, signUp } from '../helpers/people.ts';
import { startTestServer } from '../helpers/server.ts';

// Each command is a fresh process that unlocks the profile (Argon2id): slow on a busy machine.
vi.setConfig({ testTimeout: 300_000 });

let srv: Awaited<ReturnType<typeof startTestServer>>;
let alice: Person; // owner
let bob: Person; // member, made admin
let carol: Person; // member with view on prod, removed

const PW = (name: string) => `${name} horse battery staple`;
const cli = (p: Person, args: string[]) =>
  runCli(['--profile', p.profileDir, ...args], {
    env: { TESSERA_PASSWORD: PW(p.email.split('@')[0]!) },
  });

beforeAll(async () => {
  srv = await startTestServer();
  [alice, bob, carol] = (await Promise.all(['alice', 'bob', 'carol'].map((n) => signUp(srv.url, n)))) as [
    Person,
    Person,
    Person,
  ];
  await formTeam(alice, 'acme', [
    { person: bob, role: 'member' },
    { person: carol, role: 'member' },
  ]);
  await alice.svc.createVault('prod');
  await alice.svc.setSecret('prod/db', bytes('db-v1'));
  await alice.svc.shareVault('prod', carol.email, 'view');
  // From here on each profile belongs to the CLI alone.
  for (const p of [alice, bob, carol]) p.svc.lock();
}, 300_000);

afterAll(async () => {
  await srv?.close();
});

describe('tessera team', () => {
  it('help names each command with what it does', async () => {
    const r = await runCli(['team', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/list\s+the teams of this profile/);
    expect(r.stdout).toMatch(/role <email> <role>\s+change a confirmed member's role/);
    expect(r.stdout).toMatch(/remove <email>\s+remove a member/);
    expect(r.stdout).toMatch(/revoke <email>\s+withdraw an invitation/);
  });

  it('list marks the current team', async () => {
    const r = await cli(alice, ['team', 'list']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^\* acme\t[0-9a-f-]{36}\n$/);
  });

  it('role changes a role, refuses an unknown role and says who may change an owner', async () => {
    const r = await cli(alice, ['team', 'role', bob.email, 'admin']);
    expect(r.stdout).toBe(`${bob.email} is now admin (was member)\n`);
    expect(r.code).toBe(0);

    const unknown = await cli(alice, ['team', 'role', bob.email, 'boss']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/Allowed choices are owner, admin, member/);

    const refused = await cli(bob, ['team', 'role', alice.email, 'member']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/only an owner can change the role of an owner/);
    expect(refused.stderr).not.toMatch(/member\.role|may not/);
  });

  it('revoke withdraws an invitation', async () => {
    expect((await cli(bob, ['team', 'invite', 'dave@example.test'])).code).toBe(0);
    const r = await cli(bob, ['team', 'revoke', 'dave@example.test']);
    expect(r.stdout).toBe('withdrew the invitation of dave@example.test (member)\n');
    const again = await cli(bob, ['team', 'revoke', 'dave@example.test']);
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/there is no open invitation for dave@example.test/);
  });

  it('remove takes a member out and re-keys what they could read', async () => {
    const r = await cli(alice, ['team', 'remove', carol.email]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`removed ${carol.email} from the team\nre-keyed prod\n`);
    const members = await cli(alice, ['team', 'members']);
    expect(members.stdout).not.toContain(carol.email);
    const gone = await cli(carol, ['sync']);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toMatch(/removed from this team/);
  });
});
