// Process: server (team server; plain Node).
// Break-glass routes (docs/design.md "Break-glass"): thin over server/data/breakglass.ts.
// Requests, approvals, denials, keys and closes arrive as chain links (routes/teams.ts); the
// one route here releases a granted session's sealed key and items, inside the window only.
import type { FastifyInstance } from 'fastify';
import { paths } from '../../shared/api.ts';
import { memberOf } from '../access.ts';
import { callerOf } from '../auth.ts';
import type { Database } from '../db.ts';
import { recordAudit } from '../data/audit.ts';
import { type BreakGlassOptions, releaseSession } from '../data/breakglass.ts';
import type { BreakGlassSweeper } from '../data/breakglass-sweep.ts';
import { ids } from '../validate.ts';

export function breakGlassRoutes(
  app: FastifyInstance,
  db: Database,
  opts: BreakGlassOptions,
  sweeper: BreakGlassSweeper,
): void {
  app.get(paths.breakglassSession(':team', ':request'), async (req) => {
    const { team, request } = ids(req.params, 'team', 'request');
    const caller = callerOf(req);
    await memberOf(db, team, caller);
    // Lazily too, not only on the timer: a release refused after the window follows its expiry.
    await sweeper.run(team);
    // A transaction, not a snapshot: the key leaves only together with its audit entry.
    return db.transaction(async (tx) => {
      const m = await memberOf(tx, team, caller);
      const released = await releaseSession(tx, team, request, m.userId, (opts.now ?? (() => new Date()))());
      await recordAudit(tx, team, {
        kind: 'breakglass.release',
        actor: m.userId,
        refs: { vault: released.vault, request },
      });
      return released;
    });
  });
}
