// Process: server (team server; plain Node).
// One-time link routes (docs/design.md "One-time links"). Creating, listing and revoking
// need a session; peeking and opening need only the link id, because the recipient has no
// account. Opening is a POST, so a mail scanner that prefetches the page (a GET) never spends
// a view, and both public routes are rate limited per address. The server stores and returns
// ciphertext; it never sees the key, which stays in the URL fragment.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createLinkBody, linkPaths, linkPolicyBody } from '../../shared/link-api.ts';
import { TesseraError } from '../../shared/errors.ts';
import { mayInTeam } from '../../shared/roles.ts';
import { authorizeVault, memberOf, requireTeamOp } from '../access.ts';
import { callerOf } from '../auth.ts';
import type { Database, Queryable } from '../db.ts';
import {
  consumeView,
  findLink,
  insertLink,
  type LinkRow,
  linkPolicyOf,
  listLinks,
  emptyIfExpired,
  recordLinkEvent,
  revokeLink,
  setLinkPolicy,
} from '../data/links.ts';
import { ids, parse } from '../validate.ts';

export interface LinkOptions {
  /** Peeks and opens per minute per IP address. */
  openRateLimit: number;
}

const iso = (d: Date) => new Date(d).toISOString();

export function duration(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  return `${Math.round(seconds / 60)}m`;
}

function statusOf(l: LinkRow) {
  if (l.revoked_at) return 'revoked' as const;
  if (Number(l.views_left) === 0) return 'used_up' as const;
  if (l.expired) return 'expired' as const;
  return 'active' as const;
}

/** Why a link cannot be opened, in words a recipient can act on. */
function refusal(l: LinkRow | null): TesseraError {
  switch (l ? statusOf(l) : null) {
    case 'revoked':
      return new TesseraError('link_revoked', 'this link was revoked by its sender');
    case 'used_up':
      return new TesseraError('link_used_up', 'this link was already opened as many times as it allows');
    case 'expired':
      return new TesseraError('link_expired', 'this link has expired');
    default:
      return new TesseraError('not_found', 'no such link: it never existed or was purged');
  }
}

function info(l: LinkRow) {
  return {
    id: l.id,
    vault: l.vault_id,
    item: l.item_id,
    createdBy: { id: l.created_by, email: l.creator_email },
    createdAt: iso(l.created_at),
    expiresAt: iso(l.expires_at),
    views: Number(l.views),
    viewsLeft: Number(l.views_left),
    passphrase: l.kdf !== null,
    status: statusOf(l),
  };
}

async function liveVault(q: Queryable, team: string, vault: string): Promise<void> {
  const r = await q.query('SELECT 1 FROM vaults WHERE id = $1 AND team_id = $2 AND deleted_at IS NULL', [
    vault,
    team,
  ]);
  if (r.rows.length === 0) throw new TesseraError('not_found', 'vault not found');
}

/** What the recipient's page asks for (the link's state, then its sealed value) is never kept
 *  by a browser or a proxy: set before the handler runs, so refusals carry it too. */
function noStore(_req: FastifyRequest, reply: FastifyReply, done: () => void): void {
  reply.header('cache-control', 'no-store');
  done();
}

export function linkRoutes(app: FastifyInstance, db: Database, o: LinkOptions): void {
  const publicLimited = {
    public: true,
    rateLimit: { max: o.openRateLimit, timeWindow: 60_000, keyGenerator: (req: FastifyRequest) => req.ip },
  };

  app.post(linkPaths.links(':team'), async (req) => {
    const { team } = ids(req.params, 'team');
    const caller = callerOf(req);
    const body = parse(createLinkBody, req.body);
    return db.transaction(async (tx) => {
      const m = await memberOf(tx, team, caller);
      await authorizeVault(tx, m, body.vault, 'item.read');
      const item = await tx.query('SELECT 1 FROM items WHERE id = $1 AND vault_id = $2', [
        body.item,
        body.vault,
      ]);
      if (item.rows.length === 0) throw new TesseraError('not_found', 'item not found in this vault');
      const policy = await linkPolicyOf(tx, body.vault);
      if (!policy.linksAllowed)
        throw new TesseraError('forbidden', 'an admin has turned off one-time links for this vault');
      if (policy.maxExpirySeconds !== null && body.expiresInSeconds > policy.maxExpirySeconds)
        throw new TesseraError(
          'forbidden',
          `this vault's policy lets links live at most ${duration(policy.maxExpirySeconds)}`,
        );
      const { kdf, ...envelope } = body.envelope;
      const row = await insertLink(tx, {
        id: body.id,
        team,
        vault: body.vault,
        item: body.item,
        by: caller.userId,
        envelope,
        kdf,
        views: body.views,
        expiresInSeconds: body.expiresInSeconds,
      });
      if (!row) throw new TesseraError('conflict', 'a link with this id exists; make a new one');
      await recordLinkEvent(tx, {
        team,
        link: body.id,
        vault: body.vault,
        item: body.item,
        event: 'created',
        actor: caller.userId,
      });
      return { id: body.id, expiresAt: iso(row.expiresAt), views: body.views };
    });
  });

  app.get(linkPaths.links(':team'), async (req) => {
    const { team } = ids(req.params, 'team');
    const m = await memberOf(db, team, callerOf(req));
    const all = mayInTeam(m.role, 'link.admin');
    return { links: (await listLinks(db, team, all ? null : m.userId)).map(info) };
  });

  app.delete(linkPaths.link(':team', ':link'), async (req) => {
    const { team, link } = ids(req.params, 'team', 'link');
    const caller = callerOf(req);
    return db.transaction(async (tx) => {
      const m = await memberOf(tx, team, caller);
      const l = await findLink(tx, link);
      if (!l || l.team_id !== team) throw new TesseraError('not_found', 'no such link in this team');
      if (l.created_by !== m.userId && !mayInTeam(m.role, 'link.admin'))
        throw new TesseraError(
          'forbidden',
          `only its creator or an admin may revoke a link; your role is ${m.role}`,
        );
      const revoked = await revokeLink(tx, link);
      if (revoked)
        await recordLinkEvent(tx, {
          team,
          link,
          vault: l.vault_id,
          item: l.item_id,
          event: 'revoked',
          actor: m.userId,
        });
      return { id: link, revoked };
    });
  });

  app.get(linkPaths.policy(':team', ':vault'), async (req) => {
    const { team, vault } = ids(req.params, 'team', 'vault');
    const m = await memberOf(db, team, callerOf(req));
    if (!mayInTeam(m.role, 'link.admin')) await authorizeVault(db, m, vault, 'item.read');
    else await liveVault(db, team, vault);
    return { vault, ...(await linkPolicyOf(db, vault)) };
  });

  app.put(linkPaths.policy(':team', ':vault'), async (req) => {
    const { team, vault } = ids(req.params, 'team', 'vault');
    const body = parse(linkPolicyBody, req.body);
    const caller = callerOf(req);
    return db.transaction(async (tx) => {
      const m = await memberOf(tx, team, caller);
      requireTeamOp(m, 'link.admin');
      await liveVault(tx, team, vault);
      await setLinkPolicy(tx, vault, body, m.userId);
      return { vault, ...body };
    });
  });

  app.get(linkPaths.peek(':link'), { config: publicLimited, onRequest: noStore }, async (req) => {
    const { link } = ids(req.params, 'link');
    const l = await findLink(db, link);
    if (!l || statusOf(l) !== 'active' || !l.envelope) throw refusal(l);
    return {
      id: l.id,
      expiresAt: iso(l.expires_at),
      viewsLeft: Number(l.views_left),
      passphrase: l.kdf !== null,
    };
  });

  app.post(linkPaths.open(':link'), { config: publicLimited, onRequest: noStore }, async (req) => {
    const { link } = ids(req.params, 'link');
    const opened = await db.transaction(async (tx) => {
      const v = await consumeView(tx, link);
      if (!v) return null;
      await recordLinkEvent(tx, {
        team: v.team_id,
        link,
        vault: v.vault_id,
        item: v.item_id,
        event: 'viewed',
        actor: null,
      });
      return v;
    });
    if (!opened) {
      const l = await findLink(db, link);
      if (l?.expired && l.envelope) await emptyIfExpired(db, link);
      throw refusal(l);
    }
    return {
      envelope: { ...opened.envelope!, kdf: opened.kdf },
      viewsLeft: opened.views_left,
      expiresAt: iso(opened.expires_at),
    };
  });
}
