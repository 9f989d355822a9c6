// Process: server (team server; plain Node).
// One-time links in the database. Consuming a view is one conditional UPDATE: the row lock
// and the re-check PostgreSQL does on it mean that however many opens race, views_left goes
// from 1 to 0 exactly once and every other open finds the condition false. A link that can
// no longer be opened loses its ciphertext at once; its tombstone row says why to whoever
// tries later, until the purge deletes it.
import type { Queryable } from '../db.ts';
import { recordAudit } from './audit.ts';

export interface LinkRow {
  id: string;
  team_id: string;
  vault_id: string;
  item_id: string;
  created_by: string;
  creator_email: string;
  envelope: { v: number; alg: string; nonce: string; ct: string } | null;
  kdf: { alg: string; opslimit: number; memlimit: number; salt: string } | null;
  views: number;
  views_left: number;
  expires_at: Date;
  created_at: Date;
  revoked_at: Date | null;
  expired: boolean;
}

/** How long a tombstone keeps telling openers "used up" or "revoked" after it expired. */
const TOMBSTONE_DAYS = 7;

export async function insertLink(
  q: Queryable,
  l: {
    id: string;
    team: string;
    vault: string;
    item: string;
    by: string;
    envelope: object;
    kdf: object | null;
    views: number;
    expiresInSeconds: number;
  },
): Promise<{ expiresAt: Date } | null> {
  const r = await q.query<{ expires_at: Date }>(
    `INSERT INTO links (id, team_id, vault_id, item_id, created_by, envelope, kdf, views, views_left, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $8, now() + make_interval(secs => $9))
     ON CONFLICT (id) DO NOTHING RETURNING expires_at`,
    [
      l.id,
      l.team,
      l.vault,
      l.item,
      l.by,
      JSON.stringify(l.envelope),
      l.kdf && JSON.stringify(l.kdf),
      l.views,
      l.expiresInSeconds,
    ],
  );
  const row = r.rows[0];
  return row ? { expiresAt: row.expires_at } : null;
}

const COLUMNS = `l.id, l.team_id, l.vault_id, l.item_id, l.created_by, u.email AS creator_email, l.envelope, l.kdf,
  l.views, l.views_left, l.expires_at, l.created_at, l.revoked_at, l.expires_at <= now() AS expired`;

export async function findLink(q: Queryable, id: string): Promise<LinkRow | null> {
  const r = await q.query<LinkRow>(
    `SELECT ${COLUMNS} FROM links l JOIN users u ON u.id = l.created_by WHERE l.id = $1`,
    [id],
  );
  return r.rows[0] ?? null;
}

/** Spends one view, or returns null when none is left, the link expired or was revoked. */
export async function consumeView(
  q: Queryable,
  id: string,
): Promise<Pick<
  LinkRow,
  'team_id' | 'vault_id' | 'item_id' | 'envelope' | 'kdf' | 'views_left' | 'expires_at'
> | null> {
  const r = await q.query<LinkRow>(
    `UPDATE links SET views_left = views_left - 1
      WHERE id = $1 AND views_left > 0 AND expires_at > now() AND revoked_at IS NULL AND envelope IS NOT NULL
      RETURNING team_id, vault_id, item_id, envelope, kdf, views_left, expires_at`,
    [id],
  );
  const row = r.rows[0];
  if (!row) return null;
  // The last view: the ciphertext goes now, not at the next purge.
  if (row.views_left === 0)
    await q.query('UPDATE links SET envelope = NULL, kdf = NULL WHERE id = $1 AND views_left = 0', [id]);
  return { ...row, views_left: Number(row.views_left) };
}

/** An expired link someone just tried: its ciphertext goes now rather than at the next
 *  purge, and only its own, so a request does no work for other links. */
export async function emptyIfExpired(q: Queryable, id: string): Promise<void> {
  await q.query(
    'UPDATE links SET envelope = NULL, kdf = NULL WHERE id = $1 AND envelope IS NOT NULL AND expires_at <= now()',
    [id],
  );
}

export async function revokeLink(q: Queryable, id: string): Promise<boolean> {
  const r = await q.query(
    `UPDATE links SET revoked_at = now(), envelope = NULL, kdf = NULL
      WHERE id = $1 AND revoked_at IS NULL RETURNING id`,
    [id],
  );
  return r.rows.length === 1;
}

/** A team's links (all, or one creator's), newest first. */
export async function listLinks(q: Queryable, team: string, creator: string | null): Promise<LinkRow[]> {
  const r = await q.query<LinkRow>(
    `SELECT ${COLUMNS} FROM links l JOIN users u ON u.id = l.created_by
      WHERE l.team_id = $1 AND ($2::uuid IS NULL OR l.created_by = $2) ORDER BY l.created_at DESC, l.id`,
    [team, creator],
  );
  return r.rows;
}

/** Drops the ciphertext of every link that can no longer be opened, and deletes tombstones
 *  that have told openers why for long enough. */
export async function purgeLinks(q: Queryable): Promise<{ emptied: number; deleted: number }> {
  const emptied = await q.query(
    `UPDATE links SET envelope = NULL, kdf = NULL
      WHERE envelope IS NOT NULL AND (expires_at <= now() OR views_left = 0 OR revoked_at IS NOT NULL)
      RETURNING id`,
  );
  const deleted = await q.query(
    `DELETE FROM links WHERE expires_at <= now() - make_interval(days => ${TOMBSTONE_DAYS}) RETURNING id`,
  );
  return { emptied: emptied.rows.length, deleted: deleted.rows.length };
}

export type LinkEvent = 'created' | 'viewed' | 'revoked';

const AUDIT_KIND = { created: 'link.create', viewed: 'link.view', revoked: 'link.revoke' } as const;

/** Keeps the link's own event row and chains the event into the team's audit log
 *  (docs/design.md "Audit"), in the caller's transaction: a view that cannot be recorded is
 *  not spent. */
export async function recordLinkEvent(
  q: Queryable,
  e: { team: string; link: string; vault: string; item: string; event: LinkEvent; actor: string | null },
): Promise<void> {
  await q.query(
    'INSERT INTO link_events (team_id, link_id, vault_id, event, actor_id) VALUES ($1, $2, $3, $4, $5)',
    [e.team, e.link, e.vault, e.event, e.actor],
  );
  await recordAudit(q, e.team, {
    kind: AUDIT_KIND[e.event],
    actor: e.actor,
    refs: { link: e.link, vault: e.vault, item: e.item },
  });
}

export interface VaultLinkPolicy {
  linksAllowed: boolean;
  maxExpirySeconds: number | null;
}

export async function linkPolicyOf(q: Queryable, vault: string): Promise<VaultLinkPolicy> {
  const r = await q.query<{ links_allowed: boolean; max_expiry_seconds: number | null }>(
    'SELECT links_allowed, max_expiry_seconds FROM vault_link_policy WHERE vault_id = $1',
    [vault],
  );
  const row = r.rows[0];
  return row
    ? {
        linksAllowed: row.links_allowed,
        maxExpirySeconds: row.max_expiry_seconds && Number(row.max_expiry_seconds),
      }
    : { linksAllowed: true, maxExpirySeconds: null };
}

export async function setLinkPolicy(q: Queryable, vault: string, p: VaultLinkPolicy, by: string) {
  await q.query(
    `INSERT INTO vault_link_policy (vault_id, links_allowed, max_expiry_seconds, updated_by) VALUES ($1, $2, $3, $4)
     ON CONFLICT (vault_id) DO UPDATE SET links_allowed = EXCLUDED.links_allowed,
       max_expiry_seconds = EXCLUDED.max_expiry_seconds, updated_by = EXCLUDED.updated_by, updated_at = now()`,
    [vault, p.linksAllowed, p.maxExpirySeconds, by],
  );
}
