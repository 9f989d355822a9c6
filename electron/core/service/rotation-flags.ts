// Process: core (trusted Node side; never imports electron).
// "Rotation required" flags (docs/design.md "Rotation reminders"). A flag is a statement its
// author signed with their account key; the server stores and relays it and is believed in
// nothing: each flag must verify under the author's key as the verified chain records it, the
// author must (per the chain, now) hold a role that allows `item.flag` on the vault, and a flag
// made before the item's primary value last changed (the header's `rotatedAt`, sealed with the
// value) is settled and ignored, so a server replaying an old flag changes nothing. What does
// not verify is dropped and counted, never shown. The server can still withhold a flag: that
// is a limit, not something this file can close.
import { z } from 'zod';
import { FLAG_REASON_MAX, flagReason, flagTime } from '../../../shared/api.ts';
import { activeMember, type TeamState as ChainState, vaultRoleOf } from '../../../shared/chain/state.ts';
import { mayInVault } from '../../../shared/roles.ts';
import { verifyRotationFlag } from '../crypto/index.ts';
import type { IndexedItem } from '../vault/index.ts';

/** A flag dated further ahead of this client's clock is not believed: its author could
 *  otherwise make a replayed copy outlive every rotation (settling compares dates). */
export const FLAG_FUTURE_SLACK_MS = 86_400_000;

/** A flag as the server relays it: well-formed is all this says, nothing in it is believed. */
export const relayedFlag = z
  .object({
    vault: z.uuid(),
    item: z.uuid(),
    author: z.uuid(),
    reason: z
      .string()
      .max(FLAG_REASON_MAX)
      .refine((r) => flagReason.safeParse(r).data === r, 'not a reason the client would sign'),
    at: flagTime,
    signature: z.string().max(200),
    /** The server's time of storing it: unsigned, used only to say which flags a settle
     *  deletes (the server's own clock on both sides). */
    storedAt: z.string().max(40).optional(),
  })
  .strict();
export type RelayedFlag = z.infer<typeof relayedFlag>;

/** A flag the chain vouches for. */
export interface VerifiedFlag {
  vault: string;
  item: string;
  author: string;
  /** The author's email, from the chain (never the server's word). */
  by: string;
  reason: string;
  at: string;
  storedAt?: string;
}

export interface FlagCheck {
  /** Asking for a rotation that has not happened yet. */
  open: VerifiedFlag[];
  /** Genuine, but the primary value changed after: what a writer's client deletes. */
  settled: VerifiedFlag[];
  /** Relayed but not believable: malformed, forged, or by someone without access. */
  dropped: number;
}

/** Sorts what the server relayed into open, settled and dropped flags. Flags on items this
 *  client does not hold (deleted, not pulled yet) are neither shown nor counted as forged. */
export function checkFlags(
  relayed: readonly unknown[],
  chain: ChainState,
  index: Map<string, IndexedItem>,
  now: Date,
): FlagCheck {
  const out: FlagCheck = { open: [], settled: [], dropped: 0 };
  // The server keeps one flag per author and item; of several copies the newest counts, so a
  // replayed older one can neither show twice nor stand in for a newer one.
  const newest = new Map<string, VerifiedFlag>();
  for (const raw of relayed) {
    const f = relayedFlag.safeParse(raw).data;
    const author = f && activeMember(chain, f.author);
    const vault = f && chain.vaults.get(f.vault);
    if (!f || !author || !vault) {
      out.dropped++;
      continue;
    }
    if (vault.deleted) continue;
    const genuine =
      (mayInVault(vaultRoleOf(chain, vault, f.author), 'item.flag') ||
        // A break-glass responder the chain says was sealed the key (docs/design.md "Break-glass").
        !!vault.sessions?.some((x) => x.requester === f.author && x.key)) &&
      Date.parse(f.at) <= now.getTime() + FLAG_FUTURE_SLACK_MS &&
      verifyRotationFlag(
        { team: chain.team, vault: f.vault, item: f.item, reason: f.reason, at: f.at, author: f.author },
        f.signature,
        author.keys.signPublicKey,
      );
    if (!genuine) {
      out.dropped++;
      continue;
    }
    const it = index.get(f.item);
    if (!it || it.vault !== f.vault || it.header.deleted || it.header.conflictOf) continue;
    const key = `${f.item}|${f.author}`;
    const had = newest.get(key);
    if (had && Date.parse(had.at) >= Date.parse(f.at)) continue;
    newest.set(key, {
      vault: f.vault,
      item: f.item,
      author: f.author,
      by: author.email,
      reason: f.reason,
      at: f.at,
      ...(f.storedAt ? { storedAt: f.storedAt } : {}),
    });
  }
  for (const flag of newest.values()) {
    const rotated = index.get(flag.item)?.header.rotatedAt;
    if (rotated !== undefined && Date.parse(rotated) > Date.parse(flag.at)) out.settled.push(flag);
    else out.open.push(flag);
  }
  return out;
}

/** The flags on each item, newest first. */
export function flagsByItem(flags: readonly VerifiedFlag[]): Map<string, VerifiedFlag[]> {
  const out = new Map<string, VerifiedFlag[]>();
  for (const f of flags) out.set(f.item, [...(out.get(f.item) ?? []), f]);
  for (const list of out.values()) list.sort((a, b) => b.at.localeCompare(a.at));
  return out;
}

/** The vaults whose flags differ between two relayed lists, so a window refreshes only those. */
export function flagVaultsChanged(before: readonly unknown[], after: readonly unknown[]): string[] {
  const keyOf = (x: unknown) => JSON.stringify(x);
  const a = new Set(before.map(keyOf));
  const b = new Set(after.map(keyOf));
  const vaults = new Set<string>();
  for (const x of [...before.filter((x) => !b.has(keyOf(x))), ...after.filter((x) => !a.has(keyOf(x)))]) {
    const v = (x as { vault?: unknown } | null)?.vault;
    if (typeof v === 'string') vaults.add(v);
  }
  return [...vaults];
}
