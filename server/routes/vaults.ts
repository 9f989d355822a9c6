// Process: server (team server; plain Node).
// Renaming a vault (docs/design.md "Renaming and deleting a vault"). Names are envelopes the
// server cannot read and are not in the team chain, so this is a plain authorised write: the
// caller must `manage` the vault by the projected vault_access, and the envelope must be at
// the vault's current generation. Deleting is a `vault.delete` link (routes/teams.ts).
import type { FastifyInstance } from 'fastify';
import { paths, renameVaultBody } from '../../shared/api.ts';
import { TesseraError } from '../../shared/errors.ts';
import { authorizeVault, memberOf } from '../access.ts';
import { callerOf } from '../auth.ts';
import type { Database } from '../db.ts';
import { teamChange } from '../data/revision.ts';
import { renameVault } from '../data/vaults.ts';
import { ids, parse } from '../validate.ts';

export function vaultRoutes(app: FastifyInstance, db: Database): void {
  app.put(paths.vaultName(':team', ':vault'), async (req) => {
    const { team, vault } = ids(req.params, 'team', 'vault');
    const caller = callerOf(req);
    const body = parse(renameVaultBody, req.body);
    return teamChange(db, team, async (tx, revision) => {
      const m = await memberOf(tx, team, caller);
      await authorizeVault(tx, m, vault, 'vault.manage');
      if (!(await renameVault(tx, vault, body.generation, body.name, revision)))
        throw new TesseraError('conflict', 'vault was re-keyed; sync and retry');
      return { revision };
    });
  });
}
