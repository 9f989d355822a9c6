// Process: core (trusted Node side; never imports electron).
// Pull: fetch "changes since cursor" with the chain links after the kept head, verify the
// links (signature, prev, authority), and decide everything else from the verified chain:
// which vaults exist and at which generation, who reads them, which keys are ours. The
// server's lists are hints; a batch that fails any check is refused whole, so the cursor,
// the head and the cache stay as they were and a hostile answer cannot half-poison a vault.
import {
  type ChangesReply,
  changesReply,
  type ItemRecord,
  type MyKey,
  paths,
  type VaultPayload,
  type VaultRecord,
} from '../../../shared/api.ts';
import type { ChainLink } from '../../../shared/chain/links.ts';
import { type TeamState as ChainState, vaultRoleOf } from '../../../shared/chain/state.ts';
import { ChainError, extendChain } from '../../../shared/chain/verify.ts';
import { TesseraError } from '../../../shared/errors.ts';
import { ad } from '../../../shared/formats.ts';
import { chainCrypto } from '../crypto/chain.ts';
import { hashSealedKey, openEnvelope, openVaultKey, wipe } from '../crypto/index.ts';
import type { Unlocked } from '../profile/unlocked.ts';
import { decryptRecord } from '../vault/index.ts';
import type { ItemHeader } from '../vault/item-payload.ts';
import { keyHashId, type TeamState } from '../vault/state.ts';

export interface PullResult {
  revision: number;
  /** Every changed item this client could read, with its decrypted header (no value). */
  changed: Map<string, ItemHeader>;
  /** Items taken from this client's own re-key (OwnBatch): the plaintext, so the header, is
   *  what it was; only the version and generation moved. */
  rekeyed: string[];
  full: boolean;
}

/** A chain batch this client sent and the server accepted at `revision`. Its re-encrypted
 *  items are left out of the pull that follows (the server would send back exactly what was
 *  uploaded) and taken from here instead, once the verified chain holds the re-key. */
export interface OwnBatch {
  revision: number;
  links: readonly ChainLink[];
  vaults: readonly VaultPayload[];
}

export function tampered(st: { chain: ChainState }, message: string): TesseraError {
  return new TesseraError('tampered', `team ${st.chain.name}: ${message}; nothing was changed`);
}

/** Verifies the server's chain answer against the kept head: it must extend it exactly. */
export function advanceChain(st: TeamState, offered: ChangesReply['chain']): ChainState {
  const known = st.chain;
  if (offered.seq < known.seq)
    throw tampered(
      st,
      `the server offers ${offered.seq} chain links, this client already verified ${known.seq}`,
    );
  if (offered.links.length !== offered.seq - known.seq)
    throw tampered(
      st,
      `the server's chain answer skips links (${offered.links.length} for ${offered.seq - known.seq})`,
    );
  try {
    return extendChain(chainCrypto, known, offered.links);
  } catch (e) {
    if (e instanceof ChainError) throw tampered(st, e.message);
    throw e;
  }
}

/** The hash of every key the new links seal to `user`, by vault and generation. */
export function keyHashesFor(user: string, links: readonly unknown[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of links) {
    const l = raw as ChainLink;
    const b = l.body as { vault: string; generation: number; keys?: { user: string; keyHash: string }[] };
    if (l.type === 'vault.create' || l.type === 'vault.rekey') {
      const mine = b.keys?.find((k) => k.user === user);
      if (mine) out[keyHashId(b.vault, b.generation)] = mine.keyHash;
    } else if (l.type === 'key.deliver' && (l.body as { user: string }).user === user) {
      out[keyHashId(b.vault, b.generation)] = (l.body as { keyHash: string }).keyHash;
    }
  }
  return out;
}

export async function pullTeam(u: Unlocked, teamId: string, own?: OwnBatch): Promise<PullResult> {
  u.requireSession();
  const st = u.team(teamId);
  // A full pull takes everything from the server, so it can check nothing was withheld.
  if (st.cursor === 0 || !own?.vaults.some((v) => v.items.length)) own = undefined;
  const reply = await u.http.request(
    'GET',
    paths.changes(teamId, st.cursor, st.chain.seq, own?.revision),
    undefined,
    changesReply,
  );
  const full = st.cursor === 0;
  if (reply.revision < st.cursor)
    throw tampered(st, `the server's revision went backwards (${reply.revision} < ${st.cursor})`);
  const chain = advanceChain(st, reply.chain);
  const keyHashes = { ...st.keyHashes, ...keyHashesFor(u.userId, reply.chain.links) };
  const vaults = readableVaults(st, chain, u.userId, reply.vaults);

  let opened: OpenedKey[] = [];
  let changed: Map<string, ItemHeader>;
  let verifiedKeys: MyKey[];
  let ownItems: ItemRecord[];
  try {
    verifiedKeys = checkKeys(st, keyHashes, vaults, reply.keys);
    opened = openKeys(u, verifiedKeys);
    const keyFor = (vault: string, generation: number) =>
      opened.find((o) => o.vault === vault && o.generation === generation)?.key ??
      u.keyring.vaultKey(vault, generation);
    for (const v of Object.values(vaults)) checkVaultName(st, keyFor, teamId, v);
    changed = checkItems(st, chain, teamId, reply, vaults, full, keyFor);
    checkHeldItems(st, teamId, reply, vaults, opened, keyFor, changed);
    ownItems = own ? ownRecords(u, st, chain, reply, vaults, own) : [];
  } catch (e) {
    wipe(...opened.map((o) => o.key));
    throw e;
  }

  // Apply. A vault leaves this profile only when the chain says this user may no longer read it.
  for (const id of Object.keys(st.vaults)) if (!vaults[id]) forgetVault(u, teamId, st, id);
  // Edits queued for a vault the chain deleted can never be accepted: drop them.
  st.queue = st.queue.filter((q) => !chain.vaults.get(q.vault)?.deleted);
  for (const o of opened) u.keyring.setVaultKey(o.vault, o.generation, o.key);
  for (const item of reply.items) {
    // Our own acknowledged writes come back unchanged; rewriting them would only grow the log.
    const known = st.items[item.id];
    if (
      known &&
      known.version === item.version &&
      known.revision === item.revision &&
      known.envelope.ct === item.envelope.ct
    )
      continue;
    u.putItem(teamId, item);
  }
  for (const item of ownItems) u.putItem(teamId, item);
  st.chain = chain;
  st.vaults = vaults;
  st.keyHashes = keyHashes;
  st.keys = mergeKeys(st.keys, verifiedKeys).filter((k) => vaults[k.vault]);
  st.cursor = reply.revision;
  return { revision: reply.revision, changed, rekeyed: ownItems.map((i) => i.id), full };
}

/**
 * The items of this client's own re-key, as the records the server holds for them. Taken only
 * when the verified chain now holds the very links this client sent (a server that
 * acknowledged a batch it did not store gets nothing applied), for a vault still at the
 * generation they were written under, at version + 1 of the copy this client holds, and not
 * sent in this reply anyway.
 * They were encrypted and signed here; decrypting them again would check our own work.
 */
function ownRecords(
  u: Unlocked,
  st: TeamState,
  chain: ChainState,
  reply: ChangesReply,
  vaults: Record<string, VaultRecord>,
  own: OwnBatch,
): ItemRecord[] {
  // Exactly the links this client signed, in the chain just verified: else nothing is taken.
  const offered = new Map(reply.chain.links.map((l) => [(l as ChainLink).seq, (l as ChainLink).sig]));
  if (own.revision > reply.revision || !own.links.every((l) => offered.get(l.seq) === l.sig)) return [];
  const sent = new Set(reply.items.map((i) => i.id));
  const out: ItemRecord[] = [];
  const at = new Date().toISOString();
  for (const p of own.vaults) {
    if (!vaults[p.vault] || chain.vaults.get(p.vault)?.generation !== p.generation) continue;
    for (const w of p.items) {
      const known = st.items[w.id];
      if (sent.has(w.id) || !known || known.vault !== p.vault || known.version + 1 !== w.version) continue;
      out.push({
        id: w.id,
        vault: p.vault,
        version: w.version,
        generation: p.generation,
        envelope: w.envelope,
        deleted: known.deleted,
        revision: own.revision,
        updatedBy: u.userId,
        updatedAt: at,
        signature: w.signature,
      });
    }
  }
  return out;
}

/** Every vault the chain lets this user read. The server's record supplies the name; one it
 *  leaves out keeps the record last verified, and one at another generation than the chain's
 *  is refused. Records for vaults the chain does not let this user read are ignored. */
function readableVaults(
  st: TeamState,
  chain: ChainState,
  me: string,
  offered: readonly VaultRecord[],
): Record<string, VaultRecord> {
  const byId = new Map(offered.map((v) => [v.id, v]));
  const out: Record<string, VaultRecord> = {};
  for (const v of chain.vaults.values()) {
    // A deleted vault is gone for everyone, whatever record the server still offers.
    if (v.deleted || !vaultRoleOf(chain, v, me)) continue;
    const rec = byId.get(v.id);
    if (rec && rec.generation !== v.generation)
      throw tampered(
        st,
        `vault ${v.id} is at generation ${v.generation} in the chain, not ${rec.generation}`,
      );
    const kept = rec ?? st.vaults[v.id];
    if (kept) out[v.id] = kept;
  }
  return out;
}

/** Keys the server offers are accepted only if a verified link sealed exactly them to us. */
function checkKeys(
  st: TeamState,
  hashes: Record<string, string>,
  vaults: Record<string, VaultRecord>,
  offered: readonly MyKey[],
): MyKey[] {
  const out: MyKey[] = [];
  for (const k of offered) {
    if (!vaults[k.vault]) continue;
    const want = hashes[keyHashId(k.vault, k.generation)];
    if (want === undefined) continue; // not vouched for by any link: never opened
    if (hashSealedKey(k.sealedKey) !== want)
      throw tampered(
        st,
        `vault ${k.vault}: the key offered for generation ${k.generation} is not the one the chain records`,
      );
    out.push(k);
  }
  return out;
}

function mergeKeys(kept: readonly MyKey[], fresh: readonly MyKey[]): MyKey[] {
  const byId = new Map(kept.map((k) => [keyHashId(k.vault, k.generation), k]));
  for (const k of fresh) byId.set(keyHashId(k.vault, k.generation), k);
  return [...byId.values()];
}

interface OpenedKey {
  vault: string;
  generation: number;
  key: Uint8Array;
}

function openKeys(u: Unlocked, keys: readonly MyKey[]): OpenedKey[] {
  const opened: OpenedKey[] = [];
  try {
    for (const k of keys) {
      if (u.keyring.vaultKey(k.vault, k.generation)) continue;
      opened.push({
        vault: k.vault,
        generation: k.generation,
        key: openVaultKey(k.sealedKey, u.keyring.account),
      });
    }
  } catch (e) {
    wipe(...opened.map((o) => o.key));
    throw e;
  }
  return opened;
}

/**
 * Items kept from an earlier pull that came before their vault's key (checkItems keeps them
 * unread) are read now that the key is here: checked like any item, and reported as changed so
 * the index and the window pick them up. The server sends them only once, so nothing else would.
 */
function checkHeldItems(
  st: TeamState,
  teamId: string,
  reply: ChangesReply,
  vaults: Record<string, VaultRecord>,
  opened: readonly OpenedKey[],
  keyFor: (vault: string, generation: number) => Uint8Array | undefined,
  changed: Map<string, ItemHeader>,
): void {
  if (opened.length === 0) return;
  // Most pulls that open a key are a re-key's (the items are at the new generation only after
  // this pull applies them): look at each held item's vault before building any id.
  const freshVaults = new Set(opened.map((o) => o.vault));
  const fresh = new Set(opened.map((o) => keyHashId(o.vault, o.generation)));
  const sent = new Set(reply.items.map((i) => i.id));
  for (const id in st.items) {
    const rec = st.items[id]!;
    if (!freshVaults.has(rec.vault) || sent.has(id) || !vaults[rec.vault]) continue;
    if (!fresh.has(keyHashId(rec.vault, rec.generation))) continue;
    try {
      changed.set(id, decryptRecord(keyFor, teamId, rec, false).header);
    } catch {
      throw tampered(st, `item ${id} does not open under the key its vault now has`);
    }
  }
}

/** At unlock the keyring starts empty: re-open the keys the profile verified before. */
export function restoreVaultKeys(u: Unlocked, teamId: string): void {
  for (const o of openKeys(u, u.team(teamId).keys)) u.keyring.setVaultKey(o.vault, o.generation, o.key);
}

function checkVaultName(
  st: TeamState,
  keyFor: (vault: string, generation: number) => Uint8Array | undefined,
  teamId: string,
  v: VaultRecord,
): void {
  const key = keyFor(v.id, v.generation);
  if (!key) return;
  try {
    wipe(openEnvelope(key, v.name, ad.vaultName(teamId, v.id, v.generation)));
  } catch {
    throw tampered(st, `vault ${v.id}: its name does not authenticate under its key`);
  }
}

function checkItems(
  st: TeamState,
  chain: ChainState,
  teamId: string,
  reply: ChangesReply,
  vaults: Record<string, VaultRecord>,
  full: boolean,
  keyFor: (vault: string, generation: number) => Uint8Array | undefined,
): Map<string, ItemHeader> {
  const seen = new Set<string>();
  const headers = new Map<string, ItemHeader>();
  for (const item of reply.items) {
    seen.add(item.id);
    if (!vaults[item.vault]) throw tampered(st, `item ${item.id} belongs to no vault you can read`);
    const generation = chain.vaults.get(item.vault)!.generation;
    // Re-keying is eager (the link and the re-encrypted items land in one transaction), so an
    // item under any other generation is one the server kept back or made up.
    if (item.generation !== generation)
      throw tampered(
        st,
        `item ${item.id} is under generation ${item.generation}; vault ${item.vault} is at ${generation}`,
      );
    const known = st.items[item.id];
    if (known && known.vault !== item.vault) throw tampered(st, `item ${item.id} moved between vaults`);
    const highest = known?.version ?? 0;
    if (item.version < highest)
      throw tampered(st, `item ${item.id} was rolled back from version ${highest} to ${item.version}`);
    // A vault whose key has not been delivered to us yet: kept, and checked once readable.
    if (keyFor(item.vault, item.generation))
      headers.set(item.id, decryptRecord(keyFor, teamId, item, false).header);
  }
  if (full) {
    for (const [id, known] of Object.entries(st.items)) {
      if (vaults[known.vault] && !seen.has(id))
        throw tampered(st, `the server withheld item ${id}, which this client has seen before`);
    }
  }
  return headers;
}

function forgetVault(u: Unlocked, teamId: string, st: TeamState, vault: string): void {
  for (const [id, item] of Object.entries(st.items)) if (item.vault === vault) u.dropItem(teamId, id);
  u.keyring.forgetVault(vault);
}
