// Process: server (team server; plain Node).
// Vault creation, sharing and key distribution. Cryptography decides who can read a vault
// (only holders of a sealed key can); these routes decide who may hold one, and refuse keys
// addressed to anyone without read access.
import type { FastifyInstance } from 'fastify';
import {
  addKeyGrantsBody,
  createVaultBody,
  paths,
  rekeyVaultBody,
  shareVaultBody,
} from '../../shared/api.ts';
import { TesseraError } from '../../shared/errors.ts';
import { authorizeTeam, authorizeVault, memberOf, vaultReaders } from '../access.ts';
import { callerOf } from '../auth.ts';
import type { Database } from '../db.ts';
import { checkGrants, storeGrants } from '../data/grants.ts';
import { groupInTeam } from '../data/groups.ts';
import { rekeyVault } from '../data/rekey.ts';
import { teamChange } from '../data/revision.ts';
import { memberRow } from '../data/teams.ts';
import { insertVault, listAccess, missingKeys, stampVault, upsertAccess } from '../data/vaults.ts';
import { ids, parse } from '../validate.ts';

const T = ':team';
const V = ':vault';

export function vaultRoutes(app: FastifyInstance, db: Database): void {
  app.post(paths.vaults(T), async (req) => {
    const { team } = ids(req.params, 'team');
    const caller = callerOf(req);
    const body = parse(createVaultBody, req.body);
    body.id = body.id.toLowerCase();
    return teamChange(db, team, async (tx, revision) => {
      await authorizeTeam(tx, team, caller, 'vault.create');
      const v = {
        id: body.id,
        team,
        name: body.name,
        breakGlass: body.breakGlass,
        createdBy: caller.userId,
        revision,
      };
      if (!(await insertVault(tx, v)))
        throw new TesseraError('conflict', 'a vault with this id already exists');
      await upsertAccess(tx, body.id, { type: 'user', id: caller.userId }, 'manage', revision);
      if (!body.keyGrants.some((g) => g.recipient.toLowerCase() === caller.userId && g.role === 'manage')) {
        throw new TesseraError('bad_request', 'keyGrants: must include your own key with role manage');
      }
      const readers = await vaultReaders(tx, team, body.id);
      checkGrants(body.keyGrants, { generation: 1, granter: caller.userId, readers });
      await storeGrants(tx, body.id, body.keyGrants, revision);
      return {
        vault: {
          id: body.id,
          name: body.name,
          generation: 1,
          role: 'manage',
          breakGlass: body.breakGlass,
          revision,
        },
      };
    });
  });

  app.post(paths.vaultAccess(T, V), async (req) => {
    const { team, vault } = ids(req.params, 'team', 'vault');
    const caller = callerOf(req);
    const body = parse(shareVaultBody, req.body);
    return teamChange(db, team, async (tx, revision) => {
      const m = await memberOf(tx, team, caller);
      const { vault: v } = await authorizeVault(tx, m, vault, 'vault.share');
      if (body.principal.type === 'user') {
        const target = await memberRow(tx, team, body.principal.id);
        if (!target) throw new TesseraError('not_found', 'member not found');
        if (target.status !== 'confirmed')
          throw new TesseraError('conflict', `member is ${target.status}, not confirmed`);
      } else if (!(await groupInTeam(tx, team, body.principal.id))) {
        throw new TesseraError('not_found', 'group not found');
      }
      await upsertAccess(tx, vault, body.principal, body.role, revision);
      await stampVault(tx, vault, revision);
      const readers = await vaultReaders(tx, team, vault);
      checkGrants(body.keyGrants, { generation: v.generation, granter: caller.userId, readers });
      await storeGrants(tx, vault, body.keyGrants, revision);
      return { revision };
    });
  });

  app.get(paths.vaultAccess(T, V), async (req) => {
    const { team, vault } = ids(req.params, 'team', 'vault');
    return db.transaction(async (tx) => {
      const m = await memberOf(tx, team, callerOf(req));
      const { vault: v } = await authorizeVault(tx, m, vault, 'item.read');
      return {
        access: await listAccess(tx, vault),
        missingKeys: await missingKeys(tx, team, vault, v.generation),
      };
    });
  });

  app.post(paths.vaultKeys(T, V), async (req) => {
    const { team, vault } = ids(req.params, 'team', 'vault');
    const caller = callerOf(req);
    const body = parse(addKeyGrantsBody, req.body);
    return teamChange(db, team, async (tx, revision) => {
      const m = await memberOf(tx, team, caller);
      const { vault: v } = await authorizeVault(tx, m, vault, 'vault.share');
      const readers = await vaultReaders(tx, team, vault);
      checkGrants(body.keyGrants, { generation: v.generation, granter: caller.userId, readers });
      await storeGrants(tx, vault, body.keyGrants, revision);
      return { revision };
    });
  });

  app.post(paths.vaultRekey(T, V), async (req) => {
    const { team, vault } = ids(req.params, 'team', 'vault');
    const caller = callerOf(req);
    const body = parse(rekeyVaultBody, req.body);
    return teamChange(db, team, async (tx, revision) => {
      const m = await memberOf(tx, team, caller);
      const { vault: v } = await authorizeVault(tx, m, vault, 'vault.rekey');
      await rekeyVault(tx, { team, vault: v, body, caller: caller.userId, revision });
      return { revision, generation: body.generation };
    });
  });
}
