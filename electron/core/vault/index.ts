// Process: core (trusted Node side; never imports electron).
// The in-memory index of item names, built by decrypting every item once (at unlock and on
// each pull). It holds names and metadata only; values are decrypted on demand and wiped
// after use. Decryption here is also verification: AD binds every blob to its team, vault,
// item id, key generation and version, so a swapped or relabelled blob fails right here.
import type { ItemRecord } from '../../../shared/api.ts';
import { ad } from '../../../shared/formats.ts';
import { TesseraError } from '../../../shared/errors.ts';
import { contentDigest, openEnvelope, wipe } from '../crypto/index.ts';
import { decodeItem, type ItemHeader } from './item-payload.ts';
import type { Keyring } from './keyring.ts';
import type { QueuedEdit, TeamState } from './state.ts';

export interface IndexedItem {
  id: string;
  vault: string;
  version: number;
  header: ItemHeader;
  /** True while the newest value is a local edit the server has not acknowledged. */
  pending: boolean;
}

/** The newest state of an item as this client knows it: a queued edit wins over the server copy. */
export function currentRecord(st: TeamState, itemId: string): ItemRecord | QueuedRecord | undefined {
  const queued = st.queue.length === 0 ? undefined : st.queue.findLast((q) => q.item === itemId);
  if (queued) return { ...queued, id: queued.item, pending: true };
  return st.items[itemId];
}
export type QueuedRecord = QueuedEdit & { id: string; pending: true };

export type KeyLookup = (vault: string, generation: number) => Uint8Array | undefined;

export function decryptRecord(
  keyFor: KeyLookup,
  team: string,
  rec: { id: string; vault: string; generation: number; version: number; envelope: unknown },
  wantValue: boolean,
) {
  const key = keyFor(rec.vault, rec.generation);
  if (!key) {
    throw new TesseraError(
      'forbidden',
      `no key for generation ${rec.generation} of this vault; ask a manager to share it again`,
    );
  }
  let plain: Uint8Array;
  try {
    plain = openEnvelope(key, rec.envelope, ad.item(team, rec.vault, rec.id, rec.generation, rec.version));
  } catch (e) {
    throw new TesseraError(
      'tampered',
      `item ${rec.id} (version ${rec.version}) does not authenticate as itself: the server altered, swapped or relabelled it`,
      e instanceof Error ? e.message : undefined,
    );
  }
  return decodeItem(plain, wantValue);
}

/** Rebuilds the whole index for one team. Items of vaults this client holds no key for are skipped. */
export function buildIndex(keyring: Keyring, teamId: string, st: TeamState): Map<string, IndexedItem> {
  const index = new Map<string, IndexedItem>();
  for (const id in st.items) indexOne(index, keyring, teamId, st, id);
  for (const q of st.queue) if (!(q.item in st.items)) indexOne(index, keyring, teamId, st, q.item);
  return index;
}

export function indexOne(
  index: Map<string, IndexedItem>,
  keyring: Keyring,
  teamId: string,
  st: TeamState,
  id: string,
): void {
  const rec = currentRecord(st, id);
  const key = rec && st.vaults[rec.vault] ? keyring.vaultKey(rec.vault, rec.generation) : undefined;
  if (!rec || !key) {
    index.delete(id);
    return;
  }
  const { header } = decryptRecord(() => key, teamId, rec, false);
  index.set(id, { id, vault: rec.vault, version: rec.version, header, pending: 'pending' in rec });
}

/** The keyed digest of a stored item's plaintext, used to rebase an edit across a re-key. */
export function digestOf(keyring: Keyring, teamId: string, rec: ItemRecord | undefined): string | undefined {
  if (!rec) return undefined;
  const key = keyring.vaultKey(rec.vault, rec.generation);
  if (!key) return undefined;
  const plain = openEnvelope(
    key,
    rec.envelope,
    ad.item(teamId, rec.vault, rec.id, rec.generation, rec.version),
  );
  try {
    return contentDigest(plain, keyring.cacheKey);
  } finally {
    wipe(plain);
  }
}
