// Process: server (team server; plain Node).
// The audit log routes (docs/design.md "Audit"). Reading pages through the team's entries
// after a seq, for those whose role may read the audit. Reporting chains a member's own
// signed reveal and copy events, each checked against the member's signing key in the
// verified team chain first, so the server refuses what every client would refuse.
import type { FastifyInstance } from 'fastify';
import { auditSignedMessage } from '../../shared/audit/entry.ts';
import { auditPaths, auditQuery, auditReportBody } from '../../shared/audit/api.ts';
import { fromB64, utf8 } from '../../shared/encoding.ts';
import { TesseraError } from '../../shared/errors.ts';
import { authorizeTeam } from '../access.ts';
import { callerOf } from '../auth.ts';
import { serverChainCrypto } from '../chain-crypto.ts';
import type { Database } from '../db.ts';
import { auditAfter, recordClientAudit } from '../data/audit.ts';
import { chainState } from '../data/chain.ts';
import { ids, parse } from '../validate.ts';

function signatureOk(sig: string, message: string, key: string): boolean {
  try {
    const s = fromB64(sig);
    const k = fromB64(key);
    return s.length === 64 && k.length === 32 && serverChainCrypto.verify(s, utf8(message), k);
  } catch {
    return false;
  }
}

export function auditRoutes(app: FastifyInstance, db: Database): void {
  app.get(auditPaths.log(':team'), async (req) => {
    const { team } = ids(req.params, 'team');
    const { after, limit } = parse(auditQuery, req.query, 'query');
    const caller = callerOf(req);
    return db.snapshot(async (q) => {
      await authorizeTeam(q, team, caller, 'audit.read');
      return auditAfter(q, team, after, limit);
    });
  });

  app.post(auditPaths.log(':team'), async (req) => {
    const { team } = ids(req.params, 'team');
    const { events } = parse(auditReportBody, req.body);
    const caller = callerOf(req);
    return db.transaction(async (tx) => {
      const m = await authorizeTeam(tx, team, caller, 'audit.report');
      const key = (await chainState(tx, team)).members.get(m.userId)?.keys.signPublicKey;
      if (!key) throw new TesseraError('forbidden', 'your key is not in the team chain yet; sync and retry');
      const seqs: number[] = [];
      for (const [i, e] of events.entries()) {
        if (!signatureOk(e.sig, auditSignedMessage(team, e, m.userId), key))
          throw new TesseraError('bad_request', `events.${i}: the signature does not verify under your key`);
        seqs.push(await recordClientAudit(tx, team, m.userId, e));
      }
      return { seqs };
    });
  });
}
