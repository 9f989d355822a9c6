// Process: server (team server; plain Node).
// Sync: the delta pull and the push channel. The push channel is a hand-written server-sent
// event stream that only ever says "team changed, revision N"; the client then pulls. Each
// heartbeat re-checks the session and membership, so a revoked user's stream ends too.
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { changesQuery, paths } from '../../shared/api.ts';
import { authorizeTeam } from '../access.ts';
import { authenticate, callerOf } from '../auth.ts';
import type { Database } from '../db.ts';
import { changesSince } from '../data/changes.ts';
import type { TeamNotifier } from '../notify.ts';
import { ids, parse } from '../validate.ts';

export interface SyncOptions {
  notifier: TeamNotifier;
  heartbeatMs: number;
  streams: Set<ServerResponse>;
}

export function syncRoutes(app: FastifyInstance, db: Database, o: SyncOptions): void {
  app.get(paths.changes(':team', 0).split('?')[0]!, async (req) => {
    const { team } = ids(req.params, 'team');
    const { since, seq, own } = parse(changesQuery, req.query, 'since');
    const caller = callerOf(req);
    return db.snapshot(async (q) =>
      changesSince(q, await authorizeTeam(q, team, caller, 'team.read'), since, seq, own),
    );
  });

  app.get(paths.events(':team'), async (req, reply) => {
    const { team } = ids(req.params, 'team');
    const caller = callerOf(req);
    await authorizeTeam(db, team, caller, 'team.read');
    const authorization = req.headers.authorization;

    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(': connected\n\n');
    o.streams.add(res);

    // Every announcement re-checks the session first: the change that offboards or removes the
    // listener is the last thing their stream hears of (docs/design.md "Offboarding"). One check
    // runs at a time; announcements that arrive meanwhile fold into the newest revision (a
    // client pulls to the head anyway), so a burst of writes costs each stream a few checks,
    // not one per write. A heartbeat is sent only when there is no change to send.
    let newest: string | null = null;
    let beat = false;
    let checking = false;
    const announce = async () => {
      checking = true;
      while (newest !== null || beat) {
        const line = newest ?? ': heartbeat\n\n';
        newest = null;
        beat = false;
        try {
          await authorizeTeam(db, team, await authenticate(db, authorization), 'team.read');
        } catch {
          res.end();
          return;
        }
        res.write(line);
      }
      checking = false;
    };
    const recheck = (change: string | null) => {
      if (change === null) beat = true;
      else newest = change;
      if (!checking) void announce();
    };
    const unsubscribe = o.notifier.subscribe(team, (revision) =>
      recheck(`event: changed\ndata: ${JSON.stringify({ team, revision })}\n\n`),
    );
    const heartbeat = setInterval(() => recheck(null), o.heartbeatMs);
    const cleanup = () => {
      clearInterval(heartbeat);
      unsubscribe();
      o.streams.delete(res);
    };
    res.on('close', cleanup);
    res.on('error', cleanup);
  });
}
