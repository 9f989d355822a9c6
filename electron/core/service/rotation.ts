// Process: core (trusted Node side; never imports electron).
// Rotation reminders: which secrets are overdue, due within a week, expired or expiring, from
// the name index alone (headers are decrypted at unlock and on each pull), so the list costs no
// decryption. "Rotated" means the primary value changed: the header's `rotatedAt`, stamped by
// the writer's client. Items written before that stamp existed count from the server's time of
// their newest version, a reminder's starting point and nothing more. A secret without an
// interval of its own takes its vault's default, kept in the vault's name envelope. A secret a
// member flagged (rotation-flags.ts decides which flags to believe) is "rotation required".
import { isUrgent } from '../../../shared/due-words.ts';
import type { DueView } from '../../../shared/ipc-results.ts';
import { mayInVault } from '../../../shared/roles.ts';
import type { IndexedItem } from '../vault/index.ts';
import { flagsByItem, type VerifiedFlag } from './rotation-flags.ts';
import type { VaultSummary } from './vaults.ts';

export const DUE_SOON_DAYS = 7;
const DAY = 86_400_000;

export type DueReason = DueView['reason'];

/** `dueAt` is when rotation is (or was) due, or the expiry date; `days` counts whole days to
 *  it, negative when it has passed. */
export type DueEntry = DueView;

/** Overdue and expired first, then by date. */
export function dueList(
  index: Map<string, IndexedItem>,
  vaults: VaultSummary[],
  serverTimeOf: (itemId: string) => string | undefined,
  now: Date,
  flags: readonly VerifiedFlag[] = [],
): DueEntry[] {
  const byId = new Map(vaults.map((v) => [v.id, v]));
  const flagged = flagsByItem(flags);
  const t = now.getTime();
  const out: DueEntry[] = [];
  for (const it of index.values()) {
    const h = it.header;
    const vault = byId.get(it.vault);
    if (vault === undefined || h.deleted || h.conflictOf) continue;
    const base = {
      id: it.id,
      vault: vault.name,
      vaultId: it.vault,
      name: h.name,
      canRotate: mayInVault(vault.role, 'item.write'),
    };
    // The secret's own interval wins; the vault's default covers secrets without one.
    const every = h.rotateEveryDays ?? vault.rotateEveryDays;
    if (every) {
      const from = h.rotatedAt ?? serverTimeOf(it.id);
      const start = from ? Date.parse(from) : t;
      const due = start + every * DAY;
      const reason = due <= t ? 'overdue' : due - t <= DUE_SOON_DAYS * DAY ? 'due-soon' : null;
      if (reason)
        out.push({
          ...base,
          reason,
          dueAt: new Date(due).toISOString(),
          days: Math.trunc((due - t) / DAY),
          rotateEveryDays: every,
          ...(h.rotateEveryDays ? {} : { intervalFromVault: true as const }),
          ...(from ? { rotatedAt: from } : {}),
        });
    }
    const asked = flagged.get(it.id);
    if (asked?.length) {
      const first = asked.reduce((a, b) => (a.at <= b.at ? a : b)).at;
      out.push({
        ...base,
        reason: 'rotation-required',
        dueAt: first,
        days: Math.trunc((Date.parse(first) - t) / DAY),
        flags: asked.map(({ reason, by, at }) => ({ reason, by, at })),
        ...(h.rotatedAt ? { rotatedAt: h.rotatedAt } : {}),
      });
    }
    if (h.expires) {
      // An expiry date means the credential stops working at the start of that day (UTC).
      const end = Date.parse(`${h.expires}T00:00:00Z`);
      const reason = end <= t ? 'expired' : end - t <= DUE_SOON_DAYS * DAY ? 'expires-soon' : null;
      if (reason)
        out.push({ ...base, reason, dueAt: new Date(end).toISOString(), days: Math.trunc((end - t) / DAY) });
    }
  }
  const urgent = (e: DueEntry) => (isUrgent(e) ? 0 : 1);
  return out.sort(
    (a, b) => urgent(a) - urgent(b) || a.dueAt.localeCompare(b.dueAt) || a.name.localeCompare(b.name),
  );
}

/** Whether a due list should fail a CI job (`tessera due` exits 6): something overdue,
 *  expired or flagged for rotation. */
export function needsAction(list: DueEntry[]): boolean {
  return list.some(isUrgent);
}
