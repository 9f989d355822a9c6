// Process: core (trusted Node side; never imports electron).
// What the encrypted profile cache holds. Everything here is either ciphertext the server
// also has (item envelopes, sealed vault keys) or bookkeeping that protects the client from
// the server: the verified team chain state with its head (seq, hash), the hash of every key
// a verified link sealed to this user, and the newest verified record of every item, whose
// version is how a replayed older revision is recognised.
import type { ItemRecord, MyKey, VaultRecord } from '../../../shared/api.ts';
import type { TeamState as ChainState } from '../../../shared/chain/state.ts';
import type { Envelope } from '../../../shared/formats.ts';
import type { ClientAuditEvent } from '../../../shared/audit/entry.ts';
import type { AuditHead } from '../../../shared/audit/verify.ts';

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
  /** The chain as this client verified it; every later answer must extend its head. In the
   *  file it is stateToJson's form, converted at load and save (profile/unlocked.ts). */
  chain: ChainState;
  cursor: number;
  /** Name envelopes of the vaults the chain lets this user read, as last verified. A vault
   *  the server leaves out of an answer keeps its record here: the chain says it exists. */
  vaults: Record<string, VaultRecord>;
  /** `vault|generation` → the hash of the key a verified link sealed to this user. */
  keyHashes: Record<string, string>;
  /** Sealed keys whose hash matched keyHashes, re-opened at every unlock. */
  keys: MyKey[];
  /** The newest verified record of each item (kept in the item log, not the state file). */
  items: Record<string, ItemRecord>;
  queue: QueuedEdit[];
  /** Rotation flags as the server last relayed them, believed only once checked against the
   *  chain when read (service/rotation-flags.ts). Absent in profiles from before flags. */
  flags?: unknown[];
  /** The team's audit log as this client last verified it (its newest head, which every later
   *  answer must pass through) and this member's signed events not yet taken by the server
   *  (service/audit.ts). Absent in profiles from before the audit log. */
  audit?: { head: AuditHead; queue: ClientAuditEvent[] };
}

export interface CacheState {
  v: 3;
  session: { token: string; expiresAt: string } | null;
  teams: Record<string, TeamState>;
}

export function emptyCache(): CacheState {
  return { v: 3, session: null, teams: {} };
}

export function emptyTeamState(chain: ChainState): TeamState {
  return { chain, cursor: 0, vaults: {}, keyHashes: {}, keys: [], items: {}, queue: [] };
}

export const keyHashId = (vault: string, generation: number) => `${vault}|${generation}`;
