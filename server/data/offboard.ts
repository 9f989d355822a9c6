// Process: server (team server; plain Node).
// The server's half of an offboarding (docs/design.md "Offboarding"), run as the effect of a
// `member.remove` link with reason `offboarded`, inside the transaction that appends it: every
// session of the leaver ends (their next request and their event stream are refused), their
// active one-time links in the team are revoked, and the account is suspended when no other
// team on this server still has them. A client cannot ask for any of this without the signed
// link, and the link cannot land without it.
import type { Queryable } from '../db.ts';
import { recordLinkEvent } from './links.ts';

export interface OffboardRecord {
  sessionsRevoked: number;
  linksRevoked: number;
  accountSuspended: boolean;
}

export async function offboardEffects(
  tx: Queryable,
  o: { team: string; user: string; by: string; seq: number },
): Promise<void> {
  const sessions = await tx.query(
    'UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL RETURNING user_id',
    [o.user],
  );
  const links = await tx.query<{ id: string; vault_id: string; item_id: string }>(
    `UPDATE links SET revoked_at = now(), envelope = NULL, kdf = NULL
      WHERE team_id = $1 AND created_by = $2 AND revoked_at IS NULL AND envelope IS NOT NULL
        AND views_left > 0 AND expires_at > now()
      RETURNING id, vault_id, item_id`,
    [o.team, o.user],
  );
  for (const l of links.rows)
    await recordLinkEvent(tx, {
      team: o.team,
      link: l.id,
      vault: l.vault_id,
      item: l.item_id,
      event: 'revoked',
      actor: o.by,
    });
  // A user may be in several teams: one team's admin ends the account only when it is the
  // leaver's last; otherwise the other teams keep a member who can log in again.
  const others = await tx.query(
    `SELECT 1 FROM memberships WHERE user_id = $1 AND team_id <> $2
        AND status IN ('invited', 'accepted', 'confirmed') LIMIT 1`,
    [o.user, o.team],
  );
  const suspend = others.rows.length === 0;
  if (suspend)
    await tx.query('UPDATE users SET suspended_at = coalesce(suspended_at, now()) WHERE id = $1', [o.user]);
  await tx.query(
    `INSERT INTO offboardings (team_id, link_seq, user_id, offboarded_by, sessions_revoked, links_revoked, account_suspended)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [o.team, o.seq, o.user, o.by, sessions.rows.length, links.rows.length, suspend],
  );
}

export async function offboardRecord(
  q: Queryable,
  team: string,
  seq: number,
): Promise<OffboardRecord | null> {
  const r = await q.query<{ sessions_revoked: number; links_revoked: number; account_suspended: boolean }>(
    'SELECT sessions_revoked, links_revoked, account_suspended FROM offboardings WHERE team_id = $1 AND link_seq = $2',
    [team, seq],
  );
  const row = r.rows[0];
  return row
    ? {
        sessionsRevoked: Number(row.sessions_revoked),
        linksRevoked: Number(row.links_revoked),
        accountSuspended: row.account_suspended,
      }
    : null;
}
