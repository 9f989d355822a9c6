// Process: shared. The team's audit log entries (docs/design.md "Audit"). One closed list of
// what may be recorded and one strict schema of what an entry may name: ids, roles and short
// enums only, never a secret, a vault or secret name, or an email, so neither the server's
// table nor an export ever holds one. Entries are hashed and signed in the team chain's own
// canonical encoding (shared/chain/canonical.ts) behind their own labels, so an audit hash or
// signature can never stand in for a chain link's.
import { z } from 'zod';
import { TEAM_ROLES, VAULT_ROLES } from '../roles.ts';
import { canonicalJson } from '../chain/canonical.ts';
import { b64 } from '../formats.ts';

/** Events the server records itself, inside the transaction of the action they describe.
 *  Other features add their kinds here (e.g. break-glass); a kind is never renamed. */
export const SERVER_AUDIT_KINDS = [
  'auth.login',
  'auth.login_failed',
  'team.create',
  'member.invite',
  'member.confirm',
  'member.role',
  'member.remove',
  'member.uninvite',
  'group.create',
  'group.add',
  'group.remove',
  'vault.create',
  'vault.grant',
  'vault.revoke',
  'vault.rekey',
  'vault.delete',
  'link.create',
  'link.view',
  'link.revoke',
  // Break-glass (docs/design.md "Break-glass"): its chain links as they are appended (policy,
  // request, approval, denial, the key sealed to the responder, close) and each time the server
  // hands that key over inside the window; a session's grant and its window's end without a
  // close, which the server records once each (server/data/breakglass-sweep.ts), actor null.
  'vault.breakglass',
  'breakglass.request',
  'breakglass.approve',
  'breakglass.deny',
  'breakglass.key',
  'breakglass.close',
  'breakglass.release',
  'breakglass.grant',
  'breakglass.expire',
] as const;

/** Events a member's client reports, signed with the member's signing key: the server can
 *  relay or withhold them but never make one up. `breakglass.reveal` is a value read through
 *  a break-glass session (its refs name the request). */
export const CLIENT_AUDIT_KINDS = ['secret.reveal', 'secret.copy', 'breakglass.reveal'] as const;

export const AUDIT_KINDS = [...SERVER_AUDIT_KINDS, ...CLIENT_AUDIT_KINDS] as const;
export type ServerAuditKind = (typeof SERVER_AUDIT_KINDS)[number];
export type ClientAuditKind = (typeof CLIENT_AUDIT_KINDS)[number];
export type AuditKind = (typeof AUDIT_KINDS)[number];

export const isClientAuditKind = (k: string): k is ClientAuditKind =>
  (CLIENT_AUDIT_KINDS as readonly string[]).includes(k);
export const isAuditKind = (k: string): k is AuditKind => (AUDIT_KINDS as readonly string[]).includes(k);

const id = z.uuid();
/** An ISO 8601 UTC instant as toISOString writes it. */
export const auditTime = z
  .string()
  .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$/, 'must be an ISO UTC time');

/** What an entry is about. Ids only; `chainSeq` points at the team chain link the event is,
 *  where the client finds an invited email or a group name it already verified. */
export const auditRefs = z
  .object({
    vault: id.optional(),
    item: id.optional(),
    user: id.optional(),
    group: id.optional(),
    link: id.optional(),
    /** A break-glass request, for the events that feature records. */
    request: id.optional(),
    chainSeq: z.number().int().positive().optional(),
    version: z.number().int().positive().optional(),
    role: z.enum([...TEAM_ROLES, ...VAULT_ROLES]).optional(),
    reason: z.enum(['removed', 'offboarded']).optional(),
  })
  .strict();
export type AuditRefs = z.infer<typeof auditRefs>;

/** A client-reported event as its author signs it (the server adds seq, prev and its time). */
export const clientAuditEvent = z
  .object({
    id,
    kind: z.enum(CLIENT_AUDIT_KINDS),
    at: auditTime,
    refs: auditRefs,
    sig: b64(128),
  })
  .strict();
export type ClientAuditEvent = z.infer<typeof clientAuditEvent>;

export const auditEntrySchema = z
  .object({
    seq: z.number().int().positive(),
    prev: b64(64).nullable(),
    /** The server's clock when it chained the entry. */
    at: auditTime,
    kind: z.enum(AUDIT_KINDS),
    /** Who did it; null for what nobody with an account did (a one-time link opened). */
    actor: id.nullable(),
    refs: auditRefs,
    /** Present exactly on client kinds: the author's event id, clock and signature. */
    client: z
      .object({ id, at: auditTime, sig: b64(128) })
      .strict()
      .optional(),
  })
  .strict();
export type AuditEntry = z.infer<typeof auditEntrySchema>;

const SIGN_LABEL = 'tessera/v1/audit-event\n';
const HASH_LABEL = 'tessera/v1/audit-hash\n';

/** What a member's device signs for a client event: bound to the team and the author. */
export function auditSignedMessage(
  team: string,
  e: { id: string; kind: ClientAuditKind; at: string; refs: AuditRefs },
  actor: string,
): string {
  return SIGN_LABEL + canonicalJson({ team, id: e.id, kind: e.kind, at: e.at, actor, refs: e.refs });
}

/** What an entry's hash covers: all of it (prev included, so each hash pins the whole past). */
export function auditHashedMessage(team: string, e: AuditEntry): string {
  const { client, ...rest } = e;
  return HASH_LABEL + canonicalJson(client ? { team, ...rest, client } : { team, ...rest });
}
