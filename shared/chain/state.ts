// Process: shared. What a verified team chain says (docs/design.md "The team chain"): members
// and roles, groups, vaults with their generation, grants and key holders. Readers, missing
// keys and pending re-keys are derived here from that state alone, never taken from a server
// answer, so the client seals a key only to someone the signatures entitle.
import { standingVaultRole, type TeamRole, type VaultRole } from '../roles.ts';
import {
  type BreakGlassMark,
  type BreakGlassSession,
  cloneSessions,
  sessionRekeyPending,
} from './breakglass.ts';
import type { Principal } from './links.ts';

export interface MemberKeys {
  boxPublicKey: string;
  signPublicKey: string;
}

export interface ChainMember {
  user: string;
  email: string;
  role: TeamRole;
  keys: MemberKeys;
  status: 'confirmed' | 'removed';
  removedReason?: 'removed' | 'offboarded';
}

export interface ChainVault {
  id: string;
  generation: number;
  creator: string;
  /** `user:<id>` or `group:<id>` → role. */
  grants: Map<string, VaultRole>;
  /** Who holds the key at the current generation, and the hash of the sealed copy they hold. */
  keyHolders: Map<string, string>;
  /** Set by `vault.delete`: the vault stays in the state so nothing can be done to it again. */
  deleted?: true;
  /** Set by `vault.breakglass`: no standing readers but owners (docs/design.md "Break-glass"). */
  breakglass?: BreakGlassMark;
  sessions?: BreakGlassSession[];
}

/** A `member.remove` with reason `offboarded`, and what the leaver could read just before it
 *  (docs/design.md "Offboarding"): derived from the verified chain, never from a server. */
export interface Offboarding {
  user: string;
  email: string;
  /** The signed date of the offboarding, when the link carries one. */
  at: string | null;
  seq: number;
  author: string;
  /** Vaults the leaver could read (a grant, a group's grant, or owner) or held the key of. */
  vaults: string[];
  /** Each of those vaults' generation at the link: the newest key the leaver could hold.
   *  Absent on records a client derived before it was kept. */
  generations?: Record<string, number>;
}

export interface TeamState {
  team: string;
  name: string;
  seq: number;
  /** base64url BLAKE2b-256 of the newest verified link. */
  head: string;
  root: string;
  members: Map<string, ChainMember>;
  /** Open invitations by email. */
  invites: Map<string, TeamRole>;
  groups: Map<string, { name: string; members: Set<string> }>;
  vaults: Map<string, ChainVault>;
  /** Absent in states saved before offboarding existed. */
  offboardings?: Offboarding[];
}

export const principalKey = (p: Principal) => `${p.kind}:${p.id}`;

export function activeMember(state: TeamState, user: string): ChainMember | undefined {
  const m = state.members.get(user);
  return m && m.status === 'confirmed' ? m : undefined;
}

/** The member's effective role on the vault: the strongest direct or group grant, `manage` for owners. */
export function vaultRoleOf(state: TeamState, vault: ChainVault, user: string): VaultRole | null {
  const m = activeMember(state, user);
  if (!m) return null;
  const grants: (VaultRole | undefined)[] = [vault.grants.get(`user:${user}`)];
  for (const [gid, g] of state.groups) if (g.members.has(user)) grants.push(vault.grants.get(`group:${gid}`));
  return standingVaultRole(m.role, grants, !!vault.breakglass);
}

/** Everyone the chain entitles to the vault's key, sorted. */
export function readersOf(state: TeamState, vault: ChainVault): string[] {
  const out: string[] = [];
  for (const user of state.members.keys()) if (vaultRoleOf(state, vault, user)) out.push(user);
  return out.sort();
}

/** Entitled readers who hold no key at the current generation: a manager delivers to them.
 *  A deleted vault has no duties left: nobody is owed its key. */
export function missingKeys(state: TeamState, vault: ChainVault): string[] {
  if (vault.deleted) return [];
  return readersOf(state, vault).filter((u) => !vault.keyHolders.has(u));
}

/** Someone holds the current key who is no longer entitled, or a break-glass session that
 *  had it is over (by `now`, when given): the next manager must re-key. */
export function rekeyPending(state: TeamState, vault: ChainVault, now?: number): boolean {
  if (vault.deleted) return false;
  if (sessionRekeyPending(vault, now)) return true;
  for (const user of vault.keyHolders.keys()) if (!vaultRoleOf(state, vault, user)) return true;
  return false;
}

export function cloneState(s: TeamState): TeamState {
  return {
    ...s,
    members: new Map([...s.members].map(([k, m]) => [k, { ...m, keys: { ...m.keys } }])),
    invites: new Map(s.invites),
    groups: new Map([...s.groups].map(([k, g]) => [k, { name: g.name, members: new Set(g.members) }])),
    vaults: new Map(
      [...s.vaults].map(([k, v]) => [
        k,
        { ...v, grants: new Map(v.grants), keyHolders: new Map(v.keyHolders), ...cloneSessions(v) },
      ]),
    ),
    ...(s.offboardings ? { offboardings: s.offboardings.map((o) => ({ ...o, vaults: [...o.vaults] })) } : {}),
  };
}

/** A plain-JSON form for the encrypted profile, so unlock does not re-verify the whole chain. */
export function stateToJson(s: TeamState): unknown {
  return {
    ...s,
    members: [...s.members.values()],
    invites: [...s.invites],
    groups: [...s.groups].map(([id, g]) => ({ id, name: g.name, members: [...g.members] })),
    vaults: [...s.vaults.values()].map((v) => ({
      ...v,
      grants: [...v.grants],
      keyHolders: [...v.keyHolders],
    })),
  };
}

export function stateFromJson(j: unknown): TeamState {
  // Only ever fed what stateToJson wrote into the encrypted, authenticated profile.
  const o = j as Pick<TeamState, 'team' | 'name' | 'seq' | 'head' | 'root' | 'offboardings'> & {
    members: ChainMember[];
    invites: [string, TeamRole][];
    groups: { id: string; name: string; members: string[] }[];
    vaults: (Omit<ChainVault, 'grants' | 'keyHolders'> & {
      grants: [string, VaultRole][];
      keyHolders: [string, string][];
    })[];
  };
  return {
    team: o.team,
    name: o.name,
    seq: o.seq,
    head: o.head,
    root: o.root,
    members: new Map(o.members.map((m) => [m.user, m])),
    invites: new Map(o.invites),
    groups: new Map(o.groups.map((g) => [g.id, { name: g.name, members: new Set(g.members) }])),
    vaults: new Map(
      o.vaults.map((v) => [v.id, { ...v, grants: new Map(v.grants), keyHolders: new Map(v.keyHolders) }]),
    ),
    ...(o.offboardings ? { offboardings: o.offboardings } : {}),
  };
}
