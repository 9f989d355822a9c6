// Process: server (team server; plain Node).
// Groups. Adding someone to a group that holds vault grants gives them those vaults, so the
// admin's client sends a sealed key per such vault in the same request; keys it could not
// provide show up as missingKeys for a vault manager to fulfil.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { addGroupMemberBody, createGroupBody, paths, type VaultKeyGrant } from '../../shared/api.ts';
import { TesseraError } from '../../shared/errors.ts';
import { authorizeTeam, vaultReaders } from '../access.ts';
import { callerOf } from '../auth.ts';
import type { Database, Queryable } from '../db.ts';
import { checkGrants, storeGrants } from '../data/grants.ts';
import { addGroupMember, groupInTeam, insertGroup, listGroups, removeGroupMember } from '../data/groups.ts';
import { teamChange } from '../data/revision.ts';
import { memberRow } from '../data/teams.ts';
import { ids, parse } from '../validate.ts';

async function loadGroup(q: Queryable, team: string, group: string) {
  const g = await groupInTeam(q, team, group);
  if (!g) throw new TesseraError('not_found', 'group not found');
  return g;
}

async function storeGroupGrants(
  tx: Queryable,
  team: string,
  user: string,
  granter: string,
  grants: readonly VaultKeyGrant[],
  revision: number,
) {
  const byVault = new Map<string, VaultKeyGrant[]>();
  grants.forEach((g, i) => {
    if (g.recipient.toLowerCase() !== user)
      throw new TesseraError('bad_request', `keyGrants.${i}.recipient: must be the new member`);
    const v = g.vault.toLowerCase();
    byVault.set(v, [...(byVault.get(v) ?? []), g]);
  });
  for (const [vault, list] of byVault) {
    const r = await tx.query<{ generation: number }>(
      'SELECT generation FROM vaults WHERE id = $1 AND team_id = $2',
      [vault, team],
    );
    const v = r.rows[0];
    if (!v) throw new TesseraError('not_found', `vault ${vault} not found`);
    const readers = await vaultReaders(tx, team, vault);
    checkGrants(list, { generation: Number(v.generation), granter, readers });
    await storeGrants(tx, vault, list, revision);
  }
}

export function groupRoutes(app: FastifyInstance, db: Database): void {
  app.post(paths.groups(':team'), async (req) => {
    const { team } = ids(req.params, 'team');
    const caller = callerOf(req);
    const body = parse(createGroupBody, req.body);
    return teamChange(db, team, async (tx) => {
      await authorizeTeam(tx, team, caller, 'group.manage');
      const id = randomUUID();
      if (!(await insertGroup(tx, { id, team, name: body.name }))) {
        throw new TesseraError('conflict', `a group named ${body.name} already exists`);
      }
      return { group: { id, name: body.name, members: [] } };
    });
  });

  app.get(paths.groups(':team'), async (req) => {
    const { team } = ids(req.params, 'team');
    await authorizeTeam(db, team, callerOf(req), 'group.read');
    return { groups: await listGroups(db, team) };
  });

  app.post(paths.groupMembers(':team', ':group'), async (req) => {
    const { team, group } = ids(req.params, 'team', 'group');
    const caller = callerOf(req);
    const body = parse(addGroupMemberBody, req.body);
    return teamChange(db, team, async (tx, revision) => {
      await authorizeTeam(tx, team, caller, 'group.manage');
      await loadGroup(tx, team, group);
      const userId = body.userId.toLowerCase();
      const target = await memberRow(tx, team, userId);
      if (!target) throw new TesseraError('not_found', 'member not found');
      if (target.status !== 'confirmed')
        throw new TesseraError('conflict', `member is ${target.status}, not confirmed`);
      if (!(await addGroupMember(tx, group, userId, revision))) {
        throw new TesseraError('conflict', 'already a member of this group');
      }
      await storeGroupGrants(tx, team, userId, caller.userId, body.keyGrants, revision);
      return { revision };
    });
  });

  app.delete(paths.groupMember(':team', ':group', ':user'), async (req) => {
    const { team, group, user } = ids(req.params, 'team', 'group', 'user');
    const caller = callerOf(req);
    return teamChange(db, team, async (tx, revision) => {
      await authorizeTeam(tx, team, caller, 'group.manage');
      await loadGroup(tx, team, group);
      if (!(await removeGroupMember(tx, group, user)))
        throw new TesseraError('not_found', 'not a member of this group');
      return { revision };
    });
  });
}
