// Process: server (team server; plain Node).
// "Rotation required" flag routes (docs/design.md "Rotation reminders"). The server keeps the
// flag and its reason, never a value or a name; it cannot make a flag clients believe (they
// check each one against the author's chain key and role), but it can withhold one. Flagging
// needs `item.flag` (anyone who reads the vault), settling needs `item.write` (the right to
// rotate; it deletes the flags made before the new value), listing shows the flags of the vaults the caller reads. Each write bumps the team
// revision, so every open client syncs and sees the change.
import type { FastifyInstance } from 'fastify';
import { paths, putFlagBody, settleFlagsQuery } from '../../shared/api.ts';
import { TesseraError } from '../../shared/errors.ts';
import { mayInVault, standingVaultRole } from '../../shared/roles.ts';
import { authorizeVault, memberOf } from '../access.ts';
import { callerOf } from '../auth.ts';
import type { Database } from '../db.ts';
import { flagsIn, itemInVault, putFlag, settleFlags, vaultGrantsOf } from '../data/rotation-flags.ts';
import { bumpRevision, teamChange } from '../data/revision.ts';
import { heldSessionKey } from '../data/breakglass.ts';
import { ids, parse } from '../validate.ts';

export function rotationFlagRoutes(app: FastifyInstance, db: Database): void {
  app.put(paths.rotationFlag(':team', ':vault', ':item'), async (req) => {
    const { team, vault, item } = ids(req.params, 'team', 'vault', 'item');
    const caller = callerOf(req);
    const body = parse(putFlagBody, req.body);
    return teamChange(db, team, async (tx, revision) => {
      const m = await memberOf(tx, team, caller);
      // A break-glass responder reads without a grant, and flags what they viewed.
      if (!(await heldSessionKey(tx, vault, m.userId))) await authorizeVault(tx, m, vault, 'item.flag');
      if (!(await itemInVault(tx, vault, item)))
        throw new TesseraError('not_found', 'item not found in this vault');
      await putFlag(tx, { team, vault, item, author: m.userId, ...body });
      return { revision };
    });
  });

  app.delete(paths.rotationFlag(':team', ':vault', ':item'), async (req) => {
    const { team, vault, item } = ids(req.params, 'team', 'vault', 'item');
    const caller = callerOf(req);
    const { before } = parse(settleFlagsQuery, req.query, 'query');
    // Only a settle that deleted something is a change: every client that sees a rotated
    // item's old flag asks to settle it, and the repeats must not make everyone sync again.
    return db.transaction(async (tx) => {
      const m = await memberOf(tx, team, caller);
      await authorizeVault(tx, m, vault, 'item.write');
      const settled = await settleFlags(tx, vault, item, before);
      if (settled > 0) await bumpRevision(tx, team);
      return { settled };
    });
  });

  app.get(paths.rotationFlags(':team'), async (req) => {
    const { team } = ids(req.params, 'team');
    return db.snapshot(async (tx) => {
      const m = await memberOf(tx, team, callerOf(req));
      const readable = [...(await vaultGrantsOf(tx, m))]
        .filter(([, v]) => mayInVault(standingVaultRole(m.role, v.roles, v.breakGlass), 'item.read'))
        .map(([id]) => id);
      return { flags: await flagsIn(tx, team, readable) };
    });
  });
}
