import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DesktopCore } from '../../electron/core/desktop/desktop-core.ts';
import type { IpcArgs, IpcChannel } from '../../shared/ipc.ts';
import type { IpcReturns } from '../../shared/ipc-results.ts';
import { type RestartableServer, startRestartableServer } from '../helpers/restartable-server.ts';
import { openTestWindow } from '../helpers/desktop.ts';

let srv: RestartableServer;

interface Window {
  core: DesktopCore;
  /** While set, this window's push-channel requests fail as if the network dropped them. */
  eventsDown: boolean;
  /** /events requests made (each a connect or a reconnect attempt). */
  eventRequests: number;
  call<C extends IpcChannel>(c: C, a: IpcArgs<C>): Promise<IpcReturns[C]>;
}

function openWindow(): Window {
  const w = { eventsDown: false, eventRequests: 0 } as unknown as Window;
  const gated: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url.includes('/events')) {
      w.eventRequests++;
      if (w.eventsDown) throw new TypeError('fetch failed');
    }
    return fetch(input, init);
  };
  Object.assign(
    w,
    openTestWindow({
      fetch: gated,
    }),
  );
  return w;
}

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const names = async (w: Window) => (await w.call('secret.list', { vault: 'prod' })).map((s) => s.name);

let alice: Window;
let bob: Window;

beforeAll(async () => {
  srv = await startRestartableServer();
  alice = openWindow();
  bob = openWindow();
  for (const [w, email] of [
    [alice, 'alice@example.test'],
    [bob, 'bob@example.test'],
  ] as const)
    await w.call('account.signup', {
      server: srv.url,
      email,
      name: email.split('@')[0]!,
      password: `${email} long pass phrase`,
    });
  await alice.call('team.create', { name: 'acme' });
  const { inviteCode } = await alice.call('team.invite', { email: 'bob@example.test', role: 'member' });
  await bob.call('team.accept', { code: inviteCode });
  const { fingerprint } = await bob.call('app.state', {});
  await alice.call('team.confirm', { email: 'bob@example.test', fingerprint: fingerprint! });
  await alice.call('vault.create', { name: 'prod' });
  await alice.call('secret.set', { ref: 'prod/before', value: 'one' });
  await alice.call('vault.share', { vault: 'prod', with: 'bob@example.test', role: 'view' });
  await bob.call('sync.now', {});
  // Bob's window is open on the team: live sync runs, as after an unlock.
  bob.core.afterUnlock();
}, 120_000);

afterAll(async () => {
  for (const w of [alice, bob]) w?.core.lock();
  await srv?.destroy();
});

describe('live sync across a reconnect', () => {
  it('pulls once the stream is back, so a write made while it was down shows up', async () => {
    // Live sync works before the restart: a write reaches Bob through an announcement.
    await alice.call('secret.set', { ref: 'prod/live', value: 'two' });
    await until('the announced write', async () => (await names(bob)).includes('live'));

    // The server goes away and comes back; Bob's stream cannot reconnect yet.
    bob.eventsDown = true;
    await srv.stop();
    await srv.start();
    const attempts = bob.eventRequests;
    await until('a failed reconnect attempt', () => bob.eventRequests > attempts);

    // Written while Bob's stream is down: announced to no one.
    await alice.call('secret.set', { ref: 'prod/while-down', value: 'three' });
    await new Promise((r) => setTimeout(r, 300));
    expect(await names(bob)).not.toContain('while-down');

    // The stream comes back; no write follows, yet Bob's window catches up.
    bob.eventsDown = false;
    await until('the write made while the stream was down', async () =>
      (await names(bob)).includes('while-down'),
    );
    expect(await names(bob)).toEqual(expect.arrayContaining(['before', 'live', 'while-down']));
  }, 90_000);
});
