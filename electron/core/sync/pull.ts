// Process: core (trusted Node side; never imports electron).
// Pull: fetch "changes since cursor", verify everything against signatures and the pinned
// root, and only then apply it. A batch that fails any check is refused whole: the cursor
// does not move and the cache is untouched, so a hostile answer cannot half-poison a vault.
import {
  type ChangesReply,
  changesReply,
  type DirectoryEntry,
  paths,
  type TeamInfo,
  type VaultKeyGrant,
  type VaultRecord,
} from '../../../shared/api.ts';
import { ad } from '../../../shared/formats.ts';
import { TesseraError } from '../../../shared/errors.ts';
import { openEnvelope, openVaultKey, wipe } from '../crypto/index.ts';
import type { Unlocked } from '../profile/unlocked.ts';
import { decryptRecord } from '../vault/index.ts';
import type { ItemHeader } from '../vault/item-payload.ts';
import type { TeamState } from '../vault/state.ts';
import { checkPinnedRoot, validGrants, verifiedDirectory } from './trust.ts';

export interface PullResult {
  revision: number;
  /** Every changed item this client could read, with its decrypted header (no value). */
  changed: Map<string, ItemHeader>;
  full: boolean;
}

export async function pullTeam(u: Unlocked, teamId: string): Promise<PullResult> {
  u.requireSession();
  const st = u.team(teamId);
  // The server includes every item of a vault we gained access to since the cursor.
  const reply = await fetchChanges(u, teamId, st.cursor);
  const full = st.cursor === 0;
  if (reply.revision < st.cursor) {
    throw new TesseraError(
      'tampered',
      `the server's revision went backwards (${reply.revision} < ${st.cursor})`,
    );
  }
  checkPinnedRoot(st.pinned, reply.team);
  const directory = verifiedDirectory(st.pinned, reply.directory);
  const vaults: Record<string, VaultRecord> = {};
  for (const v of reply.vaults) vaults[v.id] = v;

  // Open every vault key addressed to us that a valid grant backs. Keys go to the keyring
  // only after the whole batch has verified.
  let opened: OpenedKey[] = [];
  let changed: Map<string, ItemHeader>;
  try {
    opened = openVaultKeys(u, teamId, st.pinned, reply.vaults, reply.keyGrants, directory);
    const keyFor = (vault: string, generation: number) =>
      opened.find((o) => o.vault === vault && o.generation === generation)?.key;
    changed = checkItems(u, teamId, st, reply, vaults, full, keyFor);
  } catch (e) {
    wipe(...opened.map((o) => o.key));
    throw e;
  }

  // Apply.
  for (const id of Object.keys(st.vaults)) if (!vaults[id]) forgetVault(u, teamId, st, id);
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
  st.vaults = vaults;
  st.grants = reply.keyGrants;
  st.directory = reply.directory;
  st.cursor = reply.revision;
  return { revision: reply.revision, changed, full };
}

interface OpenedKey {
  vault: string;
  generation: number;
  key: Uint8Array;
}

/** Opens the vault keys sealed to this user whose grants verify, and checks each vault's
 *  name authenticates under its current key. Throws (after wiping) on any failure. */
export function openVaultKeys(
  u: Unlocked,
  teamId: string,
  pinned: TeamInfo,
  vaults: readonly VaultRecord[],
  grants: readonly VaultKeyGrant[],
  directory: Map<string, DirectoryEntry>,
): OpenedKey[] {
  const opened: OpenedKey[] = [];
  try {
    for (const v of vaults) {
      for (const g of validGrants(pinned, v.id, grants, directory)) {
        if (g.recipient !== u.userId || opened.some((o) => o.vault === v.id && o.generation === g.generation))
          continue;
        opened.push({
          vault: v.id,
          generation: g.generation,
          key: openVaultKey(g.sealedKey, u.keyring.account),
        });
      }
      const current = opened.find((o) => o.vault === v.id && o.generation === v.generation)?.key;
      if (current) checkVaultName(current, teamId, v);
    }
  } catch (e) {
    wipe(...opened.map((o) => o.key));
    throw e;
  }
  return opened;
}

/** At unlock: the keyring starts empty; re-open the keys from the verified cached grants. */
export function restoreVaultKeys(u: Unlocked, teamId: string): void {
  const st = u.team(teamId);
  const directory = verifiedDirectory(st.pinned, st.directory);
  for (const o of openVaultKeys(u, teamId, st.pinned, Object.values(st.vaults), st.grants, directory)) {
    u.keyring.setVaultKey(o.vault, o.generation, o.key);
  }
}

async function fetchChanges(u: Unlocked, teamId: string, since: number): Promise<ChangesReply> {
  return u.http.request('GET', paths.changes(teamId, since), undefined, changesReply);
}

function checkVaultName(key: Uint8Array, teamId: string, v: VaultRecord): void {
  try {
    wipe(openEnvelope(key, v.name, ad.vaultName(teamId, v.id, v.generation)));
  } catch {
    throw new TesseraError(
      'tampered',
      `vault ${v.id}: its name does not authenticate under its key; refusing the vault`,
    );
  }
}

function checkItems(
  u: Unlocked,
  teamId: string,
  st: TeamState,
  reply: ChangesReply,
  vaults: Record<string, VaultRecord>,
  full: boolean,
  keyFor: (vault: string, generation: number) => Uint8Array | undefined,
): Map<string, ItemHeader> {
  const seen = new Set<string>();
  const headers = new Map<string, ItemHeader>();
  for (const item of reply.items) {
    seen.add(item.id);
    if (!vaults[item.vault])
      throw new TesseraError('tampered', `item ${item.id} belongs to no vault you can read`);
    const known = st.items[item.id];
    if (known && known.vault !== item.vault)
      throw new TesseraError('tampered', `item ${item.id} moved between vaults`);
    const highest = known?.version ?? 0;
    if (item.version < highest) {
      throw new TesseraError(
        'tampered',
        `item ${item.id} was rolled back from version ${highest} to ${item.version}`,
      );
    }
    const lookup = (v: string, g: number) => keyFor(v, g) ?? u.keyring.vaultKey(v, g);
    // A vault whose key has not been shared with us yet: kept, and checked once readable.
    if (lookup(item.vault, item.generation))
      headers.set(item.id, decryptRecord(lookup, teamId, item, false).header);
  }
  if (full) {
    for (const [id, known] of Object.entries(st.items)) {
      if (vaults[known.vault] && !seen.has(id)) {
        throw new TesseraError(
          'tampered',
          `the server withheld item ${id}, which this client has seen before`,
        );
      }
    }
  }
  return headers;
}

function forgetVault(u: Unlocked, teamId: string, st: TeamState, vault: string): void {
  for (const [id, item] of Object.entries(st.items)) if (item.vault === vault) u.dropItem(teamId, id);
  u.keyring.forgetVault(vault);
}
