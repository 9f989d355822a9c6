// Process: core (trusted Node side; never imports electron).
// What the window shows of a conflict before someone picks a side: the copy that kept the
// losing edit and the secret it crossed, each with who wrote it and when. Names and authors
// only; the values stay behind secret.reveal, one at a time, so both sides start concealed.
import type { ConflictSideView, ConflictView } from '../../../shared/ipc-results.ts';
import { TesseraError } from '../../../shared/errors.ts';
import type { Unlocked } from '../profile/unlocked.ts';
import { currentRecord, type IndexedItem } from '../vault/index.ts';
import { findItem, verifiedAuthor } from './secrets.ts';
import { resolveVault } from './vaults.ts';

export function showConflict(
  u: Unlocked,
  teamId: string,
  index: Map<string, IndexedItem>,
  vaultRef: string,
  copyName: string,
): ConflictView {
  const v = resolveVault(u, teamId, vaultRef);
  const copy = findItem(index, v.id, copyName);
  if (!copy) throw new TesseraError('not_found', `no secret ${JSON.stringify(copyName)} in vault ${v.name}`);
  const originalId = copy.header.conflictOf;
  if (!originalId) throw new TesseraError('not_found', `${copyName} is not a conflict copy`);
  const original = index.get(originalId);
  return {
    copy: side(u, teamId, copy),
    current: original && !original.header.deleted ? side(u, teamId, original) : null,
  };
}

function side(u: Unlocked, teamId: string, it: IndexedItem): ConflictSideView {
  const rec = currentRecord(u.team(teamId), it.id);
  const base = { id: it.id, name: it.header.name, vaultId: it.vault, version: it.version };
  if (!rec || 'pending' in rec) {
    // Written on this device and not sent yet: no server record, and no doubt who wrote it.
    return { ...base, author: u.email, writtenAt: rec?.queuedAt ?? null, pending: true };
  }
  return { ...base, author: verifiedAuthor(u, teamId, rec), writtenAt: rec.updatedAt, pending: false };
}
