// Process: server (team server; plain Node).
// Team lifecycle and the key directory: create, invite, accept, confirm. The server checks
// roles and that a confirmation vouches for exactly the keys the member published; the
// signatures themselves are checked by clients, who trust only the team root key.
import type { FastifyInstance } from 'fastify';
import { confirmBody, createTeamBody, inviteBody, paths } from '../../shared/api.ts';
import { TesseraError } from '../../shared/errors.ts';
import { inviteOperation } from '../../shared/roles.ts';
import { authorizeTeam, memberOf } from '../access.ts';
import { callerOf } from '../auth.ts';
import type { Database } from '../db.ts';
import { teamChange } from '../data/revision.ts';
import {
  acceptMembership,
  confirmMembership,
  insertMembership,
  insertTeam,
  listMembers,
  memberRow,
  teamInfo,
  teamRow,
} from '../data/teams.ts';
import { findUserById, publicKeys } from '../data/users.ts';
import { ids, parse } from '../validate.ts';

const P = ':team';

async function loadTeam(q: Parameters<typeof teamRow>[0], team: string) {
  const t = await teamRow(q, team);
  if (!t) throw new TesseraError('not_found', 'team not found');
  return t;
}

export function teamRoutes(app: FastifyInstance, db: Database): void {
  app.post(paths.teams, async (req) => {
    const caller = callerOf(req);
    const body = parse(createTeamBody, req.body);
    body.id = body.id.toLowerCase();
    return db.transaction(async (tx) => {
      const user = await findUserById(tx, caller.userId);
      if (!user) throw new TesseraError('unauthenticated', 'not logged in');
      const keys = publicKeys(user);
      const revision = await insertTeam(tx, {
        id: body.id,
        name: body.name,
        createdBy: user.id,
        rootSignPublicKey: keys.signPublicKey,
      });
      if (revision === null) throw new TesseraError('conflict', 'a team with this id already exists');
      await insertMembership(tx, {
        team: body.id,
        email: user.email,
        userId: user.id,
        role: 'owner',
        status: 'confirmed',
        keys,
        entry: { signer: user.id, signature: body.rootSignature, role: 'owner', keys },
        invitedBy: user.id,
        revision,
      });
      return { team: teamInfo(await loadTeam(tx, body.id)) };
    });
  });

  app.get(paths.team(P), async (req) => {
    const { team } = ids(req.params, 'team');
    await memberOf(db, team, callerOf(req), ['invited', 'accepted', 'confirmed']);
    return teamInfo(await loadTeam(db, team));
  });

  app.post(paths.invitations(P), async (req) => {
    const { team } = ids(req.params, 'team');
    const caller = callerOf(req);
    const body = parse(inviteBody, req.body);
    return teamChange(db, team, async (tx, revision) => {
      await authorizeTeam(tx, team, caller, inviteOperation(body.role));
      const ok = await insertMembership(tx, {
        team,
        email: body.email,
        userId: null,
        role: body.role,
        status: 'invited',
        keys: null,
        entry: null,
        invitedBy: caller.userId,
        revision,
      });
      if (!ok) throw new TesseraError('conflict', `${body.email} is already a member or invited`);
      return { email: body.email, role: body.role, status: 'invited' };
    });
  });

  app.post(paths.accept(P), async (req) => {
    const { team } = ids(req.params, 'team');
    const caller = callerOf(req);
    return teamChange(db, team, async (tx, revision) => {
      const m = await memberOf(tx, team, caller, ['invited', 'accepted', 'confirmed']);
      if (m.status !== 'invited') throw new TesseraError('conflict', 'the invitation was already accepted');
      const user = await findUserById(tx, caller.userId);
      if (!user) throw new TesseraError('unauthenticated', 'not logged in');
      if (!(await acceptMembership(tx, team, user.email, user.id, publicKeys(user), revision))) {
        throw new TesseraError('conflict', 'no open invitation for your email');
      }
      return { team: teamInfo(await loadTeam(tx, team)) };
    });
  });

  app.get(paths.members(P), async (req) => {
    const { team } = ids(req.params, 'team');
    await authorizeTeam(db, team, callerOf(req), 'team.read');
    return { members: await listMembers(db, team) };
  });

  app.post(paths.confirm(P, ':user'), async (req) => {
    const { team, user } = ids(req.params, 'team', 'user');
    const caller = callerOf(req);
    const body = parse(confirmBody, req.body);
    return teamChange(db, team, async (tx, revision) => {
      await authorizeTeam(tx, team, caller, 'team.confirm');
      const target = await memberRow(tx, team, user);
      if (!target) throw new TesseraError('not_found', 'member not found');
      if (target.status !== 'accepted') {
        throw new TesseraError(
          'conflict',
          `member is ${target.status}; only an accepted member can be confirmed`,
        );
      }
      if (body.role !== target.role) {
        throw new TesseraError(
          'conflict',
          `role ${body.role} does not match the invited role ${target.role}`,
        );
      }
      const k = target.keys;
      if (!k || k.boxPublicKey !== body.keys.boxPublicKey || k.signPublicKey !== body.keys.signPublicKey) {
        throw new TesseraError('conflict', 'keys do not match the keys this member published');
      }
      const entry = { signer: caller.userId, signature: body.signature, role: body.role, keys: body.keys };
      if (!(await confirmMembership(tx, team, user, entry, revision))) {
        throw new TesseraError('conflict', 'member changed meanwhile; retry');
      }
      return { entry: { userId: user, email: target.email, ...entry } };
    });
  });
}
