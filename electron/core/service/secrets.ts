// Process: core (trusted Node side; never imports electron).
// Reading and writing secrets. A write is encrypted and queued first, then pushed: if the
// server cannot be reached the edit stays, encrypted, in the profile cache and goes out on
// the next sync. Values are Uint8Arrays from end to end; callers wipe what they get.
import { itemVersionsReply, paths } from '../../../shared/api.ts';
import type { SecretView } from '../../../shared/ipc-results.ts';
import { TesseraError } from '../../../shared/errors.ts';
import { ad } from '../../../shared/formats.ts';
import { mayInVault } from '../../../shared/roles.ts';
import { envelopeHash, sealEnvelope, verifyItemVersion, wipe } from '../crypto/index.ts';
import { currentRecord, decryptRecord, digestOf, type IndexedItem } from '../vault/index.ts';
import { encodeItem, type ItemHeader } from '../vault/item-payload.ts';
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
      ...(it.header.rotateEveryDays ? { rotateEveryDays: it.header.rotateEveryDays } : {}),
    });
  }
  return out.sort((a, b) => byName.compare(a.vault, b.vault) || byName.compare(a.name, b.name));
}

/** Decrypts one value. The caller owns the returned buffer and must wipe it. */
export function readSecret(
  u: Unlocked,
  teamId: string,
  index: Map<string, IndexedItem>,
  vaultRef: string,
  name: string,
): Uint8Array {
  const v = resolveVault(u, teamId, vaultRef);
  const it = findItem(index, v.id, name);
  if (!it) throw new TesseraError('not_found', `no secret ${JSON.stringify(name)} in vault ${v.name}`);
  const rec = currentRecord(u.team(teamId), it.id)!;
  return decryptRecord((vault, g) => u.keyring.vaultKey(vault, g), teamId, rec, true).value!;
}

/** What a write may change besides the value. A field left out keeps what the secret had;
 *  `rotateEveryDays: null` clears it. */
export interface SecretMeta {
  deleted?: boolean;
  conflictOf?: string;
  rotateEveryDays?: number | null;
}

/** The header of a new version: the previous version's metadata (a new value or a tombstone
 *  does not drop a rotation interval), then what this write changes. */
export function nextHeader(previous: ItemHeader | undefined, name: string, meta: SecretMeta, author: string) {
  const { name: _name, deleted: _deleted, updatedBy: _by, ...kept } = previous ?? { name };
  const header: ItemHeader = { ...kept, name, updatedBy: author };
  if (meta.deleted) header.deleted = true;
  if (meta.conflictOf !== undefined) header.conflictOf = meta.conflictOf;
  if (meta.rotateEveryDays === null) delete header.rotateEveryDays;
  else if (meta.rotateEveryDays !== undefined) header.rotateEveryDays = meta.rotateEveryDays;
  return header;
}

/** Encrypts and queues a new version (or a tombstone). Returns the item id. */
export function writeSecret(
  u: Unlocked,
  teamId: string,
  index: Map<string, IndexedItem>,
  vaultRef: string,
  name: string,
  value: Uint8Array,
  meta: SecretMeta = {},
): string {
  const v = resolveVault(u, teamId, vaultRef);
  if (!mayInVault(v.role, 'item.write'))
    throw new TesseraError('forbidden', `your role ${v.role} on vault ${v.name} may not item.write`);
  const st = u.team(teamId);
  const existing = findItem(index, v.id, name);
  if (!existing && meta.deleted)
    throw new TesseraError('not_found', `no secret ${JSON.stringify(name)} in vault ${v.name}`);
  const id = existing?.id ?? crypto.randomUUID();
  // One queued edit per item: a second offline edit replaces the first but keeps its base,
  // so the server still sees exactly one step from the version this client last knew.
  const queuedAt = st.queue.findIndex((q) => q.item === id);
  const queued = queuedAt >= 0 ? st.queue[queuedAt] : undefined;
  const baseVersion = queued ? queued.baseVersion : (st.items[id]?.version ?? 0);
  const baseDigest = queued ? queued.baseDigest : digestOf(u.keyring, teamId, st.items[id]);
  const version = baseVersion + 1;
  const key = u.keyring.vaultKey(v.id, v.generation);
  if (!key) throw new TesseraError('forbidden', `no key for vault ${v.name} yet`);
  const header = nextHeader(existing?.header, name, meta, u.email);
  const plain = encodeItem(header, value);
  const envelope = sealEnvelope(key, plain, ad.item(teamId, v.id, id, v.generation, version));
  wipe(plain);
  const edit: QueuedEdit = {
    vault: v.id,
    item: id,
    baseVersion,
    version,
    generation: v.generation,
    envelope,
    deleted: !!meta.deleted,
    queuedAt: new Date().toISOString(),
    baseDigest,
  };
  if (queued) st.queue.splice(queuedAt, 1);
  st.queue.push(edit);
  index.set(id, { id, vault: v.id, version, header, pending: true });
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
  const it = findItem(index, v.id, name);
  if (!it) throw new TesseraError('not_found', `no secret ${JSON.stringify(name)} in vault ${v.name}`);
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

/** Decrypts an older version (for rollback). The caller owns and must wipe the bytes. */
export async function readSecretVersion(
  u: Unlocked,
  teamId: string,
  index: Map<string, IndexedItem>,
  vaultRef: string,
  name: string,
  version: number,
): Promise<Uint8Array> {
  const rec = (await versionsOf(u, teamId, index, vaultRef, name)).find((r) => r.version === version);
  if (!rec) throw new TesseraError('not_found', `${name} has no version ${version}`);
  // Authenticated against its own item id, vault, generation and version like any item.
  return decryptRecord((vault, g) => u.keyring.vaultKey(vault, g), teamId, rec, true).value!;
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
  const members = u.team(teamId).chain.members;
  // The server says who wrote each version; only a signature by that member's chain key says so
  // for certain. An unsigned or mis-signed version shows no author at all.
  const authorOf = (rec: (typeof versions)[number]) => {
    const m = members.get(rec.updatedBy);
    const ok =
      !!m &&
      verifyItemVersion(
        {
          team: teamId,
          vault: rec.vault,
          item: rec.id,
          version: rec.version,
          generation: rec.generation,
          deleted: rec.deleted,
          author: rec.updatedBy,
          envelopeHash: envelopeHash(rec.envelope),
        },
        rec.signature,
        m.keys.signPublicKey,
      );
    return ok ? m!.email : null;
  };
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
