// Process: core (trusted Node side; never imports electron).
// What the encrypted profile cache holds. Everything here is either ciphertext the server
// also has (item envelopes, sealed vault keys, signed directory entries) or bookkeeping that
// protects the client from the server: the pinned team root key, and the newest verified
// record of every item, whose version is how a replayed older revision is recognised.
import type {
  DirectoryEntry,
  ItemRecord,
  TeamInfo,
  VaultKeyGrant,
  VaultRecord,
} from '../../../shared/api.ts';
import type { Envelope } from '../../../shared/formats.ts';

/** An edit made while offline (or not yet acknowledged), already encrypted for its item. */
export interface QueuedEdit {
  vault: string;
  item: string;
  baseVersion: number;
  version: number;
  generation: number;
  envelope: Envelope;
  deleted: boolean;
  queuedAt: string;
  /** contentDigest of the plaintext this edit started from (absent for a new item). */
  baseDigest?: string;
  /** How many times this edit was moved onto a newer, content-identical version. */
  rebases?: number;
}

export interface TeamState {
  /** Team info as pinned when this profile created or joined the team. */
  pinned: TeamInfo;
  cursor: number;
  vaults: Record<string, VaultRecord>;
  grants: VaultKeyGrant[];
  directory: DirectoryEntry[];
  /** The newest verified record of each item (kept in the item log, not the state file). */
  items: Record<string, ItemRecord>;
  queue: QueuedEdit[];
}

export interface CacheState {
  v: 2;
  session: { token: string; expiresAt: string } | null;
  teams: Record<string, TeamState>;
}

export function emptyCache(): CacheState {
  return { v: 2, session: null, teams: {} };
}

export function emptyTeamState(pinned: TeamInfo): TeamState {
  return {
    pinned,
    cursor: 0,
    vaults: {},
    grants: [],
    directory: [],
    items: {},
    queue: [],
  };
}
