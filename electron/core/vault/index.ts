// Process: core (trusted Node side; never imports electron).
// The in-memory index of item names, built by decrypting every item once (at unlock and on
// each pull). It holds names and metadata only; values are decrypted on demand and wiped
// after use. Decryption here is also verification: AD binds every blob to its team, vault,
// item id, key generation and version, so a swapped or relabelled blob fails right here.
import type { ItemRecord } from '../../../shared/api.ts';
import { TesseraError } from '../../../shared/errors.ts';
import { openEnvelope } from '../crypto/index.ts';
import { contentDigest, wipe } from '../crypto/index.ts';
import { itemAdBytes } from './item-ad.ts';
import { decodeItem, type ItemHeader, parseHeader } from './item-payload.ts';
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
type ItemRef = { id: string; vault: string; generation: number; version: number; envelope: unknown };

/** Opens an item's envelope against the AD it must carry. The caller owns (and wipes) the result. */
function openItem(key: Uint8Array, team: string, rec: ItemRef): Uint8Array {
  try {
    return openEnvelope(key, rec.envelope, itemAdBytes(team, rec.vault, rec.id, rec.generation, rec.version));
  } catch (e) {
    throw new TesseraError(
      'tampered',
      `item ${rec.id} (version ${rec.version}) does not authenticate as itself: the server altered, swapped or relabelled it`,
      e instanceof Error ? e.message : undefined,
    );
  }
}

export function decryptRecord(keyFor: KeyLookup, team: string, rec: ItemRef, wantBody: boolean) {
  const key = keyFor(rec.vault, rec.generation);
  if (!key) {
    throw new TesseraError(
      'forbidden',
      `no key for generation ${rec.generation} of this vault; ask a manager to share it again`,
    );
  }
  return decodeItem(openItem(key, team, rec), wantBody);
}

/** The header of a decrypted item, for the index: the body after the separator is never
 *  looked at, and the whole buffer is zeroed before returning. Errors never quote the input. */
function headerOf(plain: Uint8Array): ItemHeader {
  try {
    const sep = plain.indexOf(0);
    if (sep < 0) throw new TesseraError('tampered', 'item payload has no readable header');
    return parseHeader(plain.subarray(0, sep));
  } finally {
    plain.fill(0);
  }
}

/** Rebuilds the whole index for one team. Items of vaults this client holds no key for are skipped. */
export function buildIndex(keyring: Keyring, teamId: string, st: TeamState): Map<string, IndexedItem> {
  const index = new Map<string, IndexedItem>();
  // The newest queued edit per item, found once instead of searching the queue per item.
  const queued = new Map<string, QueuedEdit>();
  for (const q of st.queue) queued.set(q.item, q);
  // Items come vault by vault and mostly share one key generation: remember the last key.
  let lastVault = '';
  let lastGeneration = -1;
  let lastKey: Uint8Array | undefined;
  const add = (id: string, rec: ItemRef, pending: boolean): void => {
    if (!st.vaults[rec.vault]) return;
    if (rec.vault !== lastVault || rec.generation !== lastGeneration) {
      lastVault = rec.vault;
      lastGeneration = rec.generation;
      lastKey = keyring.vaultKey(rec.vault, rec.generation);
    }
    if (!lastKey) return;
    const header = headerOf(openItem(lastKey, teamId, rec));
    index.set(id, { id, vault: rec.vault, version: rec.version, header, pending });
  };
  for (const rec of Object.values(st.items)) {
    const q = queued.size === 0 ? undefined : queued.get(rec.id);
    if (q) add(rec.id, { ...q, id: rec.id }, true);
    else add(rec.id, rec, false);
  }
  for (const [id, q] of queued) if (!(id in st.items)) add(id, { ...q, id }, true);
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
  const header = headerOf(openItem(key, teamId, rec));
  index.set(id, { id, vault: rec.vault, version: rec.version, header, pending: 'pending' in rec });
}

/** The keyed digest of a stored item's plaintext, used to rebase an edit across a re-key. */
export function digestOf(keyring: Keyring, teamId: string, rec: ItemRecord | undefined): string | undefined {
  if (!rec) return undefined;
  const key = keyring.vaultKey(rec.vault, rec.generation);
  if (!key) return undefined;
  const plain = openItem(key, teamId, rec);
  try {
    return contentDigest(plain, keyring.cacheKey);
  } finally {
    wipe(plain);
  }
}
