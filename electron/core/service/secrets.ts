// Process: core (trusted Node side; never imports electron).
// Reading and writing secrets. A write is encrypted and queued first, then pushed: if the
// server cannot be reached the edit stays, encrypted, in the profile cache and goes out on
// the next sync. Values are Uint8Arrays from end to end; callers wipe what they get.
import { type ItemRecord, itemVersionsReply, paths } from '../../../shared/api.ts';
import type { SecretView } from '../../../shared/ipc-results.ts';
import { TesseraError } from '../../../shared/errors.ts';
import { didYouMean } from '../../../shared/suggest.ts';
import { ad } from '../../../shared/formats.ts';
import { mayInVault } from '../../../shared/roles.ts';
import { sealEnvelope, wipe } from '../crypto/index.ts';
import { versionSigner } from '../sync/version-signature.ts';
import type { FieldKind } from '../../../shared/items.ts';
import { currentRecord, decryptRecord, digestOf, type IndexedItem } from '../vault/index.ts';
import {
  decodeBody,
  encodeBody,
  encodeItem,
  type ItemContent,
  type ItemHeader,
  layoutOf,
  wipeContent,
} from '../vault/item-payload.ts';
import { applyEdit, type ItemEdit } from './item-edit.ts';
import type { QueuedEdit } from '../vault/state.ts';
import type { Unlocked } from '../profile/unlocked.ts';
import { resolveVault, type VaultSummary } from './vaults.ts';

/** What the window and the CLI list: names and metadata, never a value. */
export type SecretSummary = SecretView;

// One collator for every sort: String.prototype.localeCompare builds one per call.
const byName = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

export function findItem(
  index: Map<string, IndexedItem>,
  vaultId: string,
  name: string,
): IndexedItem | undefined {
  for (const it of index.values())
    if (it.vault === vaultId && it.header.name === name && !it.header.deleted) return it;
  return undefined;
}

export function listSecrets(index: Map<string, IndexedItem>, vaults: VaultSummary[]): SecretSummary[] {
  const names = new Map(vaults.map((v) => [v.id, v.name]));
  const out: SecretSummary[] = [];
  for (const it of index.values()) {
    const vault = names.get(it.vault);
    if (vault === undefined || it.header.deleted) continue;
    out.push({
      id: it.id,
      vault,
      vaultId: it.vault,
      name: it.header.name,
      version: it.version,
      pending: it.pending,
      conflictOf: it.header.conflictOf,
      type: layoutOf(it.header).type,
      tags: it.header.tags ?? [],
      ...(it.header.rotateEveryDays ? { rotateEveryDays: it.header.rotateEveryDays } : {}),
    });
  }
  return out.sort((a, b) => byName.compare(a.vault, b.vault) || byName.compare(a.name, b.name));
}

type KeyedRecord = Parameters<typeof decryptRecord>[2];

/** Decrypts a record's header and values. The caller wipes the content (wipeContent). */
export function openContent(u: Unlocked, teamId: string, rec: KeyedRecord) {
  const { header, body } = decryptRecord((vault, g) => u.keyring.vaultKey(vault, g), teamId, rec, true);
  try {
    return { header, content: decodeBody(header, body!) };
  } finally {
    wipe(body!);
  }
}

/** "no secret ... in vault prod", with the near name when one was likely meant. */
function noSecret(index: Map<string, IndexedItem>, v: VaultSummary, name: string): TesseraError {
  const names = [...index.values()]
    .filter((it) => it.vault === v.id && !it.header.deleted)
    .map((it) => it.header.name);
  return new TesseraError(
    'not_found',
    `no secret ${JSON.stringify(name)} in vault ${v.name}${didYouMean(name, names)}`,
  );
}

function requireItem(index: Map<string, IndexedItem>, v: VaultSummary, name: string): IndexedItem {
  const it = findItem(index, v.id, name);
  if (!it) throw noSecret(index, v, name);
  return it;
}

/** The newest version's header, from the name index: no decryption. */
export function itemHeader(
  u: Unlocked,
  teamId: string,
  index: Map<string, IndexedItem>,
  vaultRef: string,
  name: string,
): ItemHeader {
  return requireItem(index, resolveVault(u, teamId, vaultRef), name).header;
}

/** The newest version of one secret, decrypted. The caller wipes the content. */
export function readItem(
  u: Unlocked,
  teamId: string,
  index: Map<string, IndexedItem>,
  vaultRef: string,
  name: string,
) {
  const v = resolveVault(u, teamId, vaultRef);
  const it = requireItem(index, v, name);
  return { item: it, vault: v, ...openContent(u, teamId, currentRecord(u.team(teamId), it.id)!) };
}

/** One field's value (the primary one when `field` is left out), copied out of the content,
 *  which is wiped. The caller owns and must wipe the returned bytes. */
export function pickField(
  opened: { header: ItemHeader; content: ItemContent },
  name: string,
  field?: string,
): { key: string; kind: FieldKind; value: Uint8Array } {
  try {
    const key = field ?? layoutOf(opened.header).primary;
    const hit = opened.content.fields.find((x) => x.key === key);
    if (!hit) {
      const keys = opened.content.fields.map((x) => x.key).join(', ');
      throw new TesseraError(
        'not_found',
        `${name} has no field ${JSON.stringify(key)} (its fields: ${keys})`,
      );
    }
    return { key: hit.key, kind: hit.kind, value: hit.value.slice() };
  } finally {
    wipeContent(opened.content);
  }
}

/** Encrypts and queues a new version (or a tombstone) of one item: the previous version's
 *  fields and metadata, patched by `edit`. Returns the item id. */
export function writeSecret(
  u: Unlocked,
  teamId: string,
  index: Map<string, IndexedItem>,
  vaultRef: string,
  name: string,
  edit: ItemEdit = {},
  now: Date = new Date(),
): string {
  const v = writableVault(u, teamId, vaultRef);
  const existing = findItem(index, v.id, name);
  if (!existing && edit.deleted) throw noSecret(index, v, name);
  const previous = existing ? openContent(u, teamId, currentRecord(u.team(teamId), existing.id)!) : undefined;
  try {
    const next = applyEdit(previous, name, edit, u.email, now);
    try {
      return queueVersion(
        u,
        teamId,
        index,
        v,
        existing?.id ?? crypto.randomUUID(),
        next.header,
        next.content,
      );
    } finally {
      wipeContent(next.content);
    }
  } finally {
    wipeContent(previous?.content);
  }
}

/** The vault, if this user may write in it. */
export function writableVault(u: Unlocked, teamId: string, vaultRef: string): VaultSummary {
  const v = resolveVault(u, teamId, vaultRef);
  if (!mayInVault(v.role, 'item.write'))
    throw new TesseraError(
      'forbidden',
      `you can only read vault ${v.name} (your access is ${v.role}): ask someone who manages it for edit access`,
    );
  return v;
}

/** Seals `header` + `content` as the item's next version and queues it. */
export function queueVersion(
  u: Unlocked,
  teamId: string,
  index: Map<string, IndexedItem>,
  v: VaultSummary,
  id: string,
  header: ItemHeader,
  content: ItemContent,
): string {
  const st = u.team(teamId);
  // One queued edit per item: a second offline edit replaces the first but keeps its base,
  // so the server still sees exactly one step from the version this client last knew.
  const queuedAt = st.queue.findIndex((q) => q.item === id);
  const queued = queuedAt >= 0 ? st.queue[queuedAt] : undefined;
  const baseVersion = queued ? queued.baseVersion : (st.items[id]?.version ?? 0);
  const baseDigest = queued ? queued.baseDigest : digestOf(u.keyring, teamId, st.items[id]);
  const version = baseVersion + 1;
  const key = u.keyring.vaultKey(v.id, v.generation);
  if (!key) throw new TesseraError('forbidden', `no key for vault ${v.name} yet: wait for a manager to sync`);
  // New in this vault (created, or moved here): this generation. Otherwise what the current
  // version says, whatever the caller built the header from; items from before it have none.
  const first = baseVersion === 0 ? v.generation : index.get(id)?.header.firstGeneration;
  const { firstGeneration: _f, ...rest } = header;
  const stamped: ItemHeader = first === undefined ? rest : { ...rest, firstGeneration: first };
  const body = encodeBody(content);
  const plain = encodeItem(stamped, body);
  const envelope = sealEnvelope(key, plain, ad.item(teamId, v.id, id, v.generation, version));
  wipe(plain, body);
  const edit: QueuedEdit = {
    vault: v.id,
    item: id,
    baseVersion,
    version,
    generation: v.generation,
    envelope,
    deleted: !!header.deleted,
    queuedAt: new Date().toISOString(),
    baseDigest,
  };
  if (queued) st.queue.splice(queuedAt, 1);
  st.queue.push(edit);
  index.set(id, { id, vault: v.id, version, header: stamped, pending: true });
  u.save();
  return id;
}

/** Every stored version of one secret, each checked to belong to it. */
async function versionsOf(
  u: Unlocked,
  teamId: string,
  index: Map<string, IndexedItem>,
  vaultRef: string,
  name: string,
) {
  u.requireSession();
  const v = resolveVault(u, teamId, vaultRef);
  const it = requireItem(index, v, name);
  const { versions } = await u.http.request(
    'GET',
    paths.itemVersions(teamId, v.id, it.id),
    undefined,
    itemVersionsReply,
  );
  if (versions.some((r) => r.id !== it.id || r.vault !== v.id)) {
    throw new TesseraError('tampered', 'the server mixed another item into this history');
  }
  return versions;
}

/** Decrypts an older version (for rollback). The caller wipes the content (wipeContent). */
export async function readSecretVersion(
  u: Unlocked,
  teamId: string,
  index: Map<string, IndexedItem>,
  vaultRef: string,
  name: string,
  version: number,
) {
  const rec = (await versionsOf(u, teamId, index, vaultRef, name)).find((r) => r.version === version);
  if (!rec) throw new TesseraError('not_found', `${name} has no version ${version}`);
  // Authenticated against its own item id, vault, generation and version like any item.
  return { item: { id: rec.id }, vault: { id: rec.vault }, ...openContent(u, teamId, rec) };
}

/** Who wrote a version, by email, when a signature by that member's chain key says so. The
 *  server says who wrote each version; an unsigned or mis-signed one has no author at all. */
export function verifiedAuthor(u: Unlocked, teamId: string, rec: ItemRecord): string | null {
  return versionSigner(u.team(teamId).chain, teamId, rec)?.email ?? null;
}

export interface VersionInfo {
  version: number;
  generation: number;
  deleted: boolean;
  updatedAt: string;
  updatedBy: string;
}

export async function secretHistory(
  u: Unlocked,
  teamId: string,
  index: Map<string, IndexedItem>,
  vaultRef: string,
  name: string,
) {
  const versions = await versionsOf(u, teamId, index, vaultRef, name);
  const authorOf = (rec: ItemRecord) => verifiedAuthor(u, teamId, rec);
  const out: (VersionInfo & { readable: boolean })[] = [];
  for (const rec of versions) {
    const readable = !!u.keyring.vaultKey(rec.vault, rec.generation);
    if (readable) decryptRecord((vault, g) => u.keyring.vaultKey(vault, g), teamId, rec, false);
    out.push({
      version: rec.version,
      generation: rec.generation,
      deleted: rec.deleted,
      updatedAt: rec.updatedAt,
      updatedBy: authorOf(rec) ?? 'unverified author',
      readable,
    });
  }
  return out;
}
