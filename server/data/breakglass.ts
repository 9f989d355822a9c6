// Process: server (team server; plain Node).
// Break-glass on the server (docs/design.md "Break-glass"). The chain rules (shared) already
// decided who may request, approve, deny, seal and close; here is what only the server does:
// refuse a signed time far from its own clock, keep the session key sealed to the requester
// and release it only inside the window, stop releasing it at a close, and alert approvers
// (an optional webhook, server/data/breakglass-webhook.ts). The links' events are recorded
// with the links (server/data/audit.ts); a grant and a window's end, which may happen with no
// link at all, are recorded by server/data/breakglass-sweep.ts.
import { randomUUID } from 'node:crypto';
import type { ItemRecord } from '../../shared/api.ts';
import { findSession } from '../../shared/chain/breakglass.ts';
import type { ChainLink, LinkBody } from '../../shared/chain/links.ts';
import { TesseraError } from '../../shared/errors.ts';
import { sealedKeyHash } from '../chain-crypto.ts';
import type { Queryable } from '../db.ts';
import type { Payloads } from './chain-effects.ts';
import type { Webhook } from './breakglass-webhook.ts';
import { ITEM_COLUMNS, type ItemRow, toItemRecord } from './items.ts';

/** How far a signed break-glass time may be from the server's clock when the link arrives. */
export const CLOCK_SKEW_MS = 5 * 60_000;

export interface BreakGlassOptions {
  /** The server's clock (tests inject their own). */
  now?: () => Date;
  /** POSTed a JSON alert for every request, grant and window's end, signed with HMAC-SHA256
   *  of the body, retried on failure. */
  webhook?: Webhook;
  /** How often the sweep records grants and window ends that no link marks; default 30 s. */
  sweepMs?: number;
}

function checkTime(p: Payloads, link: ChainLink, at: number): void {
  const now = (p.now ?? (() => new Date()))().getTime();
  if (Math.abs(at - now) > CLOCK_SKEW_MS)
    throw new TesseraError(
      'bad_request',
      `link ${link.seq}: its signed time is more than 5 minutes from the server's clock; check this computer's clock`,
    );
}

type Body = { vault: string; request: string; at: number };
type BgType =
  | 'vault.breakglass'
  | 'breakglass.request'
  | 'breakglass.approve'
  | 'breakglass.deny'
  | 'breakglass.key'
  | 'breakglass.close';
type BgEffect<T extends BgType> = (
  tx: Queryable,
  p: Payloads,
  link: ChainLink,
  b: LinkBody<T>,
) => Promise<void>;

const timed = (_tx: Queryable, p: Payloads, link: ChainLink, b: Body) => {
  checkTime(p, link, b.at);
  return Promise.resolve();
};

/** Projections of the break-glass links, merged into server/data/chain-effects.ts. */
export const breakGlassEffects: { [T in BgType]: BgEffect<T> } = {
  'vault.breakglass': async (tx, p, _link, b) => {
    await tx.query('UPDATE vaults SET break_glass = true, revision = $2 WHERE id = $1', [
      b.vault,
      p.revision,
    ]);
  },
  'breakglass.request': async (tx, p, link, b) => {
    await timed(tx, p, link, b);
    p.alerts?.push({
      id: randomUUID(),
      type: 'breakglass.request',
      vault: b.vault,
      request: b.request,
      minutes: b.minutes,
      at: b.at,
    });
  },
  'breakglass.approve': timed,
  'breakglass.deny': timed,
  'breakglass.key': async (tx, p, link, b) => {
    checkTime(p, link, b.at);
    // The rules accepted the link against the state it extends, so the request is there.
    const f = findSession(p.state!.vaults.values(), b.request)!;
    const id = `${b.vault}|${b.generation}|${f.session.requester}`;
    const k = p.keys.get(id);
    if (!k)
      throw new TesseraError(
        'bad_request',
        `keys: link ${link.seq} names a key for the requester that was not sent`,
      );
    if (sealedKeyHash(k.sealedKey) !== b.keyHash)
      throw new TesseraError('bad_request', `keys: the key does not match the hash in link ${link.seq}`);
    p.keys.delete(id);
    await tx.query(
      `INSERT INTO breakglass_keys (request_id, team_id, vault_id, recipient, generation, sealed_key, opens_at, closes_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        b.request,
        p.team,
        b.vault,
        f.session.requester,
        b.generation,
        k.sealedKey,
        new Date(b.at).toISOString(),
        new Date(b.at + f.session.minutes * 60_000).toISOString(),
      ],
    );
  },
  'breakglass.close': async (tx, p, link, b) => {
    checkTime(p, link, b.at);
    await tx.query('UPDATE breakglass_keys SET closed_at = now() WHERE request_id = $1', [b.request]);
  },
};

export interface SessionReply {
  vault: string;
  generation: number;
  sealedKey: string;
  name: unknown;
  items: ItemRecord[];
}

/** The session key and the vault's items, to the requester only, only inside the window. */
export async function releaseSession(
  q: Queryable,
  team: string,
  request: string,
  user: string,
  now: Date,
): Promise<SessionReply> {
  const r = await q.query<{
    vault_id: string;
    generation: number;
    sealed_key: string;
    opens_at: Date;
    closes_at: Date;
    closed_at: Date | null;
    vault_generation: number;
    name: unknown;
    deleted: boolean;
  }>(
    `SELECT k.vault_id, k.generation, k.sealed_key, k.opens_at, k.closes_at, k.closed_at,
            v.generation AS vault_generation, v.name, v.deleted_at IS NOT NULL AS deleted
       FROM breakglass_keys k JOIN vaults v ON v.id = k.vault_id
      WHERE k.request_id = $1 AND k.team_id = $2 AND k.recipient = $3`,
    [request, team, user],
  );
  const row = r.rows[0];
  if (!row)
    throw new TesseraError('forbidden', 'no break-glass access has been granted to you for this request');
  const t = now.getTime();
  if (row.closed_at || row.deleted || Number(row.generation) !== Number(row.vault_generation))
    throw new TesseraError('forbidden', 'this break-glass session is closed');
  if (t < new Date(row.opens_at).getTime() || t >= new Date(row.closes_at).getTime())
    throw new TesseraError('forbidden', 'this break-glass session is outside its window');
  // Tombstones too: the responder checks the release against the sealing owner's signed
  // manifest, which lists deleted items, so a deletion is proven and not just claimed.
  const items = await q.query<ItemRow>(`SELECT ${ITEM_COLUMNS} FROM items WHERE vault_id = $1 ORDER BY id`, [
    row.vault_id,
  ]);
  return {
    vault: row.vault_id,
    generation: Number(row.generation),
    sealedKey: row.sealed_key,
    name: row.name,
    items: items.rows.map(toItemRecord),
  };
}

/** Whether a key holder sealed this vault's key to `user` for a break-glass session: they
 *  may then flag its secrets for rotation (docs/design.md "Break-glass"). */
export async function heldSessionKey(q: Queryable, vault: string, user: string): Promise<boolean> {
  const r = await q.query('SELECT 1 FROM breakglass_keys WHERE vault_id = $1 AND recipient = $2 LIMIT 1', [
    vault,
    user,
  ]);
  return r.rows.length > 0;
}
