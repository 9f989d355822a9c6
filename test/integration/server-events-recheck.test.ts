// Process: test. A member who loses their place keeps no open event stream: each heartbeat
// re-checks that the caller is still a confirmed member, not suspended, with a live session,
// and ends the stream when not. Each case opens a stream as the member would, takes their
// place away (through the team chain, or in the database directly), and sees the stream end
// within a few heartbeats, while a colleague's stream on the same team keeps beating.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appendLinks,
  formTeam,
  newUser,
  startTestServer,
  type TestServer,
  type TestUser,
} from '../helpers/server.ts';

const HEARTBEAT_MS = 150;
/** "Within a few heartbeats", with room for a loaded machine. */
const CLOSES_WITHIN_MS = 10 * HEARTBEAT_MS;

let srv: TestServer;
let owner: TestUser;
const aborts: AbortController[] = [];

beforeAll(async () => {
  srv = await startTestServer({ heartbeatMs: HEARTBEAT_MS });
  owner = await newUser(srv.url, 'owner');
});
afterAll(async () => {
  for (const c of aborts) c.abort();
  await srv?.close();
});

interface Stream {
  status: number;
  /** Resolves once `n` more heartbeats have arrived; false if the stream ended first or `ms` passed. */
  heartbeats(n: number, ms: number): Promise<boolean>;
  /** Resolves true once the server has ended the stream, false if `ms` passed first. */
  ended(ms: number): Promise<boolean>;
}

async function subscribe(token: string, team: string): Promise<Stream> {
  const ctrl = new AbortController();
  aborts.push(ctrl);
  const res = await fetch(`${srv.url}/api/v1/teams/${team}/events`, {
    headers: { authorization: `Bearer ${token}` },
    signal: ctrl.signal,
  });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  let beats = 0;
  let done = false;
  let waiters: (() => void)[] = [];
  const wake = () => {
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };
  void (async () => {
    try {
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) break;
        buf += decoder.decode(chunk.value, { stream: true });
        const parts = buf.split('\n\n');
        buf = parts.pop() ?? '';
        beats += parts.filter((p) => p.startsWith(': heartbeat')).length;
        wake();
      }
    } catch {
      // aborted by the test at the end
    }
    done = true;
    wake();
  })();
  const until = async (pred: () => boolean, ms: number) => {
    const end = Date.now() + ms;
    while (!pred() && !done && Date.now() < end) {
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, Math.max(0, end - Date.now()));
      });
    }
    return pred();
  };
  return {
    status: res.status,
    heartbeats(n, ms) {
      const target = beats + n;
      return until(() => beats >= target, ms);
    },
    ended: (ms) => until(() => done, ms),
  };
}

/** A team with the owner and a member, both with a live stream that has beaten once. */
async function watched(label: string) {
  const member = await newUser(srv.url, label);
  const team = await formTeam(owner, [[member, 'member']]);
  const theirs = await subscribe(member.token, team);
  const colleague = await subscribe(owner.token, team);
  expect(theirs.status).toBe(200);
  expect(colleague.status).toBe(200);
  expect(await theirs.heartbeats(1, 5000)).toBe(true);
  expect(await colleague.heartbeats(1, 5000)).toBe(true);
  return { member, team, theirs, colleague };
}

/** The member's stream ends within a few heartbeats; the colleague's is still beating after. */
async function expectOnlyTheirsEnds(w: Awaited<ReturnType<typeof watched>>) {
  const started = Date.now();
  expect(await w.theirs.ended(CLOSES_WITHIN_MS)).toBe(true);
  expect(Date.now() - started).toBeLessThan(CLOSES_WITHIN_MS);
  expect(await w.colleague.heartbeats(2, 5000)).toBe(true);
  expect(await w.colleague.ended(0)).toBe(false);
}

describe('each heartbeat re-checks the member', () => {
  it('a stream stays open while the member stays (the control)', async () => {
    const w = await watched('stays');
    expect(await w.theirs.heartbeats(4, 5000)).toBe(true);
    expect(await w.theirs.ended(0)).toBe(false);
  });

  it('removed from the team through the chain: the stream ends', async () => {
    const w = await watched('removed');
    const r = await appendLinks(owner, w.team, [['member.remove', { user: w.member.id, reason: 'removed' }]]);
    expect(r.status).toBe(200);
    await expectOnlyTheirsEnds(w);
  });

  it('membership suspended: the stream ends', async () => {
    const w = await watched('msuspended');
    await srv.db.query(`UPDATE memberships SET status = 'suspended' WHERE team_id = $1 AND user_id = $2`, [
      w.team,
      w.member.id,
    ]);
    await expectOnlyTheirsEnds(w);
  });

  it('membership no longer confirmed: the stream ends', async () => {
    const w = await watched('unconfirmed');
    await srv.db.query(`UPDATE memberships SET status = 'accepted' WHERE team_id = $1 AND user_id = $2`, [
      w.team,
      w.member.id,
    ]);
    await expectOnlyTheirsEnds(w);
  });

  it('membership row gone: the stream ends', async () => {
    const w = await watched('gone');
    await srv.db.query('DELETE FROM memberships WHERE team_id = $1 AND user_id = $2', [w.team, w.member.id]);
    await expectOnlyTheirsEnds(w);
  });

  it('the account suspended (membership untouched): the stream ends', async () => {
    const w = await watched('ususpended');
    await srv.db.query('UPDATE users SET suspended_at = now() WHERE id = $1', [w.member.id]);
    await expectOnlyTheirsEnds(w);
  });
});
