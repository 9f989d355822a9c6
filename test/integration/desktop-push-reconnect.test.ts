// Process: test. The push channel reconnects backing off up to 30 s between tries, so a window
// whose stream was refused for a while (a member waiting for an admin's confirmation, a server
// briefly gone) could hear of nothing for that long once the server took it back. A sync the
// server answers proves it is there and lets this member in: the desktop core then reconnects
// at once (electron/core/desktop/desktop-core.ts reportSync). Two devices of one account, a
// real desktop core over a real team server; the second device's event stream is refused
// until the test lets it through.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncedEvent } from '../../shared/ipc-results.ts';
import { openTestWindow, type TestWindow } from '../helpers/desktop.ts';
import { startTestServer } from '../helpers/server.ts';

let srv: Awaited<ReturnType<typeof startTestServer>>;
let laptop: TestWindow;
let desktop: TestWindow;
const heard: { at: number; payload: SyncedEvent }[] = [];
let refuseStream = true;
let streamTries = 0;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const password = 'alice long pass phrase';

/** The desktop's fetch: its event stream answers 503 while `refuseStream` holds. */
const flakyStream: typeof fetch = (input, init) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (url.includes('/events')) {
    streamTries++;
    if (refuseStream) return Promise.resolve(new Response('gone for a while', { status: 503 }));
  }
  return fetch(input, init);
};

beforeAll(async () => {
  srv = await startTestServer();
  laptop = openTestWindow();
  await laptop.call('account.signup', {
    server: srv.url,
    email: 'alice@example.test',
    name: 'alice',
    password,
  });
  await laptop.call('team.create', { name: 'acme' });
  await laptop.call('vault.create', { name: 'prod' });
  desktop = openTestWindow({
    fetch: flakyStream,
    emit: (event, payload) => {
      if (event === 'synced') heard.push({ at: Date.now(), payload: payload as SyncedEvent });
    },
  });
  await desktop.call('account.login', { server: srv.url, email: 'alice@example.test', password });
}, 60_000);

afterAll(async () => {
  laptop?.core.lock();
  desktop?.core.lock();
  await srv?.close();
});

describe('the push channel after a refused spell', () => {
  it('reconnects on the first sync the server answers, not after its backoff', async () => {
    // Tries at about 0, 0.5, 1.5, 3.5 and 7.5 s: by 8 s the next one is due at 15.5 s.
    await sleep(8_000);
    expect(streamTries).toBeGreaterThanOrEqual(3);
    refuseStream = false;
    await desktop.call('sync.now', {});

    const vault = (await laptop.call('vault.list', {})).find((v) => v.name === 'prod')!;
    const before = heard.length;
    const wrote = Date.now();
    await laptop.call('secret.set', { ref: 'prod/db-password', value: 'hunter2' });
    for (let waited = 0; waited < 6_000; waited += 50) {
      if (heard.slice(before).some((h) => h.payload.changes.secrets.includes(vault.id))) break;
      await sleep(50);
    }
    const news = heard.slice(before).find((h) => h.payload.changes.secrets.includes(vault.id));
    expect(news, "the desktop heard of the laptop's write").toBeDefined();
    // Well before the stream's own next try (about 7 s after the write).
    expect(news!.at - wrote).toBeLessThan(4_000);
    expect((await desktop.call('secret.list', {})).map((s) => s.name)).toContain('db-password');
  });
});
