// Process: server (team server; plain Node).
// Item writes and history. A write names the version it started from; a stale one is
// answered 409 with the item as stored now, so the client can keep both values and ask. A
// write at an id this vault does not hold is 404, whether or not another vault or team holds
// it: nothing about other teams' items shows here (see putItem in data/items.ts).
import type { FastifyInstance } from 'fastify';
import { paths, putItemBody } from '../../shared/api.ts';
import { TesseraError } from '../../shared/errors.ts';
import { authorizeVault, memberOf } from '../access.ts';
import { callerOf } from '../auth.ts';
import type { Database } from '../db.ts';
import { itemVersions, putItem } from '../data/items.ts';
import { teamChange } from '../data/revision.ts';
import { ids, parse } from '../validate.ts';

export function itemRoutes(app: FastifyInstance, db: Database): void {
  app.put(paths.item(':team', ':vault', ':item'), async (req) => {
    const { team, vault, item } = ids(req.params, 'team', 'vault', 'item');
    const caller = callerOf(req);
    const body = parse(putItemBody, req.body);
    if (body.version !== body.baseVersion + 1)
      throw new TesseraError('bad_request', 'version: must be baseVersion + 1');
    return teamChange(db, team, async (tx, revision) => {
      const m = await memberOf(tx, team, caller);
      const { vault: v } = await authorizeVault(tx, m, vault, 'item.write');
      if (body.generation !== v.generation)
        throw new TesseraError('conflict', 'vault was re-keyed; sync and retry');
      await putItem(tx, { ...body, id: item, vault, team, by: caller.userId, revision });
      return { revision, version: body.version };
    });
  });

  app.get(paths.itemVersions(':team', ':vault', ':item'), async (req) => {
    const { team, vault, item } = ids(req.params, 'team', 'vault', 'item');
    return db.transaction(async (tx) => {
      const m = await memberOf(tx, team, callerOf(req));
      await authorizeVault(tx, m, vault, 'item.read');
      const versions = await itemVersions(tx, vault, item);
      if (!versions) throw new TesseraError('not_found', 'item not found');
      return { versions };
    });
  });
}
