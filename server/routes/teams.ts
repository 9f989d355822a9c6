// Process: server (team server; plain Node).
// Teams and their chain: create (link 1), read the chain, append links, accept an invitation,
// list members. Every change to membership and access arrives as signed links the server
// verifies with the clients' own code before it projects them; accepting is the one step that
// is not a link, because it is where the joiner publishes the keys an admin then vouches for.
import type { FastifyInstance } from 'fastify';
import { appendBody, chainQuery, createTeamBody, paths } from '../../shared/api.ts';
import { stateToJson } from '../../shared/chain/state.ts';
import { ChainError, verifyGenesis } from '../../shared/chain/verify.ts';
import { TesseraError } from '../../shared/errors.ts';
import { authorizeTeam, memberOf } from '../access.ts';
import { callerOf } from '../auth.ts';
import { serverChainCrypto } from '../chain-crypto.ts';
import type { Database, Queryable } from '../db.ts';
import { chainSeq, linksAfter } from '../data/chain.ts';
import { appendLinks } from '../data/chain-append.ts';
import { recordAudit } from '../data/audit.ts';
import type { BreakGlassSweeper } from '../data/breakglass-sweep.ts';
import type { Alert } from '../data/breakglass-webhook.ts';
import type { BreakGlassOptions } from '../data/breakglass.ts';
import { teamChange } from '../data/revision.ts';
import { acceptMembership, insertOwner, insertTeam, listMembers, teamInfo } from '../data/teams.ts';
import { findUserById, publicKeys } from '../data/users.ts';
import { ids, parse } from '../validate.ts';

const P = ':team';
const CHAIN = paths.chain(P).split('?')[0]!;

async function loadTeam(q: Queryable, team: string) {
  const t = await teamInfo(q, team);
  if (!t) throw new TesseraError('not_found', 'team not found');
  return t;
}

function genesis(link: unknown) {
  try {
    return verifyGenesis(serverChainCrypto, link);
  } catch (e) {
    if (e instanceof ChainError) throw new TesseraError('bad_request', `link: ${e.message}`);
    throw e;
  }
}

export function teamRoutes(
  app: FastifyInstance,
  db: Database,
  bg: BreakGlassOptions,
  sweeper: BreakGlassSweeper,
): void {
  app.post(paths.teams, async (req) => {
    const caller = callerOf(req);
    const { link } = parse(createTeamBody, req.body);
    const state = genesis(link);
    return db.transaction(async (tx) => {
      const user = await findUserById(tx, caller.userId);
      if (!user) throw new TesseraError('unauthenticated', 'not logged in');
      const keys = publicKeys(user);
      const root = state.members.get(state.root)!;
      if (
        state.root !== user.id ||
        root.email !== user.email ||
        root.keys.boxPublicKey !== keys.boxPublicKey ||
        root.keys.signPublicKey !== keys.signPublicKey
      ) {
        throw new TesseraError('bad_request', 'link: team.create must name your own account and keys');
      }
      const revision = await insertTeam(tx, {
        id: state.team,
        name: state.name,
        createdBy: user.id,
        chainState: stateToJson(state),
      });
      if (revision === null) throw new TesseraError('conflict', 'a team with this id already exists');
      await tx.query(`INSERT INTO team_links (team_id, seq, link, revision) VALUES ($1, 1, $2::jsonb, $3)`, [
        state.team,
        JSON.stringify(link),
        revision,
      ]);
      await insertOwner(tx, { team: state.team, email: user.email, userId: user.id, keys, revision });
      await recordAudit(tx, state.team, { kind: 'team.create', actor: user.id, refs: { chainSeq: 1 } });
      return { team: { id: state.team, name: state.name } };
    });
  });

  app.get(paths.team(P), async (req) => {
    const { team } = ids(req.params, 'team');
    await memberOf(db, team, callerOf(req), ['invited', 'accepted', 'confirmed']);
    return loadTeam(db, team);
  });

  // Invited and accepted people read it too: a joiner checks link 1 against the invite code.
  app.get(CHAIN, async (req) => {
    const { team } = ids(req.params, 'team');
    const { after } = parse(chainQuery, req.query, 'after');
    const caller = callerOf(req);
    return db.snapshot(async (q) => {
      await memberOf(q, team, caller, ['invited', 'accepted', 'confirmed']);
      return { seq: await chainSeq(q, team), links: await linksAfter(q, team, after) };
    });
  });

  app.post(CHAIN, async (req) => {
    const { team } = ids(req.params, 'team');
    const caller = callerOf(req);
    const body = parse(appendBody, req.body);
    const alerts: Alert[] = [];
    // A window that ended is recorded before the close or the re-key that follows it.
    if (body.links.some((l) => String(l.type).startsWith('breakglass.'))) await sweeper.run(team);
    const r = await teamChange(db, team, async (tx, revision) => {
      alerts.length = 0;
      await memberOf(tx, team, caller);
      const state = await appendLinks(tx, {
        team,
        caller: caller.userId,
        body,
        revision,
        now: bg.now,
        alerts,
      });
      return { revision, seq: state.seq };
    });
    // After the commit: an alert goes out only for what the chain now holds.
    sweeper.alert(team, alerts);
    return r;
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
      return { team: await loadTeam(tx, team) };
    });
  });

  app.get(paths.members(P), async (req) => {
    const { team } = ids(req.params, 'team');
    await authorizeTeam(db, team, callerOf(req), 'team.read');
    return { members: await listMembers(db, team) };
  });
}
