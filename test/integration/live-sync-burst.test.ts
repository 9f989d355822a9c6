import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DesktopCore } from '../../electron/core/desktop/desktop-core.ts';
import { LIVE_SYNC_PACING } from '../../electron/core/sync/live.ts';
import { staleLists } from '../../renderer/app/stale.ts';
import type { IpcArgs, IpcChannel } from '../../shared/ipc.ts';
import type { IpcReturns, SyncedEvent } from '../../shared/ipc-results.ts';
import { openTestWindow } from '../helpers/desktop.ts';
import { startTestServer } from '../helpers/server.ts';

const BURST = 300;

let srv: Awaited<ReturnType<typeof startTestServer>>;

interface Window {
  core: DesktopCore;
  /** GET …/changes requests: one per pull. */
  pulls: number;
  synced: SyncedEvent[];
  /** While set, every request but the push channel fails as if the network were down. */
  offline: boolean;
  call<C extends IpcChannel>(c: C, a: IpcArgs<C>): Promise<IpcReturns[C]>;
}

function openWindow(): Window {
  const w = { pulls: 0, synced: [], offline: false } as unknown as Window;
  const counting: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (w.offline && !url.includes('/events')) throw new TypeError('fetch failed');
    if (url.includes('/changes?')) w.pulls++;
    return fetch(input, init);
  };
  Object.assign(
    w,
    openTestWindow({
      emit: (e, payload) => {
        if (e === 'synced') w.synced.push(payload as SyncedEvent);
      },
      fetch: counting,
    }),
  );
  return w;
}

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

let alice: Window;
let bob: Window;
let carol: Window;
let prodId = '';

beforeAll(async () => {
  srv = await startTestServer();
  alice = openWindow();
  bob = openWindow();
  carol = openWindow();
  const people: [Window, string][] = [
    [alice, 'alice@example.test'],
    [bob, 'bob@example.test'],
    [carol, 'carol@example.test'],
  ];
  for (const [w, email] of people)
    await w.call('account.signup', {
      server: srv.url,
      email,
      name: email.split('@')[0]!,
      password: `${email} long pass phrase`,
    });
  await alice.call('team.create', { name: 'acme' });
  for (const [w, email] of people.slice(1)) {
    const { inviteCode } = await alice.call('team.invite', { email, role: 'member' });
    await w.call('team.accept', { code: inviteCode });
    const { fingerprint } = await w.call('app.state', {});
    await alice.call('team.confirm', { email, fingerprint: fingerprint! });
  }
  prodId = (await alice.call('vault.create', { name: 'prod' })).id;
  await alice.call('vault.share', { vault: 'prod', with: 'bob@example.test', role: 'view' });
  for (const w of [bob, carol]) {
    await w.call('sync.now', {});
    // The window is open and on the team: live sync runs, as after an unlock.
    w.core.afterUnlock();
  }
  await until("bob's vault", async () => (await bob.call('vault.list', {})).length === 1);
}, 600_000);

afterAll(async () => {
  for (const w of [alice, bob, carol]) w?.core.lock();
  await srv?.close();
});

describe(`live sync: ${BURST} writes by one member`, () => {
  it('each other window pulls a few times and refetches only what it can read', async () => {
    // Settle: whatever the set-up announced has been pulled.
    await new Promise((r) => setTimeout(r, 1_500));
    for (const w of [bob, carol]) {
      w.pulls = 0;
      w.synced.length = 0;
    }

    alice.offline = true;
    for (let i = 0; i < BURST; i++)
      await alice.call('secret.set', { ref: `prod/item-${String(i).padStart(4, '0')}`, value: `v${i}` });
    alice.offline = false;
    const t0 = performance.now();
    const sent = await alice.call('sync.now', {});
    const burstMs = performance.now() - t0;
    expect(sent).toMatchObject({ pushed: BURST, remaining: 0 });

    await until(`bob's ${BURST} secrets`, async () => (await bob.call('secret.list', {})).length === BURST);
    const cursorOf = (w: Window) => w.synced.at(-1)?.revision ?? 0;
    await until("carol's pull of the last revision", () => cursorOf(carol) >= sent.revision);
    // Whatever is still coming would show up here.
    await new Promise((r) => setTimeout(r, 2 * LIVE_SYNC_PACING.maxGapMs));

    // The pacing (sync/live.ts): the first announcement pulls at once, later ones in the burst
    // wait for a gap that doubles up to its cap, so a burst of T ms costs about
    // log2(cap / first gap) + T / cap pulls, however many writes it holds.
    const { firstGapMs, maxGapMs } = LIVE_SYNC_PACING;
    const ramp = Math.ceil(Math.log2(maxGapMs / firstGapMs)) + 1;
    const bound = 1 + ramp + Math.ceil(burstMs / maxGapMs) + 1;
    const secretRefetches = (w: Window) =>
      w.synced.filter((e) => staleLists(e.changes).includes('secret.list')).length;
    console.log(
      `live sync burst: ${BURST} writes in ${Math.round(burstMs)} ms; bob pulled ${bob.pulls} times ` +
        `(${secretRefetches(bob)} secret-list refetches), carol ${carol.pulls} ` +
        `(${secretRefetches(carol)} refetches); bound ${bound}`,
    );
    for (const w of [bob, carol]) {
      expect(w.pulls).toBeGreaterThan(0);
      expect(w.pulls).toBeLessThanOrEqual(bound);
      expect(w.pulls).toBeLessThan(BURST / 10);
      expect(w.synced.length).toBeLessThanOrEqual(w.pulls);
    }

    // Bob reads prod: his secret list is refetched, at most once per pull, and nothing else is.
    expect(secretRefetches(bob)).toBeGreaterThan(0);
    expect(bob.synced.flatMap((e) => e.changes.secrets)).toEqual(expect.arrayContaining([prodId]));
    expect(new Set(bob.synced.flatMap((e) => staleLists(e.changes)))).toEqual(
      new Set(['secret.list', 'secret.due']),
    );
    // Carol cannot read prod: her pulls bring nothing she shows, so her window refetches nothing.
    expect(carol.synced.flatMap((e) => staleLists(e.changes))).toEqual([]);
    expect(await carol.call('secret.list', {})).toEqual([]);
  });
});
