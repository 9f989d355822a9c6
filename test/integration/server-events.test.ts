// Process: test. The push channel: a committed change reaches subscribers as a server-sent
// event "changed" with the team's new revision, including subscribers connected to a second
// server process on the same database (LISTEN/NOTIFY fan-out).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  envelope,
  formTeam,
  makeVault,
  newUser,
  startSecondServer,
  startTestServer,
  type TestServer,
  type TestUser,
  uuid,
  rand,
} from '../helpers/server.ts';

let srv: TestServer;
let owner: TestUser;
let team: string;
let vault: string;
const streams: AbortController[] = [];

interface Stream {
  status: number;
  contentType: string | null;
  next(pred: (text: string) => boolean, ms?: number): Promise<string>;
  changed(revision: number, ms?: number): Promise<{ team: string; revision: number }>;
  ended(ms?: number): Promise<boolean>;
}

async function subscribe(url: string, token: string, t = team): Promise<Stream> {
  const ctrl = new AbortController();
  streams.push(ctrl);
  const res = await fetch(`${url}/api/v1/teams/${t}/events`, {
    headers: { authorization: `Bearer ${token}` },
    signal: ctrl.signal,
  });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  let done = false;
  const blocks: string[] = [];
  const pump = async (ms: number): Promise<void> => {
    const timeout = new Promise<'t'>((r) => setTimeout(() => r('t'), ms));
    const chunk = await Promise.race([reader.read(), timeout]);
    if (chunk === 't') return;
    if (chunk.done) {
      done = true;
      return;
    }
    buf += decoder.decode(chunk.value, { stream: true });
    const parts = buf.split('\n\n');
    buf = parts.pop() ?? '';
    blocks.push(...parts);
  };
  const next = async (pred: (text: string) => boolean, ms = 5000) => {
    const end = Date.now() + ms;
    for (;;) {
      const i = blocks.findIndex(pred);
      if (i >= 0) return blocks.splice(0, i + 1)[i]!;
      if (done || Date.now() > end) throw new Error(`no matching event; have ${JSON.stringify(blocks)}`);
      await pump(end - Date.now());
    }
  };
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    next,
    async changed(revision, ms) {
      const block = await next(
        (b) => b.startsWith('event: changed') && JSON.parse(b.split('data: ')[1]!).revision >= revision,
        ms,
      );
      return JSON.parse(block.split('data: ')[1]!);
    },
    async ended(ms = 5000) {
      const end = Date.now() + ms;
      while (!done && Date.now() < end) {
        try {
          await pump(end - Date.now());
        } catch {
          done = true;
        }
      }
      return done;
    },
  };
}

const write = (u: TestUser) =>
  u.api.put(`/api/v1/teams/${team}/vaults/${vault}/items/${uuid()}`, {
    baseVersion: 0,
    version: 1,
    generation: 1,
    envelope: envelope(),
    signature: rand(64),
  });

beforeAll(async () => {
  srv = await startTestServer({ heartbeatMs: 300 });
  owner = await newUser(srv.url, 'owner');
  team = await formTeam(owner);
  vault = await makeVault(owner, team);
});
afterAll(async () => {
  for (const c of streams) c.abort();
  await srv?.close();
});

describe('server-sent events', () => {
  it('a committed change is pushed with the new revision', async () => {
    const s = await subscribe(srv.url, owner.token);
    expect(s.status).toBe(200);
    expect(s.contentType).toMatch(/^text\/event-stream/);
    await s.next((b) => b.startsWith(': connected'));
    const w = await write(owner);
    expect(w.status).toBe(200);
    expect(await s.changed(w.body.revision)).toEqual({ team, revision: w.body.revision });
  });

  it('a failed change pushes nothing', async () => {
    const s = await subscribe(srv.url, owner.token);
    await s.next((b) => b.startsWith(': connected'));
    const bad = await owner.api.put(`/api/v1/teams/${team}/vaults/${vault}/items/${uuid()}`, {
      baseVersion: 0,
      version: 1,
      generation: 7,
      envelope: envelope(),
      signature: rand(64),
    });
    expect(bad.status).toBe(409);
    await expect(s.next((b) => b.startsWith('event: changed'), 800)).rejects.toThrow(/no matching event/);
  });

  it('sends heartbeats, and ends the stream once the session is revoked', async () => {
    const u = await newUser(srv.url, 'hb');
    const s = await subscribe(srv.url, owner.token);
    await s.next((b) => b.startsWith(': heartbeat'));
    const own = await subscribe(srv.url, u.token, team);
    expect(own.status).toBe(404);
    const again = await subscribe(srv.url, owner.token);
    await again.next((b) => b.startsWith(': connected'));
    await srv.db.query('UPDATE sessions SET revoked_at = now()');
    expect(await again.ended()).toBe(true);
  });

  it('needs a session', async () => {
    const r = await fetch(`${srv.url}/api/v1/teams/${team}/events`);
    expect(r.status).toBe(401);
  });
});

describe('fan-out across server processes', () => {
  it('a change written through one server reaches a subscriber of the other', async () => {
    const second = await startSecondServer(srv);
    try {
      const fresh = await newUser(srv.url, 'owner2');
      team = await formTeam(fresh);
      vault = await makeVault(fresh, team);
      const s = await subscribe(second.url, fresh.token);
      await s.next((b) => b.startsWith(': connected'));
      const w = await write(fresh);
      expect(w.status).toBe(200);
      expect(await s.changed(w.body.revision)).toEqual({ team, revision: w.body.revision });
    } finally {
      await second.close();
    }
  });
});
