// Process: core (trusted Node side; never imports electron).
// What an offboarding means for secrets, from the verified chain alone (docs/design.md
// "Offboarding"): the chain records, at the `member.remove` link with reason `offboarded`,
// every vault the leaver could read. Every secret in those vaults that existed then (first
// written under a generation the leaver could hold) is "rotation required" from
// the link's signed date until its primary value changes after it. Each client derives this
// itself, so no server can add, drop or back-date one, and nobody has to sign one flag per
// secret in vaults they may not even read.
import type { AuditEntry } from '../../../shared/audit/entry.ts';
import type { Offboarding, TeamState as ChainState } from '../../../shared/chain/state.ts';
import { TesseraError } from '../../../shared/errors.ts';
import type { IndexedItem } from '../vault/index.ts';
import { FLAG_FUTURE_SLACK_MS, type VerifiedFlag } from './rotation-flags.ts';

/** "bob@example.com offboarded on 2026-12-04": the reason a flag shows after "Rotation required: ". */
export function offboardReason(o: Pick<Offboarding, 'email' | 'at'>): string {
  return o.at ? `${o.email} offboarded on ${o.at.slice(0, 10)}` : `${o.email} offboarded`;
}

const live = (it: IndexedItem) => !it.header.deleted && !it.header.conflictOf;

/** Created after the offboarding: first written under a key the leaver never held, with a
 *  value set after the date. Both numbers are signed (the chain's record, the writer's sealed
 *  header); without either the secret counts as one the leaver could decrypt. The date too,
 *  because a secret moved in from another vault is new here but holds a value they saw. */
function bornAfter(o: Offboarding, it: IndexedItem): boolean {
  const held = o.generations?.[it.vault];
  const first = it.header.firstGeneration;
  return held !== undefined && first !== undefined && first > held && rotatedSince(o, it);
}

/** The secrets this client holds in the vaults the leaver could read, that existed then. */
export function secretsOf(o: Offboarding, index: Map<string, IndexedItem>): IndexedItem[] {
  const vaults = new Set(o.vaults);
  return [...index.values()].filter((it) => vaults.has(it.vault) && live(it) && !bornAfter(o, it));
}

/** Rotated after the offboarding: the leaver never saw the value it holds now. */
export function rotatedSince(o: Offboarding, it: IndexedItem): boolean {
  const r = it.header.rotatedAt;
  return o.at !== null && r !== undefined && Date.parse(r) > Date.parse(o.at);
}

/** The open "rotation required" flags every dated offboarding in the chain implies. A date
 *  far ahead of this clock is not believed, as with signed flags: it would outlive rotations. */
export function offboardFlags(chain: ChainState, index: Map<string, IndexedItem>, now: Date): VerifiedFlag[] {
  const out: VerifiedFlag[] = [];
  for (const o of chain.offboardings ?? []) {
    if (o.at === null || Date.parse(o.at) > now.getTime() + FLAG_FUTURE_SLACK_MS) continue;
    const by = chain.members.get(o.author)?.email ?? o.author;
    for (const it of secretsOf(o, index))
      if (!rotatedSince(o, it))
        out.push({ vault: it.vault, item: it.id, author: o.author, by, reason: offboardReason(o), at: o.at });
  }
  return out;
}

/** The newest offboarding of a user in the chain. */
export function offboardingOf(chain: ChainState, user: string): Offboarding | undefined {
  return (chain.offboardings ?? []).findLast((o) => o.user === user);
}

export interface ItemUse {
  revealed: number;
  copied: number;
  lastUsedAt: string | null;
}

/** The leaver's reveals and copies per item, from their signed events in the verified audit
 *  log; with the reason instead when the log cannot be read, so the report says it does not
 *  know rather than that nothing was seen. */
export async function leaverUse(
  read: () => Promise<AuditEntry[]>,
): Promise<{ byItem: Map<string, ItemUse>; problem: string | null }> {
  const byItem = new Map<string, ItemUse>();
  let entries: AuditEntry[];
  try {
    entries = await read();
  } catch (e) {
    const why = e instanceof TesseraError ? e.message : 'the audit log could not be read';
    return { byItem, problem: why };
  }
  for (const e of entries) {
    const item = e.refs.item;
    if (!item) continue;
    const use = byItem.get(item) ?? { revealed: 0, copied: 0, lastUsedAt: null };
    if (e.kind === 'secret.copy') use.copied++;
    else use.revealed++;
    use.lastUsedAt = e.at;
    byItem.set(item, use);
  }
  return { byItem, problem: null };
}
