// Process: shared. Verifies a team's audit log (docs/design.md "Audit") with the team chain's
// injected primitives (shared/chain/verify.ts ChainCrypto), so the client, the server and the
// benchmark run the same code. Each entry must carry the next seq and the hash of the entry
// before; client kinds must verify under their author's signing key as the verified team chain
// records it. Server kinds are only hashed: that stops a server from rewriting what a client
// already verified, not from lying about server events it never showed anyone.
import { toB64, utf8 } from '../encoding.ts';
import type { ChainCrypto } from '../chain/verify.ts';
import { fromB64 } from '../encoding.ts';
import {
  type AuditEntry,
  auditEntrySchema,
  auditHashedMessage,
  auditSignedMessage,
  isClientAuditKind,
} from './entry.ts';

export interface AuditHead {
  seq: number;
  /** base64url BLAKE2b-256 of entry `seq`; null before the first entry. */
  hash: string | null;
}

export const EMPTY_AUDIT: AuditHead = { seq: 0, hash: null };

export class AuditError extends Error {
  constructor(
    readonly seq: number,
    message: string,
  ) {
    super(`audit entry ${seq}: ${message}`);
    this.name = 'AuditError';
  }
}

/** The signing key of a team member as the verified chain has it (removed members included:
 *  what they did while members stays checkable). */
export type SignKeyOf = (user: string) => string | undefined;

function checkClient(c: ChainCrypto, team: string, e: AuditEntry, keyOf: SignKeyOf): void {
  const client = e.client;
  if (!client || !e.actor) throw new AuditError(e.seq, `a ${e.kind} entry must be signed by its author`);
  const pk = keyOf(e.actor);
  if (!pk) throw new AuditError(e.seq, `author ${e.actor} is not in the team chain`);
  let ok = false;
  try {
    const sig = fromB64(client.sig);
    const key = fromB64(pk);
    const msg = auditSignedMessage(
      team,
      { id: client.id, kind: e.kind as never, at: client.at, refs: e.refs },
      e.actor,
    );
    ok = sig.length === 64 && key.length === 32 && c.verify(sig, utf8(msg), key);
  } catch {
    ok = false;
  }
  if (!ok) throw new AuditError(e.seq, `bad signature by ${e.actor}`);
}

export interface AuditVerified {
  head: AuditHead;
  entries: AuditEntry[];
}

/**
 * Extends `from` by `raw`, which must start at from.seq + 1. Throws AuditError at the first
 * entry that does not follow; nothing is returned for a batch with a bad entry in it.
 * `seen` holds the client event ids already verified, so a replayed signed event is refused.
 */
export function extendAudit(
  c: ChainCrypto,
  team: string,
  keyOf: SignKeyOf,
  from: AuditHead,
  raw: readonly unknown[],
  seen: Set<string> = new Set(),
): AuditVerified {
  let head = from;
  const entries: AuditEntry[] = [];
  for (const r of raw) {
    const expected = head.seq + 1;
    const p = auditEntrySchema.safeParse(r);
    if (!p.success) throw new AuditError(expected, `malformed: ${p.error.issues[0]?.message ?? 'invalid'}`);
    const e = p.data;
    if (e.seq !== expected) throw new AuditError(expected, `expected entry ${expected}, got ${e.seq}`);
    if (e.prev !== head.hash) throw new AuditError(e.seq, 'prev does not match the hash of the entry before');
    if (isClientAuditKind(e.kind)) {
      checkClient(c, team, e, keyOf);
      if (seen.has(e.client!.id)) throw new AuditError(e.seq, 'a client event recorded twice (a replay)');
      seen.add(e.client!.id);
    } else if (e.client)
      throw new AuditError(e.seq, `a ${e.kind} entry is the server's and carries no signature`);
    head = { seq: e.seq, hash: toB64(c.hash(utf8(auditHashedMessage(team, e)))) };
    entries.push(e);
  }
  return { head, entries };
}

/** The rollback check: what the server offers must pass through the head this client kept. */
export function checkAuditExtends(
  team: string,
  known: AuditHead,
  offered: { seq: number; hashAtKnownSeq: string | null },
): void {
  if (offered.seq < known.seq)
    throw new AuditError(
      offered.seq,
      `team ${team}: the server offers ${offered.seq} audit entries; this client already verified ${known.seq}`,
    );
  if (offered.hashAtKnownSeq !== known.hash)
    throw new AuditError(known.seq, `team ${team}: the server offers a different audit history (rewritten)`);
}
