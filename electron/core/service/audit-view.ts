// Process: core (trusted Node side; never imports electron).
// The audit log as people read it (docs/design.md "Audit"): filters given by email, vault
// name, VAULT/NAME and time are turned into ids here, and the ids of each entry back into
// names, all from this client's verified chain and its own decrypted vaults; the server never
// sees a name and is asked for none.
import { AUDIT_KINDS, type AuditEntry, type AuditKind } from '../../../shared/audit/entry.ts';
import { TesseraError } from '../../../shared/errors.ts';
import type { AuditRowView, AuditView } from '../../../shared/ipc-results.ts';
import type { Unlocked } from '../profile/unlocked.ts';
import type { IndexedItem } from '../vault/index.ts';
import { type AuditFilter, type AuditRead, flushAudit, queryAudit, readAudit } from './audit.ts';
import { findItem } from './secrets.ts';
import { listVaults, resolveVault } from './vaults.ts';

/** The filters as a person gives them (CLI options, the window's fields). */
export interface AuditAsk {
  person?: string;
  vault?: string;
  /** VAULT/NAME */
  secret?: string;
  action?: string;
  since?: string;
  until?: string;
}

function time(what: string, s: string | undefined, endOfDay: boolean): string | undefined {
  if (!s) return undefined;
  const day = /^\d{4}-\d\d-\d\d$/.test(s);
  const t = Date.parse(day ? `${s}T${endOfDay ? '23:59:59.999' : '00:00:00'}Z` : s);
  if (Number.isNaN(t))
    throw new TesseraError('usage', `${what}: expected a date (2026-12-01) or a time (2026-12-01T09:30:00Z)`);
  return new Date(t).toISOString();
}

export function auditFilter(
  u: Unlocked,
  teamId: string,
  index: Map<string, IndexedItem>,
  a: AuditAsk,
): AuditFilter {
  const chain = u.team(teamId).chain;
  const f: AuditFilter = {};
  if (a.person) {
    const email = a.person.trim().toLowerCase();
    const m = [...chain.members.values()].find((x) => x.email === email);
    if (!m) throw new TesseraError('not_found', `no member ${email} in this team's chain`);
    f.person = m.user;
  }
  if (a.action) {
    if (!(AUDIT_KINDS as readonly string[]).includes(a.action))
      throw new TesseraError(
        'usage',
        `no audit action ${JSON.stringify(a.action)}; one of: ${AUDIT_KINDS.join(', ')}`,
      );
    f.kinds = [a.action as AuditKind];
  }
  if (a.secret) {
    const slash = a.secret.indexOf('/');
    if (slash <= 0 || slash === a.secret.length - 1)
      throw new TesseraError('usage', `--secret: expected VAULT/NAME, got ${JSON.stringify(a.secret)}`);
    const v = resolveVault(u, teamId, a.secret.slice(0, slash));
    const name = a.secret.slice(slash + 1);
    const it = findItem(index, v.id, name);
    if (!it) throw new TesseraError('not_found', `no secret ${name} in ${v.name}`);
    f.vault = v.id;
    f.item = it.id;
  } else if (a.vault) f.vault = resolveVault(u, teamId, a.vault).id;
  f.since = time('--since', a.since, false);
  f.until = time('--until', a.until, true);
  return f;
}

export function auditView(
  u: Unlocked,
  teamId: string,
  index: Map<string, IndexedItem>,
  read: AuditRead,
  f: AuditFilter,
): AuditView {
  const chain = u.team(teamId).chain;
  const vaults = new Map(
    listVaults(u, teamId)
      .filter((v) => v.readable)
      .map((v) => [v.id, v.name]),
  );
  const email = (id: string | undefined | null) => (id ? (chain.members.get(id)?.email ?? id) : null);
  const row = (e: AuditEntry): AuditRowView => ({
    seq: e.seq,
    at: e.at,
    kind: e.kind,
    signed: e.client !== undefined,
    actor: email(e.actor),
    actorId: e.actor,
    vault: e.refs.vault ? (vaults.get(e.refs.vault) ?? e.refs.vault) : null,
    vaultId: e.refs.vault ?? null,
    secret: e.refs.item ? (index.get(e.refs.item)?.header.name ?? e.refs.item) : null,
    itemId: e.refs.item ?? null,
    target: email(e.refs.user),
    link: e.refs.link ?? null,
    role: e.refs.role ?? null,
    reason: e.refs.reason ?? null,
  });
  const rows = queryAudit(read.entries, f).map(row);
  return {
    team: chain.name,
    verifiedUpTo: read.head.seq,
    filteredOut: read.entries.length - rows.length,
    rows,
    queued: u.team(teamId).audit?.queue.length ?? 0,
  };
}

/** One line of plain output: time, who, what, on what. */
export function auditLine(r: AuditRowView): string {
  const on = [
    r.secret && r.vault ? `${r.vault}/${r.secret}` : r.vault,
    r.target,
    r.link && `link ${r.link}`,
    r.role && `as ${r.role}`,
    r.reason,
  ].filter(Boolean);
  return `${String(r.seq).padStart(5)}  ${r.at}  ${r.actor ?? (r.kind.startsWith('breakglass.') ? '(the policy, by the clock)' : '(anyone with the link)')}  ${r.kind}${on.length ? `  ${on.join('  ')}` : ''}${r.signed ? '  [signed]' : ''}`;
}

/** Sends this member's queued events, then reads, verifies and shows the log. */
export async function readAuditView(
  u: Unlocked,
  teamId: string,
  indexOf: (teamId: string) => Map<string, IndexedItem>,
  ask: AuditAsk,
  full: boolean,
): Promise<AuditView> {
  const index = indexOf(teamId);
  const f = auditFilter(u, teamId, index, ask);
  await flushAudit(u, teamId).catch(() => 0);
  return auditView(u, teamId, index, await readAudit(u, teamId, full), f);
}

/** Verified entries matching `f` (ids, not names): what other features read the log with. */
export async function auditEntries(u: Unlocked, teamId: string, f: AuditFilter): Promise<AuditEntry[]> {
  return queryAudit((await readAudit(u, teamId)).entries, f);
}
