// Process: test. `tessera breakglass` in the real CLI (docs/design.md "Break-glass"): an owner
// marks a vault (2 approvals), a member requests with a reason, is refused by `secret get`,
// two admins approve, the owner's `sync` seals the key, `secret get` reads inside the window,
// and after `breakglass close` it is refused again. Each command is a fresh process.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { bytes, formTeam, type Person, signUp } from '../helpers/people.ts';
import { startTestServer } from '../helpers/server.ts';

vi.setConfig({ testTimeout: 300_000 });

let srv: Awaited<ReturnType<typeof startTestServer>>;
let alice: Person; // owner
let adam: Person; // admin
let ann: Person; // admin
let rob: Person; // responder
let request: string;

const PW = (name: string) => `${name} horse battery staple`;
const cli = (p: Person, args: string[]) =>
  runCli(['--profile', p.profileDir, ...args], { env: { TESSERA_PASSWORD: PW(p.email.split('@')[0]!) } });

beforeAll(async () => {
  srv = await startTestServer();
  [alice, adam, ann, rob] = (await Promise.all(
    ['alice', 'adam', 'ann', 'rob'].map((n) => signUp(srv.url, n)),
  )) as [Person, Person, Person, Person];
  await formTeam(alice, 'acme', [
    { person: adam, role: 'admin' },
    { person: ann, role: 'admin' },
    { person: rob, role: 'member' },
  ]);
  await alice.svc.createVault('prod');
  await alice.svc.setSecret('prod/db', bytes('pw-1'));
  for (const p of [alice, adam, ann, rob]) p.svc.lock();
}, 300_000);

afterAll(async () => {
  await srv?.close();
});

describe('tessera breakglass', () => {
  it('mark takes exactly one policy, in words a user understands', async () => {
    const r = await cli(alice, ['breakglass', 'mark', 'prod', '--approvals', '2', '--immediate']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/give exactly one policy: --approvals K, --delay MINUTES or --immediate/);
  });

  it('an owner marks the vault and it is re-keyed to owners', async () => {
    const r = await cli(alice, ['breakglass', 'mark', 'prod', '--approvals', '2', '--window', '30']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/prod is break-glass \(2 approvals\); re-keyed to owners only/);
  });

  it('a member requests with a reason; secret get is refused before the grant', async () => {
    const r = await cli(rob, [
      '--json',
      'breakglass',
      'request',
      'prod',
      '--reason',
      'db down at night',
      '--minutes',
      '10',
    ]);
    expect(r.stderr).toBe('');
    request = JSON.parse(r.stdout).request;
    expect(request).toMatch(/^[0-9a-f-]{36}$/);
    const get = await cli(rob, ['secret', 'get', 'prod/db']);
    expect(get.code).not.toBe(0);
    expect(get.stdout).toBe('');
  });

  it('two admins approve; the owner’s sync seals the key; secret get reads inside the window', async () => {
    expect((await cli(adam, ['breakglass', 'approve', request])).stdout).toMatch(/approved .*: pending/);
    const second = await cli(ann, ['breakglass', 'approve', request]);
    expect(second.stdout).toMatch(/granted \(an owner’s next sync seals the key\)/);
    expect((await cli(alice, ['sync'])).code).toBe(0);
    const get = await cli(rob, ['secret', 'get', 'prod/db']);
    expect(get.stderr).toBe('');
    expect(get.stdout).toBe('pw-1\n');
    const status = await cli(adam, ['breakglass', 'status']);
    expect(status.stdout).toMatch(
      new RegExp(`${request}\\tprod\\topen until .*\\trob@example.test\\t"db down at night"\\tapprovals 2/2`),
    );
  });

  it('after close, secret get is refused again', async () => {
    expect((await cli(rob, ['breakglass', 'close', request])).stdout).toMatch(/closed/);
    const get = await cli(rob, ['secret', 'get', 'prod/db']);
    expect(get.code).not.toBe(0);
    expect(get.stdout).toBe('');
  });

  it('the server takes the webhook URL and its secret file together only', async () => {
    const r = await runCli(['server', '--breakglass-webhook', 'https://hooks.example.com/x', '--port', '0']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--breakglass-webhook and --webhook-secret-file go together/);
  });
});
