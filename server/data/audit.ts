// Process: server (team server; plain Node).
// Recording into the team's audit log (docs/design.md "Audit"). recordAudit runs inside the
// caller's transaction, so the action and its entry commit together or not at all: an event
// that cannot be recorded does not happen. The head row is locked first, so entries of one
// team are chained one after another whatever transaction records them.
import {
  type AuditEntry,
  type AuditRefs,
  auditHashedMessage,
  type ServerAuditKind,
} from '../../shared/audit/entry.ts';
import type { ClientAuditEvent } from '../../shared/audit/entry.ts';
import type { ChainLink, LinkType } from '../../shared/chain/links.ts';
import { toB64, utf8 } from '../../shared/encoding.ts';
import { serverChainCrypto } from '../chain-crypto.ts';
import type { Queryable } from '../db.ts';

export interface ServerAuditEvent {
  kind: ServerAuditKind;
  /** The user who did it; null when nobody with an account did (a one-time link opened). */
  actor: string | null;
  refs?: AuditRefs;
}

/** Only the refs that are set: canonical encoding refuses an undefined. */
function cleanRefs(refs: AuditRefs | undefined): AuditRefs {
  return Object.fromEntries(Object.entries(refs ?? {}).filter(([, v]) => v !== undefined)) as AuditRefs;
}

type EntryBody = Omit<AuditEntry, 'seq' | 'prev' | 'at'>;

/** Locks the team's head row until the transaction ends. A transaction that takes other locks
 *  before it records (the break-glass sweep's once-only marker) takes this one first, as every
 *  chain append does, so the two never wait on each other crosswise. */
export async function lockAuditHead(
  tx: Queryable,
  team: string,
): Promise<{ seq: number; hash: string | null }> {
  await tx.query('INSERT INTO audit_heads (team_id) VALUES ($1) ON CONFLICT (team_id) DO NOTHING', [team]);
  const h = await tx.query<{ seq: number; hash: string | null }>(
    'SELECT seq, hash FROM audit_heads WHERE team_id = $1 FOR UPDATE',
    [team],
  );
  return h.rows[0]!;
}

async function append(
  tx: Queryable,
  team: string,
  body: EntryBody,
  clientId: string | null,
): Promise<number> {
  const head = await lockAuditHead(tx, team);
  const seq = Number(head.seq) + 1;
  const entry: AuditEntry = { seq, prev: head.hash, at: new Date().toISOString(), ...body };
  const hash = toB64(serverChainCrypto.hash(utf8(auditHashedMessage(team, entry))));
  await tx.query(
    'INSERT INTO audit_entries (team_id, seq, entry, client_id) VALUES ($1, $2, $3::jsonb, $4)',
    [team, seq, JSON.stringify(entry), clientId],
  );
  await tx.query('UPDATE audit_heads SET seq = $2, hash = $3 WHERE team_id = $1', [team, seq, hash]);
  return seq;
}

/** Records a server event in `team`'s log inside `tx`; returns its seq. A failure throws, and
 *  the caller's transaction, action included, rolls back. */
export function recordAudit(tx: Queryable, team: string, event: ServerAuditEvent): Promise<number> {
  return append(tx, team, { kind: event.kind, actor: event.actor, refs: cleanRefs(event.refs) }, null);
}

/** Chains a client event whose signature the caller checked. A resend of one already chained
 *  returns its seq and adds nothing. */
export async function recordClientAudit(
  tx: Queryable,
  team: string,
  actor: string,
  e: ClientAuditEvent,
): Promise<number> {
  const had = await tx.query<{ seq: number }>(
    'SELECT seq FROM audit_entries WHERE team_id = $1 AND client_id = $2',
    [team, e.id],
  );
  if (had.rows[0]) return Number(had.rows[0].seq);
  const client = { id: e.id, at: e.at, sig: e.sig };
  return append(tx, team, { kind: e.kind, actor, refs: cleanRefs(e.refs), client }, e.id);
}

/** Records in every team where `user` is a confirmed member (a login is the user's, not a
 *  team's), in team id order so two logins never wait on each other's head locks crosswise. */
export async function recordForUser(
  tx: Queryable,
  user: string,
  kind: 'auth.login' | 'auth.login_failed',
): Promise<void> {
  const r = await tx.query<{ team_id: string }>(
    `SELECT team_id FROM memberships WHERE user_id = $1 AND status = 'confirmed' ORDER BY team_id`,
    [user],
  );
  for (const { team_id } of r.rows) await recordAudit(tx, team_id, { kind, actor: user });
}

/** The audit kind of each chain link type, or null for links that record no event of their
 *  own (a key delivery is the bookkeeping of a grant or a re-key already recorded). A Record,
 *  so a new link type does not compile until someone decides what it records: an entry of a
 *  kind the clients do not know would make every client call the log tampered. */
const LINK_AUDIT_KIND: Record<LinkType, ServerAuditKind | null> = {
  'team.create': 'team.create',
  'member.invite': 'member.invite',
  'member.confirm': 'member.confirm',
  'member.role': 'member.role',
  'member.remove': 'member.remove',
  'member.uninvite': 'member.uninvite',
  'group.create': 'group.create',
  'group.add': 'group.add',
  'group.remove': 'group.remove',
  'vault.create': 'vault.create',
  'vault.grant': 'vault.grant',
  'vault.revoke': 'vault.revoke',
  'vault.rekey': 'vault.rekey',
  'key.deliver': null,
  'vault.delete': 'vault.delete',
  'vault.breakglass': 'vault.breakglass',
  'breakglass.request': 'breakglass.request',
  'breakglass.approve': 'breakglass.approve',
  'breakglass.deny': 'breakglass.deny',
  'breakglass.key': 'breakglass.key',
  'breakglass.close': 'breakglass.close',
};

/** The audit event a chain link is, or null (LINK_AUDIT_KIND). */
export function chainLinkEvent(link: ChainLink): ServerAuditEvent | null {
  const kind = LINK_AUDIT_KIND[link.type];
  if (kind === null) return null;
  const b = link.body as Record<string, unknown>;
  const str = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : undefined);
  const principal = b.principal as { kind: 'user' | 'group'; id: string } | undefined;
  const refs: AuditRefs = {
    chainSeq: link.seq,
    user: str('user') ?? (principal?.kind === 'user' ? principal.id : undefined),
    group: str('group') ?? (principal?.kind === 'group' ? principal.id : undefined),
    vault: str('vault'),
    request: str('request'),
    role: str('role') as AuditRefs['role'],
    // Only a removal's reason, one of two words: a break-glass request's reason is free text
    // and stays in the chain, out of the log.
    reason: link.type === 'member.remove' ? (str('reason') as AuditRefs['reason']) : undefined,
  };
  return { kind, actor: link.author, refs };
}

export interface AuditPage {
  entries: unknown[];
  /** The server's newest seq, so a client knows whether to ask for more. */
  head: number;
}

export async function auditAfter(
  q: Queryable,
  team: string,
  after: number,
  limit: number,
): Promise<AuditPage> {
  const r = await q.query<{ entry: unknown }>(
    'SELECT entry FROM audit_entries WHERE team_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
    [team, after, limit],
  );
  const h = await q.query<{ seq: number }>('SELECT seq FROM audit_heads WHERE team_id = $1', [team]);
  return { entries: r.rows.map((x) => x.entry), head: Number(h.rows[0]?.seq ?? 0) };
}
