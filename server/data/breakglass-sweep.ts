// Process: server (team server; plain Node).
// The break-glass events no link marks (docs/design.md "Break-glass", "Audit"): a session's
// grant (at the k-th approval, at an immediate request, or when a delay passes with nobody
// signing anything) and the end of its window without a close. Both are judged from the
// chain's signed times (the request's, the key's, the close's) and the server's clock, and
// recorded once each: the row in breakglass_events is inserted in the transaction that records
// the audit entry, so of two server processes on one database only one records it.
import { randomUUID } from 'node:crypto';
import { type BreakGlassSession, findSession, grantedAt, windowEnd } from '../../shared/chain/breakglass.ts';
import type { ChainLink } from '../../shared/chain/links.ts';
import type { ChainVault, TeamState } from '../../shared/chain/state.ts';
import type { Database, Queryable } from '../db.ts';
import { lockAuditHead, recordAudit } from './audit.ts';
import { chainState } from './chain.ts';
import type { BreakGlassOptions } from './breakglass.ts';
import { type Alert, sendAlerts, type WebhookLog } from './breakglass-webhook.ts';

type Kind = 'grant' | 'expire';

/** Granted by `now`: the key went out (a key holder judged it so), or the policy grants it
 *  and nobody denied it. A close after the grant does not undo that it was granted. */
export function grantDue(v: ChainVault, s: BreakGlassSession, now: number): boolean {
  if (!v.breakglass || s.deniedBy !== undefined) return false;
  if (s.key) return true;
  const until = s.closedAt !== undefined ? Math.min(now, s.closedAt) : now;
  return grantedAt(v.breakglass, { ...s, closedAt: undefined }, until);
}

/** The window (the key's signed time plus the minutes asked) is over and no close came first. */
export function expireDue(s: BreakGlassSession, now: number): boolean {
  const end = windowEnd(s);
  return end !== null && now >= end && (s.closedAt === undefined || s.closedAt >= end);
}

/** When the grant happened, as far as signed times tell; `fallback` for a k-th approval. */
function grantTime(v: ChainVault, s: BreakGlassSession, fallback: number): number {
  const p = v.breakglass?.policy;
  if (p?.kind === 'delay') return s.at + p.minutes * 60_000;
  if (p?.kind === 'immediate') return s.at;
  return fallback;
}

/** Records the event once, in `tx`, whose caller holds the team's audit head lock already. */
async function recordOnce(
  tx: Queryable,
  team: string,
  v: ChainVault,
  s: BreakGlassSession,
  kind: Kind,
  at: number,
  chainSeq?: number,
): Promise<Alert | null> {
  const r = await tx.query(
    `INSERT INTO breakglass_events (request_id, kind, team_id) VALUES ($1, $2, $3)
     ON CONFLICT (request_id, kind) DO NOTHING RETURNING request_id`,
    [s.request, kind, team],
  );
  if (r.rows.length === 0) return null;
  const type = kind === 'grant' ? 'breakglass.grant' : 'breakglass.expire';
  await recordAudit(tx, team, {
    kind: type,
    actor: null,
    refs: { vault: v.id, request: s.request, chainSeq },
  });
  return { id: randomUUID(), type, vault: v.id, request: s.request, minutes: s.minutes, at };
}

/** In a link's transaction, after its own entry: the grant it brings about (the k-th approval,
 *  an immediate request, the key sealed for a delay the sweep has not seen pass yet). */
export async function grantAtLink(
  tx: Queryable,
  team: string,
  state: TeamState,
  link: ChainLink,
  alerts: Alert[] | undefined,
): Promise<void> {
  if (
    link.type !== 'breakglass.request' &&
    link.type !== 'breakglass.approve' &&
    link.type !== 'breakglass.key'
  )
    return;
  const b = link.body as { request: string; at: number };
  const f = findSession(state.vaults.values(), b.request);
  if (!f || !grantDue(f.vault, f.session, b.at)) return;
  const a = await recordOnce(
    tx,
    team,
    f.vault,
    f.session,
    'grant',
    grantTime(f.vault, f.session, b.at),
    link.seq,
  );
  if (a) alerts?.push(a);
}

interface Due {
  kind: Kind;
  request: string;
}

async function dueIn(q: Queryable, team: string, now: number): Promise<Due[]> {
  const state = await chainState(q, team);
  const r = await q.query<{ request_id: string; kind: Kind }>(
    'SELECT request_id, kind FROM breakglass_events WHERE team_id = $1',
    [team],
  );
  const done = new Set(r.rows.map((x) => `${x.request_id.toLowerCase()}|${x.kind}`));
  const out: Due[] = [];
  for (const v of state.vaults.values())
    for (const s of v.sessions ?? []) {
      const id = s.request.toLowerCase();
      if (!done.has(`${id}|grant`) && grantDue(v, s, now)) out.push({ kind: 'grant', request: s.request });
      if (!done.has(`${id}|expire`) && expireDue(s, now)) out.push({ kind: 'expire', request: s.request });
    }
  return out;
}

/** One event in its own transaction, judged again under the audit head lock: a link that
 *  committed since the list was made (a close, a denial) counts. */
function recordDue(db: Database, team: string, d: Due, now: number): Promise<Alert | null> {
  return db.transaction(async (tx) => {
    await lockAuditHead(tx, team);
    const f = findSession((await chainState(tx, team)).vaults.values(), d.request);
    if (!f) return null;
    const { vault: v, session: s } = f;
    if (d.kind === 'grant')
      return grantDue(v, s, now) ? recordOnce(tx, team, v, s, 'grant', grantTime(v, s, now)) : null;
    return expireDue(s, now) ? recordOnce(tx, team, v, s, 'expire', windowEnd(s)!) : null;
  });
}

/** Records what is due in `team` (every team with a break-glass vault when omitted); calls
 *  `sent` with each event's alert after its transaction committed. */
export async function sweepBreakGlass(
  db: Database,
  now: number,
  sent: (team: string, a: Alert) => void,
  team?: string,
): Promise<number> {
  const teams = team
    ? [team]
    : (
        await db.query<{ team_id: string }>('SELECT DISTINCT team_id FROM vaults WHERE break_glass = true')
      ).rows.map((r) => r.team_id);
  let n = 0;
  let failed: unknown;
  for (const t of teams) {
    // One team that fails (its database rows, a bug) does not keep the others from their records.
    try {
      for (const d of await dueIn(db, t, now)) {
        const a = await recordDue(db, t, d, now);
        if (!a) continue;
        n++;
        sent(t, a);
      }
    } catch (err) {
      failed = err;
    }
  }
  if (failed !== undefined) throw failed;
  return n;
}

/** The sweep of one server process: every `sweepMs` from start to close, and on demand when a
 *  break-glass route is used (so a window's end is recorded before the close or the release
 *  that follows it). Runs one at a time; a failure is logged and the next run tries again. */
export class BreakGlassSweeper {
  private last: Promise<unknown> = Promise.resolve();
  private timer: ReturnType<typeof setInterval> | null = null;
  private closed = false;

  constructor(
    private readonly db: Database,
    private readonly opts: BreakGlassOptions,
    private readonly log: WebhookLog,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.run(), this.opts.sweepMs ?? 30_000);
    this.timer.unref();
  }

  /** After a commit: the webhook for what that transaction recorded, not awaited. */
  alert(team: string, alerts: readonly Alert[]): void {
    if (alerts.length > 0) void sendAlerts(this.opts.webhook, team, alerts, this.log);
  }

  run(team?: string): Promise<void> {
    const next = this.last.then(async () => {
      if (this.closed) return;
      const now = (this.opts.now ?? (() => new Date()))().getTime();
      await sweepBreakGlass(this.db, now, (t, a) => this.alert(t, [a]), team);
    });
    this.last = next.catch((err: unknown) =>
      this.log(`break-glass sweep failed: ${err instanceof Error ? err.message : String(err)}`),
    );
    return this.last.then(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.last;
  }
}
