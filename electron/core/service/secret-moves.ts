// Process: core (trusted Node side; never imports electron).
// Renaming, moving and restoring secrets. Each is new versions of whole items, never an edit
// in place: a rename or a restore is the item's next version (its history stays with it); a
// move writes the item into the other vault under a new id and then a tombstone in the old one,
// both queued before either is sent, so an interrupted move leaves a copy, never a loss.
import { TesseraError } from '../../../shared/errors.ts';
import type { IndexedItem } from '../vault/index.ts';
import { type ItemHeader, wipeContent } from '../vault/item-payload.ts';
import type { Unlocked } from '../profile/unlocked.ts';
import { findItem, queueVersion, readItem, readSecretVersion, writableVault } from './secrets.ts';

type Index = Map<string, IndexedItem>;

export function checkSecretName(name: string): string {
  const n = name.trim();
  if (n === '' || n.length > 200 || n !== name)
    throw new TesseraError('usage', 'a secret name is 1 to 200 characters, without spaces at either end');
  return n;
}

function refuseTaken(index: Index, vault: { id: string; name: string }, name: string): void {
  if (findItem(index, vault.id, name))
    throw new TesseraError(
      'conflict',
      `vault ${vault.name} already has a secret named ${JSON.stringify(name)}`,
    );
}

export function renameSecret(
  u: Unlocked,
  teamId: string,
  index: Index,
  vaultRef: string,
  name: string,
  to: string,
) {
  checkSecretName(to);
  const v = writableVault(u, teamId, vaultRef);
  if (to === name) return;
  refuseTaken(index, v, to);
  const it = readItem(u, teamId, index, vaultRef, name);
  try {
    const header: ItemHeader = { ...it.header, name: to, updatedBy: u.email };
    queueVersion(u, teamId, index, v, it.item.id, header, it.content);
  } finally {
    wipeContent(it.content);
  }
}

/** Moves (and optionally renames) a secret into another vault. Returns the new item id. */
export function moveSecret(
  u: Unlocked,
  teamId: string,
  index: Index,
  from: { vault: string; name: string },
  to: { vault: string; name?: string },
): string {
  const source = writableVault(u, teamId, from.vault);
  const target = writableVault(u, teamId, to.vault);
  const name = checkSecretName(to.name ?? from.name);
  if (source.id === target.id) {
    renameSecret(u, teamId, index, from.vault, from.name, name);
    return findItem(index, target.id, name)!.id;
  }
  refuseTaken(index, target, name);
  const it = readItem(u, teamId, index, from.vault, from.name);
  try {
    const { conflictOf: _c, ...kept } = it.header;
    const id = queueVersion(
      u,
      teamId,
      index,
      target,
      crypto.randomUUID(),
      { ...kept, name, updatedBy: u.email },
      it.content,
    );
    queueVersion(
      u,
      teamId,
      index,
      source,
      it.item.id,
      { ...it.header, deleted: true, updatedBy: u.email },
      it.content,
    );
    return id;
  } finally {
    wipeContent(it.content);
  }
}

/** Writes an older version's fields, notes and tags as the newest version. The name and the
 *  rotation interval stay as they are now: a rollback is of the value, not of the settings. */
export async function restoreVersion(
  u: Unlocked,
  teamId: string,
  index: Index,
  vaultRef: string,
  name: string,
  version: number,
  clock: () => Date = () => new Date(),
) {
  const v = writableVault(u, teamId, vaultRef);
  const now = readItem(u, teamId, index, vaultRef, name);
  wipeContent(now.content);
  if (version === now.item.version)
    throw new TesseraError('usage', `version ${version} is already the newest version of ${name}`);
  const old = await readSecretVersion(u, teamId, index, vaultRef, name, version);
  try {
    if (old.header.deleted) throw new TesseraError('usage', `version ${version} of ${name} is a deletion`);
    const {
      rotateEveryDays: _r,
      conflictOf: _c,
      deleted: _d,
      rotatedAt: _at,
      expires: _e,
      generator: _g,
      ...fromOld
    } = old.header;
    // The value changes back, so the rotation clock restarts; the settings stay as they are now.
    const { rotateEveryDays, conflictOf, expires, generator } = now.header;
    const header: ItemHeader = {
      ...fromOld,
      name,
      updatedBy: u.email,
      rotatedAt: clock().toISOString(),
      ...(rotateEveryDays ? { rotateEveryDays } : {}),
      ...(conflictOf ? { conflictOf } : {}),
      ...(expires ? { expires } : {}),
      ...(generator ? { generator } : {}),
    };
    queueVersion(u, teamId, index, v, now.item.id, header, old.content);
  } finally {
    wipeContent(old.content);
  }
}

/** Settles a conflict copy: `mine` writes the copy's whole item (fields, notes, tags) as the
 *  original's next version; either way the copy is then removed. */
export function settleConflict(
  u: Unlocked,
  teamId: string,
  index: Index,
  vaultRef: string,
  copyName: string,
  keep: 'mine' | 'theirs',
) {
  const v = writableVault(u, teamId, vaultRef);
  const copy = readItem(u, teamId, index, vaultRef, copyName);
  try {
    const originalId = copy.header.conflictOf;
    if (!originalId) throw new TesseraError('not_found', `${copyName} is not a conflict copy`);
    const original = index.get(originalId);
    if (keep === 'mine' && original && !original.header.deleted) {
      const { conflictOf: _c, ...kept } = copy.header;
      queueVersion(
        u,
        teamId,
        index,
        v,
        originalId,
        { ...kept, name: original.header.name, updatedBy: u.email },
        copy.content,
      );
    }
    queueVersion(
      u,
      teamId,
      index,
      v,
      copy.item.id,
      { ...copy.header, deleted: true, updatedBy: u.email },
      copy.content,
    );
  } finally {
    wipeContent(copy.content);
  }
}
