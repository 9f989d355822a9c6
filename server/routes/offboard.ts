// Process: server (team server; plain Node).
// POST /teams/:team/members/:user/offboard (docs/design.md "Offboarding"): appends the signed
// `member.remove` (reason `offboarded`) through the same verified append as any link, whose
// effect ends the leaver's sessions and links in the same transaction (data/offboard.ts), and
// answers with what that effect did. The role table decides through the chain rules.
import type { FastifyInstance } from 'fastify';
import { appendBody } from '../../shared/api.ts';
import { TesseraError } from '../../shared/errors.ts';
import { offboardPath } from '../../shared/offboard-api.ts';
import { memberOf } from '../access.ts';
import { callerOf } from '../auth.ts';
import type { Database } from '../db.ts';
import { appendLinks } from '../data/chain-append.ts';
import { offboardRecord } from '../data/offboard.ts';
import { teamChange } from '../data/revision.ts';
import { ids, parse } from '../validate.ts';

export function offboardRoutes(app: FastifyInstance, db: Database): void {
  app.post(offboardPath(':team', ':user'), async (req) => {
    const { team, user } = ids(req.params, 'team', 'user');
    const caller = callerOf(req);
    const body = parse(appendBody, req.body);
    const [link, ...rest] = body.links;
    const b = link?.body as { user?: unknown; reason?: unknown } | undefined;
    if (rest.length || link?.type !== 'member.remove' || b?.user !== user || b?.reason !== 'offboarded')
      throw new TesseraError(
        'bad_request',
        'links: an offboarding is one member.remove of this member, reason offboarded',
      );
    return teamChange(db, team, async (tx, revision) => {
      await memberOf(tx, team, caller);
      const state = await appendLinks(tx, { team, caller: caller.userId, body, revision });
      const done = await offboardRecord(tx, team, state.seq);
      if (!done) throw new TesseraError('internal', 'the offboarding was not recorded');
      return { revision, seq: state.seq, ...done };
    });
  });
}
