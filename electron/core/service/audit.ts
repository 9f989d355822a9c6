// Process: core (trusted Node side; never imports electron).
// The team's audit log on this client (docs/design.md "Audit"). Reading pages through the
// server's entries and verifies each with the shared verifier (hash links, and the author's
// signature on client events against the verified team chain); the whole log must pass
// through the head this client verified before, kept in the encrypted profile, or it is
// `tampered`. Reporting signs a reveal or copy with the member's signing key, queues it in the
// profile and sends it without making the user wait: offline, it goes with a later sync.
import type { AuditEntry, AuditKind, AuditRefs, ClientAuditKind } from '../../../shared/audit/entry.ts';
import { AUDIT_REPORT_MAX, auditPaths, auditReply, auditReportReply } from '../../../shared/audit/api.ts';
import {
  AuditError,
  type AuditHead,
  checkAuditExtends,
  EMPTY_AUDIT,
  extendAudit,
} from '../../../shared/audit/verify.ts';
import { TesseraError } from '../../../shared/errors.ts';
import { chainCrypto, signAuditEvent } from '../crypto/chain.ts';
import type { Unlocked } from '../profile/unlocked.ts';

const PAGE = 1000;

interface Verified {
  head: AuditHead;
  entries: AuditEntry[];
  seen: Set<string>;
}

/** What this process verified, per unlocked profile and team, so a second read asks only for
 *  what came after. Gone with the Unlocked (lock, logout). */
const verifiedBy = new WeakMap<Unlocked, Map<string, Verified>>();

function kept(u: Unlocked, teamId: string) {
  const st = u.team(teamId);
  st.audit ??= { head: { ...EMPTY_AUDIT }, queue: [] };
  return st.audit;
}

/** Signs and queues one event, then tries to send it; never throws at the caller, who is
 *  showing or copying a value and must not be stopped by the audit. */
export function reportAudit(
  u: Unlocked,
  teamId: string,
  kind: ClientAuditKind,
  refs: AuditRefs,
  now: Date,
): void {
  try {
    const event = signAuditEvent(
      teamId,
      u.userId,
      { id: crypto.randomUUID(), kind, at: now.toISOString(), refs },
      u.keyring.account.signSecretKey,
    );
    kept(u, teamId).queue.push(event);
    u.save();
  } catch {
    return;
  }
  void flushAudit(u, teamId).catch(() => 0);
}

/** A concealed value read (`reveal`) or copied, with the vault and item ids it came from. */
export function reportUse(
  u: Unlocked,
  teamId: string,
  use: 'reveal' | 'copy',
  from: { vault: { id: string }; item: { id: string } },
  now: Date,
  version?: number,
): void {
  const refs: AuditRefs = { vault: from.vault.id, item: from.item.id, ...(version ? { version } : {}) };
  reportAudit(u, teamId, `secret.${use}`, refs, now);
}

/** Sends the queued events; returns how many the server took. Offline they stay queued; an
 *  event the server refuses as malformed or no longer this member's to send is dropped, as
 *  sending it again would be refused again. */
export async function flushAudit(u: Unlocked, teamId: string): Promise<number> {
  const a = kept(u, teamId);
  let sent = 0;
  while (a.queue.length > 0) {
    const batch = a.queue.slice(0, AUDIT_REPORT_MAX);
    try {
      await u.http.request('POST', auditPaths.log(teamId), { events: batch }, auditReportReply);
    } catch (e) {
      if (u.keyring.wiped) return sent;
      if (e instanceof TesseraError && (e.code === 'bad_request' || e.code === 'forbidden')) {
        drop(a, batch);
        u.save();
        continue;
      }
      throw e;
    }
    // Locked while the request was out: the next unlock sends the events again (the server
    // takes each id once).
    if (u.keyring.wiped) return sent;
    drop(a, batch);
    sent += batch.length;
    u.save();
  }
  return sent;
}

function drop(a: { queue: { id: string }[] }, batch: { id: string }[]): void {
  const gone = new Set(batch.map((e) => e.id));
  a.queue = a.queue.filter((e) => !gone.has(e.id));
}

function tampered(u: Unlocked, teamId: string, e: AuditError): TesseraError {
  const name = u.team(teamId).chain.name;
  return new TesseraError(
    'tampered',
    `the audit log of team ${JSON.stringify(name)} does not verify (${e.message}): the server's copy was changed; this client kept entry ${kept(u, teamId).head.seq} as its verified head`,
    { team: teamId, seq: e.seq },
  );
}

export interface AuditRead {
  entries: AuditEntry[];
  head: AuditHead;
}

/**
 * The team's verified log. `full` re-reads it from entry 1 (what `--verify` and the window's
 * "Verify again" do), so a rewrite of entries this process already read is found; otherwise
 * only what came after the newest entry verified in this process is fetched.
 */
export async function readAudit(u: Unlocked, teamId: string, full = false): Promise<AuditRead> {
  const a = kept(u, teamId);
  const known = a.head;
  const chain = u.team(teamId).chain;
  const keyOf = (id: string) => chain.members.get(id)?.keys.signPublicKey;
  const byTeam = verifiedBy.get(u) ?? new Map<string, Verified>();
  verifiedBy.set(u, byTeam);
  const had = full ? undefined : byTeam.get(teamId);
  const v: Verified = had
    ? { head: had.head, entries: [...had.entries], seen: new Set(had.seen) }
    : { head: { ...EMPTY_AUDIT }, entries: [], seen: new Set() };
  // Set when the entries read reach the kept head; an incremental read already passed it.
  let atKnown: string | null | undefined = had && had.head.seq >= known.seq ? known.hash : undefined;
  if (known.seq === 0) atKnown = null;
  try {
    for (;;) {
      // A page ends exactly at the kept head, so the hash there is seen without a second pass.
      const limit = v.head.seq < known.seq ? Math.min(PAGE, known.seq - v.head.seq) : PAGE;
      const page = await u.http.request(
        'GET',
        `${auditPaths.log(teamId)}?after=${v.head.seq}&limit=${limit}`,
        undefined,
        auditReply,
      );
      if (page.entries.length === 0) break;
      const r = extendAudit(chainCrypto, teamId, keyOf, v.head, page.entries, v.seen);
      v.head = r.head;
      for (const e of r.entries) v.entries.push(e);
      if (v.head.seq === known.seq) atKnown = v.head.hash;
      if (v.head.seq >= page.head) break;
    }
    checkAuditExtends(chain.name, known, { seq: v.head.seq, hashAtKnownSeq: atKnown ?? null });
  } catch (e) {
    if (e instanceof AuditError) throw tampered(u, teamId, e);
    throw e;
  }
  byTeam.set(teamId, v);
  if (v.head.seq > known.seq) {
    a.head = v.head;
    u.save();
  }
  return { entries: v.entries, head: v.head };
}

export interface AuditFilter {
  /** Entries this user did. */
  actor?: string;
  /** Entries this user did or that are about them (a role change, a grant). */
  person?: string;
  kinds?: readonly AuditKind[];
  vault?: string;
  item?: string;
  /** ISO times, inclusive. */
  since?: string;
  until?: string;
}

/** The entries matching every filter given, oldest first. Other features (offboarding's "which
 *  secrets the leaver revealed or copied") read the log through this. */
export function queryAudit(entries: readonly AuditEntry[], f: AuditFilter): AuditEntry[] {
  const since = f.since ? Date.parse(f.since) : -Infinity;
  const until = f.until ? Date.parse(f.until) : Infinity;
  return entries.filter((e) => {
    if (f.actor && e.actor !== f.actor) return false;
    if (f.person && e.actor !== f.person && e.refs.user !== f.person) return false;
    if (f.kinds && !f.kinds.includes(e.kind)) return false;
    if (f.vault && e.refs.vault !== f.vault) return false;
    if (f.item && e.refs.item !== f.item) return false;
    const t = Date.parse(e.at);
    return t >= since && t <= until;
  });
}
