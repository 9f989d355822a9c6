// Process: test. The window hears of every sync of its team, not only live-sync pulls
// (electron/core/desktop/desktop-core.ts reportSync). A write's own sync shares one queue with
// live sync, so which of them pushes an edit is a race; a window that heard only of live-sync
// pulls missed, now and then, a change that the other sync had brought. Here the push channel
// never connects, so no live-sync pull can stand in: only the write's own sync can tell.
// A real desktop core over a real team server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DesktopCore } from '../../electron/core/desktop/desktop-core.ts';
import type { IpcEvent } from '../../shared/ipc.ts';
import type { SyncedEvent } from '../../shared/ipc-results.ts';
import { openTestWindow, type TestWindow } from '../helpers/desktop.ts';
import { startTestServer } from '../helpers/server.ts';

let srv: Awaited<ReturnType<typeof startTestServer>>;
const events: { event: IpcEvent; payload: unknown }[] = [];
let core: DesktopCore;
let call: TestWindow['call'];

/** Requests to the push channel hang until aborted: the stream never connects. */
const noPushChannel: typeof fetch = (input, init) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (!url.includes('/events')) return fetch(input, init);
  return new Promise((_, reject) =>
    init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
  );
};

const synced = () => events.filter((e) => e.event === 'synced').map((e) => e.payload as SyncedEvent);

beforeAll(async () => {
  srv = await startTestServer();
  ({ core, call } = openTestWindow({
    emit: (event, payload) => events.push({ event, payload }),
    fetch: noPushChannel,
  }));
  await call('account.signup', {
    server: srv.url,
    email: 'alice@example.test',
    name: 'alice',
    password: 'alice long pass phrase',
  });
  await call('team.create', { name: 'beta' });
  await call('team.create', { name: 'acme' });
  await call('vault.create', { name: 'prod' });
}, 60_000);

afterAll(async () => {
  core?.lock();
  await srv?.close();
});

describe("the window's 'synced' events", () => {
  it("report a write's own sync, with the vault it changed", async () => {
    const vault = (await call('vault.list', {})).find((v) => v.name === 'prod')!;
    const before = synced().length;
    const answer = await call('secret.set', { ref: 'prod/db-password', value: 'hunter2' });
    const after = synced().slice(before);
    expect(after.length).toBeGreaterThan(0);
    expect(after.at(-1)!.revision).toBe(answer.revision);
    expect(after.flatMap((e) => e.changes.secrets)).toContain(vault.id);
  });

  it('say nothing of a sync of a team the window does not show', async () => {
    const beta = (await call('team.list', {})).find((t) => t.name === 'beta')!;
    expect(beta.current).toBe(false);
    const before = synced().length;
    await core.service.sync(beta.id);
    expect(synced().length).toBe(before);
  });
});
