// Process: core (trusted Node side; never imports electron).
// Push: deliver queued edits in order with the version each was based on. The server
// accepts a write only if the item is still at that version (optimistic concurrency). On a
// conflict nothing is lost: the server's value stays, and ours is saved beside it as a new
// item named "<name> (conflict …)" that both people see and can resolve.
import { type ItemRecord, itemRecordSchema, paths, putItemReply } from '../../../shared/api.ts';
import { ad } from '../../../shared/formats.ts';
import { TesseraError } from '../../../shared/errors.ts';
import type { Envelope } from '../../../shared/formats.ts';
import { envelopeHash, openEnvelope, sealEnvelope, signItemVersion, wipe } from '../crypto/index.ts';
import type { Unlocked } from '../profile/unlocked.ts';
import { decryptRecord, digestOf } from '../vault/index.ts';
import { encodeItem } from '../vault/item-payload.ts';
import type { QueuedEdit, TeamState } from '../vault/state.ts';

export interface PushResult {
  pushed: number;
  conflicts: { item: string; name: string; keptAs: string }[];
  /** True when the server could not be reached; what was not sent stays queued. */
  offline: boolean;
  remaining: number;
}

/** This user's signature on an item version they send (formats.statement.itemVersion). */
export function signVersion(
  u: Unlocked,
  teamId: string,
  w: {
    vault: string;
    item: string;
    version: number;
    generation: number;
    deleted: boolean;
    envelope: Envelope;
  },
): string {
  return signItemVersion(
    {
      team: teamId,
      vault: w.vault,
      item: w.item,
      version: w.version,
      generation: w.generation,
      deleted: w.deleted,
      author: u.userId,
      envelopeHash: envelopeHash(w.envelope),
    },
    u.keyring.account.signSecretKey,
  );
}

export async function pushTeam(u: Unlocked, teamId: string): Promise<PushResult> {
  const st = u.team(teamId);
  const result: PushResult = { pushed: 0, conflicts: [], offline: false, remaining: 0 };
  while (st.queue.length > 0) {
    const edit = st.queue[0]!;
    reencryptIfRekeyed(u, teamId, st, edit);
    try {
      const signature = signVersion(u, teamId, edit);
      const reply = await u.http.request(
        'PUT',
        paths.item(teamId, edit.vault, edit.item),
        {
          baseVersion: edit.baseVersion,
          version: edit.version,
          generation: edit.generation,
          envelope: edit.envelope,
          deleted: edit.deleted,
          signature,
        },
        putItemReply,
      );
      st.queue.shift();
      acknowledge(u, teamId, edit, reply.revision, signature);
      result.pushed++;
    } catch (e) {
      if (e instanceof TesseraError && e.code === 'unreachable') {
        result.offline = true;
        break;
      }
      if (e instanceof TesseraError && e.code === 'conflict' && isOwnWrite(edit, e.details)) {
        // Our write landed but its answer was lost (crash, timeout): already acknowledged.
        st.queue.shift();
        const landed = e.details as ItemRecord;
        acknowledge(u, teamId, edit, landed.revision, landed.signature);
        result.pushed++;
        continue;
      }
      if (
        e instanceof TesseraError &&
        e.code === 'conflict' &&
        rebaseIfUnchanged(u, teamId, edit, e.details)
      ) {
        continue; // same content under a newer version (a re-key): retry on top of it
      }
      if (e instanceof TesseraError && e.code === 'conflict' && e.details) {
        const kept = keepBothOnConflict(u, teamId, st, edit, e.details);
        result.conflicts.push(kept);
        continue; // the conflict copy is now queued and goes out in this same loop
      }
      throw e;
    }
  }
  if (result.pushed > 0 || result.conflicts.length > 0) u.save();
  result.remaining = st.queue.length;
  return result;
}

/**
 * A conflict where the server's newer version holds exactly the plaintext our edit started
 * from is no conflict: the vault was re-keyed (or re-saved unchanged) meanwhile. Re-encrypt
 * the edit on top of the server's version and let the loop send it again.
 */
function rebaseIfUnchanged(u: Unlocked, teamId: string, edit: QueuedEdit, details: unknown): boolean {
  const current = itemRecordSchema.safeParse(details);
  if (!current.success || !edit.baseDigest || current.data.id !== edit.item) return false;
  // A server that keeps answering "conflict" with the same content cannot make us loop.
  if ((edit.rebases ?? 0) >= 3) return false;
  edit.rebases = (edit.rebases ?? 0) + 1;
  const rec = current.data;
  let digest: string | undefined;
  try {
    digest = digestOf(u.keyring, teamId, rec);
  } catch {
    return false;
  }
  if (digest !== edit.baseDigest) return false;
  const oldKey = u.keyring.vaultKey(edit.vault, edit.generation);
  const newKey = u.keyring.vaultKey(rec.vault, rec.generation);
  if (!oldKey || !newKey) return false;
  const plain = openEnvelope(
    oldKey,
    edit.envelope,
    ad.item(teamId, edit.vault, edit.item, edit.generation, edit.version),
  );
  edit.baseVersion = rec.version;
  edit.version = rec.version + 1;
  edit.generation = rec.generation;
  edit.envelope = sealEnvelope(
    newKey,
    plain,
    ad.item(teamId, edit.vault, edit.item, edit.generation, edit.version),
  );
  wipe(plain);
  return true;
}

function isOwnWrite(edit: QueuedEdit, details: unknown): boolean {
  const current = itemRecordSchema.safeParse(details);
  return (
    current.success && current.data.version === edit.version && current.data.envelope.ct === edit.envelope.ct
  );
}

/** Keeps the pushed version as the server now holds it, signature included, so this client
 *  can name its author as any other member's client does (a conflict's sides, history). */
function acknowledge(
  u: Unlocked,
  teamId: string,
  edit: QueuedEdit,
  revision: number,
  signature: ItemRecord['signature'],
): void {
  const rec: ItemRecord = {
    id: edit.item,
    vault: edit.vault,
    version: edit.version,
    generation: edit.generation,
    envelope: edit.envelope,
    deleted: edit.deleted,
    revision,
    updatedBy: u.userId,
    updatedAt: new Date().toISOString(),
    signature,
  };
  if ((u.team(teamId).items[edit.item]?.version ?? 0) <= edit.version) u.putItem(teamId, rec);
}

/** A vault re-keyed while the edit waited: re-encrypt it under the current generation. */
function reencryptIfRekeyed(u: Unlocked, teamId: string, st: TeamState, edit: QueuedEdit): void {
  // The chain's generation, not the server's record: an edit must never go out under a key
  // that a re-key retired.
  const vault = st.chain.vaults.get(edit.vault);
  if (!vault || vault.generation === edit.generation) return;
  const newKey = u.keyring.vaultKey(edit.vault, vault.generation);
  const oldKey = u.keyring.vaultKey(edit.vault, edit.generation);
  if (!newKey || !oldKey) return;
  const plain = openEnvelope(
    oldKey,
    edit.envelope,
    ad.item(teamId, edit.vault, edit.item, edit.generation, edit.version),
  );
  edit.envelope = sealEnvelope(
    newKey,
    plain,
    ad.item(teamId, edit.vault, edit.item, vault.generation, edit.version),
  );
  edit.generation = vault.generation;
  wipe(plain);
}

function keepBothOnConflict(u: Unlocked, teamId: string, st: TeamState, edit: QueuedEdit, details: unknown) {
  st.queue.shift();
  const current = itemRecordSchema.safeParse(details);
  if (current.success) {
    // Verify the server's copy like any pulled item before keeping it.
    decryptRecord((v, g) => u.keyring.vaultKey(v, g), teamId, current.data, false);
    if (current.data.version >= (st.items[edit.item]?.version ?? 0)) u.putItem(teamId, current.data);
  }
  const { header, body } = decryptRecord(
    (v, g) => u.keyring.vaultKey(v, g),
    teamId,
    { ...edit, id: edit.item },
    true,
  );
  const stamp = new Date().toISOString().slice(0, 19).replace('T', ' ');
  const copyId = crypto.randomUUID();
  // The id's first characters keep two copies made in the same second apart.
  const name = `${header.name} (conflict ${u.email} ${stamp} ${copyId.slice(0, 4)})`;
  const key = u.keyring.vaultKey(edit.vault, edit.generation)!;
  const plain = encodeItem({ ...header, name, conflictOf: edit.item }, body!);
  st.queue.unshift({
    vault: edit.vault,
    item: copyId,
    baseVersion: 0,
    version: 1,
    generation: edit.generation,
    envelope: sealEnvelope(key, plain, ad.item(teamId, edit.vault, copyId, edit.generation, 1)),
    deleted: false,
    queuedAt: new Date().toISOString(),
  });
  wipe(plain, body!);
  return { item: edit.item, name: header.name, keptAs: name };
}
