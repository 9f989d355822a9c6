// Process: test. The other two break-glass policies (docs/design.md "Break-glass"): a grant
// after a delay unless an admin denies, and immediate access sealed by the next owner's sync.
// Both are judged from signed times; the server refuses a signed time far from its own clock.
// One clock, injected into the server and every client. Real server, real clients.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Unlocked } from '../../electron/core/profile/unlocked.ts';
import { bytes, formTeam, type Person, signUp, text } from '../helpers/people.ts';
import { startTestServer } from '../helpers/server.ts';

const MIN = 60_000;
let clock = Date.UTC(2026, 4, 1, 8, 0, 0);
const now = () => new Date(clock);
let srv: Awaited<ReturnType<typeof startTestServer>>;
let alice: Person; // owner
let adam: Person; // admin
let rob: Person; // responder
let skewed: Person; // a member whose clock is an hour fast

const chainOf = (p: Person) => (p.svc as unknown as { unlocked: Unlocked }).unlocked.team().chain;
const read = (p: Person, ref: string) =>
  p.svc.getFieldAt(ref, undefined, undefined).then((f) => text(f.value));

beforeAll(async () => {
  srv = await startTestServer({ breakGlass: { now } });
  alice = await signUp(srv.url, 'alice', { now });
  adam = await signUp(srv.url, 'adam', { now });
  rob = await signUp(srv.url, 'rob', { now });
  skewed = await signUp(srv.url, 'sam', { now: () => new Date(clock + 60 * MIN) });
  await formTeam(alice, 'acme', [
    { person: adam, role: 'admin' },
    { person: rob, role: 'member' },
    { person: skewed, role: 'member' },
  ]);
  await alice.svc.createVault('ops');
  await alice.svc.setSecret('ops/root', bytes('r00t'));
  await alice.svc.createVault('pager');
  await alice.svc.setSecret('pager/token', bytes('tok-1'));
  await alice.svc.breakGlass.mark('ops', { kind: 'delay', minutes: 15 }, 30);
  await alice.svc.breakGlass.mark('pager', { kind: 'immediate' }, 20);
  for (const p of [adam, rob, skewed]) await p.svc.sync();
});

afterAll(async () => {
  for (const p of [alice, adam, rob, skewed]) p?.svc.lock();
  await srv?.close();
});

describe('grant after a delay', () => {
  let request: string;
  it('is not granted before the delay: no owner seals it, the responder is refused', async () => {
    request = (await rob.svc.breakGlass.request('ops', 'on call, service down', 30)).request;
    clock += 14 * MIN;
    expect((await alice.svc.sync()).keysSealed).toBe(0);
    await rob.svc.sync();
    await expect(rob.svc.breakGlass.open(request)).rejects.toMatchObject({
      message: expect.stringMatching(/pending/),
    });
    await expect(read(rob, 'ops/root')).rejects.toMatchObject({ code: 'not_found' });
    await expect(adam.svc.breakGlass.approve(request)).rejects.toMatchObject({
      message: expect.stringMatching(/does not take approvals/),
    });
  });

  it('is granted once the delay passed; read inside the window, refused after, then re-keyed', async () => {
    clock += MIN;
    expect((await alice.svc.sync()).keysSealed).toBe(1);
    await rob.svc.sync();
    expect(await read(rob, 'ops/root')).toBe('r00t');
    const gen = chainOf(alice).vaults.get(rob.svc.breakGlass.status()[0]!.vault)!.generation;
    clock += 30 * MIN;
    await expect(read(rob, 'ops/root')).rejects.toMatchObject({ code: 'not_found' });
    await alice.svc.sync();
    expect(chainOf(alice).vaults.get(rob.svc.breakGlass.status()[0]!.vault)!.generation).toBe(gen + 1);
  });

  it('an admin denying within the delay stops it for good', async () => {
    const r = await rob.svc.breakGlass.request('ops', 'again', 10);
    await adam.svc.breakGlass.deny(r.request);
    clock += 20 * MIN;
    expect((await alice.svc.sync()).keysSealed).toBe(0);
    await rob.svc.sync();
    expect(rob.svc.breakGlass.status().find((e) => e.request === r.request)?.status).toBe('denied');
  });
});

describe('immediate access', () => {
  it('the next owner sync seals it at once; closing ends it and re-keys', async () => {
    const { request } = await rob.svc.breakGlass.request('pager', 'incident 42', 20);
    await adam.svc.sync();
    expect(adam.svc.breakGlass.status().find((e) => e.request === request)).toMatchObject({
      status: 'granted',
    });
    expect((await alice.svc.sync()).keysSealed).toBe(1);
    await rob.svc.sync();
    expect(await read(rob, 'pager/token')).toBe('tok-1');
    const vault = rob.svc.breakGlass.status().find((e) => e.request === request)!.vault;
    const gen = chainOf(alice).vaults.get(vault)!.generation;
    await rob.svc.breakGlass.close(request);
    await expect(read(rob, 'pager/token')).rejects.toMatchObject({ code: 'not_found' });
    await alice.svc.sync();
    expect(chainOf(alice).vaults.get(vault)!.generation).toBe(gen + 1);
  });
});

describe('signed times', () => {
  it('the server refuses a request dated far from its clock', async () => {
    await expect(skewed.svc.breakGlass.request('pager', 'clock is off', 5)).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringMatching(/more than 5 minutes from the server's clock/),
    });
  });
});
