import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DesktopCore } from '../../electron/core/desktop/desktop-core.ts';
import type { IpcArgs, IpcChannel } from '../../shared/ipc.ts';
import type { IpcReturns } from '../../shared/ipc-results.ts';
import { openTestWindow } from '../helpers/desktop.ts';
import { startTestServer } from '../helpers/server.ts';

let srv: Awaited<ReturnType<typeof startTestServer>>;

interface Window {
  core: DesktopCore;
  /** While set, every request fails as if the network were down. */
  offline: boolean;
  call<C extends IpcChannel>(c: C, a: IpcArgs<C>): Promise<IpcReturns[C]>;
}

function openWindow(): Window {
  const w = { offline: false } as unknown as Window;
  const cut: typeof fetch = async (input, init) => {
    if (w.offline) throw new TypeError('fetch failed');
    return fetch(input, init);
  };
  Object.assign(
    w,
    openTestWindow({
      fetch: cut,
    }),
  );
  return w;
}

const password = (email: string) => `${email} long pass phrase`;
const names = async (w: Window, vault: string) => (await w.call('secret.list', { vault })).map((s) => s.name);

let alice: Window;
let bob: Window;
let carol: Window;

/** `owner` makes team `team` with a vault `vault` Bob may read. */
async function teamWithBob(owner: Window, team: string, vault: string) {
  await owner.call('team.create', { name: team });
  const { inviteCode } = await owner.call('team.invite', { email: 'bob@example.test', role: 'member' });
  await bob.call('team.accept', { code: inviteCode });
  const { fingerprint } = await bob.call('app.state', {});
  await owner.call('team.confirm', { email: 'bob@example.test', fingerprint: fingerprint! });
  await owner.call('vault.create', { name: vault });
  await owner.call('secret.set', { ref: `${vault}/first`, value: 'one' });
  await owner.call('vault.share', { vault, with: 'bob@example.test', role: 'view' });
}

beforeAll(async () => {
  srv = await startTestServer();
  alice = openWindow();
  bob = openWindow();
  carol = openWindow();
  for (const [w, email] of [
    [alice, 'alice@example.test'],
    [bob, 'bob@example.test'],
    [carol, 'carol@example.test'],
  ] as const)
    await w.call('account.signup', {
      server: srv.url,
      email,
      name: email.split('@')[0]!,
      password: password(email),
    });
  await teamWithBob(alice, 'acme', 'prod');
  await teamWithBob(carol, 'beta', 'ops');
  for (const team of ['beta', 'acme']) await bob.call('team.use', { team });
  expect((await bob.call('app.state', {})).team?.name).toBe('acme');
}, 120_000);

afterAll(async () => {
  for (const w of [alice, bob, carol]) w?.core.lock();
  await srv?.close();
});

describe('unlock in the window', () => {
  it('syncs every team, so another team is fresh when switched to offline', async () => {
    await bob.call('account.lock', {});
    await alice.call('secret.set', { ref: 'prod/while-locked', value: 'a' });
    await carol.call('secret.set', { ref: 'ops/while-locked', value: 'b' });

    const state = await bob.call('account.unlock', { password: password('bob@example.test') });
    expect(state.team?.name).toBe('acme');
    expect(state.teamSyncs?.map((t) => t.team)).toEqual(['acme', 'beta']);
    expect(state.teamSyncs?.every((t) => !t.offline && !t.error && t.revision > 0)).toBe(true);
    expect(await names(bob, 'prod')).toContain('while-locked');

    bob.offline = true;
    try {
      const switched = await bob.call('team.use', { team: 'beta' });
      expect(switched.team?.name).toBe('beta');
      expect(switched.teamSyncs).toEqual([expect.objectContaining({ team: 'beta', offline: true })]);
      expect(await names(bob, 'ops')).toContain('while-locked');
    } finally {
      bob.offline = false;
    }
    await bob.call('team.use', { team: 'acme' });
  });

  it('reports a refused team and still unlocks and syncs the others', async () => {
    await alice.call('team.remove', { email: 'bob@example.test' });
    await bob.call('account.lock', {});
    await carol.call('secret.set', { ref: 'ops/after-removal', value: 'c' });

    const state = await bob.call('account.unlock', { password: password('bob@example.test') });
    expect(state.unlocked).toBe(true);
    const byTeam = Object.fromEntries((state.teamSyncs ?? []).map((t) => [t.team, t]));
    expect(byTeam.acme?.error).toBeDefined();
    expect(byTeam.beta).toMatchObject({ offline: false });
    expect(byTeam.beta?.error).toBeUndefined();

    // Switching to the refused team stands and says why; switching back works as before.
    const onAcme = await bob.call('team.use', { team: 'acme' });
    expect(onAcme.team?.name).toBe('acme');
    expect(onAcme.teamSyncs?.[0]?.error).toBeDefined();
    const onBeta = await bob.call('team.use', { team: 'beta' });
    expect(onBeta.teamSyncs?.[0]?.error).toBeUndefined();
    expect(await names(bob, 'ops')).toContain('after-removal');
  });
});
