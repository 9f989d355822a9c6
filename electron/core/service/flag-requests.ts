// Process: core (trusted Node side; never imports electron).
// Rotation flags between this client and the server (docs/design.md "Rotation reminders"):
// flagging signs a statement with the account key and sends it; every sync fetches the relayed
// list, keeps it (encrypted, in the profile cache, so `tessera due` offline still shows it) and
// settles, on the server, the flags of items this user may write whose value changed since.
// What is believed is decided by rotation-flags.ts at read time, never here.
import { flagReason, flagsReply, paths, putFlagReply, settleFlagsReply } from '../../../shared/api.ts';
import { vaultRoleOf } from '../../../shared/chain/state.ts';
import { TesseraError } from '../../../shared/errors.ts';
import { utf8 } from '../../../shared/encoding.ts';
import { mayInVault } from '../../../shared/roles.ts';
import { signRotationFlag } from '../crypto/index.ts';
import type { Unlocked } from '../profile/unlocked.ts';
import type { IndexedItem } from '../vault/index.ts';
import { wipeContent } from '../vault/item-payload.ts';
import { checkFlags, flagVaultsChanged } from './rotation-flags.ts';
import { findItem, readItem } from './secrets.ts';
import { resolveVault } from './vaults.ts';

/** Shorter values than this turn up in ordinary words; looking for them would refuse
 *  reasons for no good cause. */
const MIN_VALUE_BYTES = 4;

function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/**
 * Signs and sends this user's flag on a secret. The reason is stored in the clear, so it is
 * refused when it holds the secret's name (the server never learns names) or one of its
 * concealed values, which someone might paste by mistake; the refusal quotes neither.
 */
export async function flagSecret(
  u: Unlocked,
  teamId: string,
  index: Map<string, IndexedItem>,
  vaultRef: string,
  name: string,
  reasonText: string,
  now: Date,
): Promise<{ vault: string; name: string; reason: string; at: string }> {
  const parsed = flagReason.safeParse(reasonText);
  if (!parsed.success)
    throw new TesseraError('usage', 'a reason is one line of plain text, 1 to 200 characters');
  const reason = parsed.data;
  const opened = readItem(u, teamId, index, vaultRef, name);
  try {
    if (name.length >= 3 && reason.toLowerCase().includes(name.toLowerCase()))
      throw new TesseraError(
        'usage',
        "the reason names the secret: the server stores reasons in the clear and must not learn secrets' names",
      );
    const text = utf8(reason);
    for (const f of opened.content.fields)
      if (
        f.kind !== 'text' &&
        f.kind !== 'url' &&
        f.value.length >= MIN_VALUE_BYTES &&
        contains(text, f.value)
      )
        throw new TesseraError(
          'usage',
          'the reason contains one of the secret’s values: write why, not what',
        );
  } finally {
    wipeContent(opened.content);
  }
  const at = now.toISOString();
  const statement = {
    team: teamId,
    vault: opened.vault.id,
    item: opened.item.id,
    reason,
    at,
    author: u.userId,
  };
  const signature = signRotationFlag(statement, u.keyring.account.signSecretKey);
  await u.http.request(
    'PUT',
    paths.rotationFlag(teamId, opened.vault.id, opened.item.id),
    { reason, at, signature },
    putFlagReply,
  );
  return { vault: opened.vault.name, name, reason, at };
}

/** Deletes on the server the item's flags stored up to `before` (the server's time), by
 *  default when its newest version landed, if this user may write the item and that version
 *  is on the server (not a queued edit). */
export async function settleItem(
  u: Unlocked,
  teamId: string,
  vault: string,
  item: string,
  before?: string,
): Promise<number> {
  const st = u.team(teamId);
  const v = st.chain.vaults.get(vault);
  const rec = st.items[item];
  if (!v || !rec || st.queue.some((q) => q.item === item)) return 0;
  if (!mayInVault(vaultRoleOf(st.chain, v, u.userId), 'item.write')) return 0;
  const path = `${paths.rotationFlag(teamId, vault, item)}?before=${encodeURIComponent(before ?? rec.updatedAt)}`;
  return (await u.http.request('DELETE', path, undefined, settleFlagsReply)).settled;
}

/** After a rotation landed: the secret's flags are answered, whatever the flaggers' clocks
 *  said. The rotation stands if this fails (0); the next sync settles what the dates show. */
export async function settleSecret(
  u: Unlocked,
  teamId: string,
  index: Map<string, IndexedItem>,
  vaultRef: string,
  name: string,
): Promise<number> {
  const v = resolveVault(u, teamId, vaultRef);
  const it = findItem(index, v.id, name);
  return it ? settleItem(u, teamId, v.id, it.id).catch(() => 0) : 0;
}

/**
 * Fetches the relayed flags, keeps them, and settles the genuine ones an item's new value has
 * answered. Returns the vaults whose flags changed. A server without the route (older than
 * flags) leaves the kept list as it was.
 */
export async function refreshFlags(
  u: Unlocked,
  teamId: string,
  index: Map<string, IndexedItem>,
  now: Date,
): Promise<string[]> {
  const st = u.team(teamId);
  let relayed: unknown[];
  try {
    relayed = (await u.http.request('GET', paths.rotationFlags(teamId), undefined, flagsReply)).flags;
  } catch (e) {
    if (e instanceof TesseraError && e.code === 'not_found') return [];
    throw e;
  }
  const changed = flagVaultsChanged(st.flags ?? [], relayed);
  st.flags = relayed;
  // Up to the newest answered flag's storing time, not the item's newest version: a flag
  // stored after the rotation but before a later edit of, say, a tag is still open.
  const settled = new Map<string, { vault: string; before: string }>();
  for (const f of checkFlags(relayed, st.chain, index, now).settled) {
    const had = settled.get(f.item);
    if (f.storedAt && (!had || had.before < f.storedAt))
      settled.set(f.item, { vault: f.vault, before: f.storedAt });
  }
  for (const [item, s] of settled) await settleItem(u, teamId, s.vault, item, s.before);
  return changed;
}
