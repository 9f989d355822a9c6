// Process: shared. Who may append each link type, judged against the state after every
// earlier link, with the one role table in shared/roles.ts (docs/design.md "The team chain").
// Each rule throws a ChainError naming what was wrong; `applyLink` mutates the state it is
// given, so callers hand it a clone (verify.ts) and drop it on the first refusal.
import {
  mayChangeRole,
  mayConfirm,
  mayInTeam,
  mayInVault,
  mayOffboardMember,
  mayRemoveMember,
  mayRevokeInvitation,
  inviteOperation,
} from '../roles.ts';
import { type BreakGlassSession, findSession, grantedAt } from './breakglass.ts';
import { type ChainLink, type LinkBody, type LinkType, linkBodies, type ReaderKey } from './links.ts';
import {
  activeMember,
  type ChainMember,
  type ChainVault,
  principalKey,
  readersOf,
  type TeamState,
  vaultRoleOf,
} from './state.ts';

export class ChainError extends Error {
  readonly seq: number;
  constructor(seq: number, message: string) {
    super(`team chain link ${seq}: ${message}`);
    this.name = 'ChainError';
    this.seq = seq;
  }
}

type Rule<T extends LinkType> = (
  s: TeamState,
  author: ChainMember,
  body: LinkBody<T>,
  fail: (m: string) => ChainError,
) => void;

const ownerCount = (s: TeamState) =>
  [...s.members.values()].filter((m) => m.status === 'confirmed' && m.role === 'owner').length;

/** A vault links may still change: it exists and no `vault.delete` ended it. */
function vaultOf(s: TeamState, id: string, fail: (m: string) => ChainError): ChainVault {
  const v = s.vaults.get(id);
  if (!v) throw fail(`vault ${id} does not exist in this chain`);
  if (v.deleted) throw fail(`vault ${id} was deleted`);
  return v;
}

function needVault(
  s: TeamState,
  v: ChainVault,
  author: ChainMember,
  op: 'vault.share' | 'vault.rekey' | 'vault.manage' | 'breakglass.policy',
  fail: (m: string) => ChainError,
) {
  if (!mayInVault(vaultRoleOf(s, v, author.user), op))
    throw fail(`${author.email} does not manage vault ${v.id}`);
}

/** The keys of a vault.create or vault.rekey: one per entitled reader, exactly, no more. */
function exactReaders(
  s: TeamState,
  v: ChainVault,
  keys: readonly ReaderKey[],
  fail: (m: string) => ChainError,
): Map<string, string> {
  const want = readersOf(s, v);
  const got = keys.map((k) => k.user);
  const sorted = [...got].sort();
  if (new Set(got).size !== got.length) throw fail('a reader is listed twice');
  if (sorted.join() !== want.join())
    throw fail(`keys must go to exactly the entitled readers (${want.length}), not ${got.length} others`);
  return new Map(keys.map((k) => [k.user, k.keyHash]));
}

/** Who loses access keeps no standing: drop their direct grants and group places. */
function forget(s: TeamState, user: string) {
  for (const v of s.vaults.values()) v.grants.delete(`user:${user}`);
  for (const g of s.groups.values()) g.members.delete(user);
}

/** What the leaver could read at the moment of the link (docs/design.md "Offboarding"). */
function recordOffboarding(s: TeamState, m: ChainMember, a: ChainMember, at: string | undefined) {
  const held = [...s.vaults.values()].filter(
    (v) => !v.deleted && (vaultRoleOf(s, v, m.user) !== null || v.keyHolders.has(m.user)),
  );
  const vaults = held.map((v) => v.id);
  const generations = Object.fromEntries(held.map((v) => [v.id, v.generation]));
  const record = {
    user: m.user,
    email: m.email,
    at: at ?? null,
    seq: s.seq + 1,
    author: a.user,
    vaults,
    generations,
  };
  s.offboardings = [...(s.offboardings ?? []), record];
}

const rules: { [T in Exclude<LinkType, 'team.create'>]: Rule<T> } = {
  'member.invite': (s, a, b, fail) => {
    if (!mayInTeam(a.role, inviteOperation(b.role))) throw fail(`a ${a.role} may not invite a ${b.role}`);
    for (const m of s.members.values())
      if (m.status === 'confirmed' && m.email === b.email) throw fail(`${b.email} is already a member`);
    s.invites.set(b.email, b.role);
  },
  'member.confirm': (s, a, b, fail) => {
    const invited = s.invites.get(b.email);
    if (invited === undefined) throw fail(`${b.email} was not invited`);
    if (b.role !== invited) throw fail(`${b.email} was invited as ${invited}, not ${b.role}`);
    if (!mayConfirm(a.role, b.role)) throw fail(`a ${a.role} may not confirm a ${b.role}`);
    if (activeMember(s, b.user)) throw fail(`user ${b.user} is already a member`);
    s.invites.delete(b.email);
    s.members.set(b.user, { user: b.user, email: b.email, role: b.role, keys: b.keys, status: 'confirmed' });
  },
  'member.role': (s, a, b, fail) => {
    const m = activeMember(s, b.user);
    if (!m) throw fail(`user ${b.user} is not a member`);
    if (!mayChangeRole(a.role, m.role, b.role))
      throw fail(`a ${a.role} may not change a ${m.role} to ${b.role}`);
    if (m.role === 'owner' && b.role !== 'owner' && ownerCount(s) === 1)
      throw fail('the team would have no owner');
    m.role = b.role;
  },
  'member.remove': (s, a, b, fail) => {
    const m = activeMember(s, b.user);
    if (!m) throw fail(`user ${b.user} is not a member`);
    const may = b.reason === 'offboarded' ? mayOffboardMember : mayRemoveMember;
    if (!may(a.role, m.role)) throw fail(`a ${a.role} may not remove a ${m.role}`);
    if (m.role === 'owner' && ownerCount(s) === 1) throw fail('the team would have no owner');
    if (b.reason === 'offboarded') recordOffboarding(s, m, a, b.at);
    m.status = 'removed';
    m.removedReason = b.reason;
    forget(s, m.user);
  },
  'member.uninvite': (s, a, b, fail) => {
    const invited = s.invites.get(b.email);
    if (invited === undefined) throw fail(`${b.email} has no open invitation`);
    if (!mayRevokeInvitation(a.role, invited))
      throw fail(`a ${a.role} may not revoke an invitation as ${invited}`);
    // Without the invitation no `member.confirm` for this email verifies, whatever the server holds.
    s.invites.delete(b.email);
  },
  'group.create': (s, a, b, fail) => {
    if (!mayInTeam(a.role, 'group.manage')) throw fail(`a ${a.role} may not manage groups`);
    if (s.groups.has(b.group)) throw fail(`group ${b.group} already exists`);
    s.groups.set(b.group, { name: b.name, members: new Set() });
  },
  'group.add': (s, a, b, fail) => {
    if (!mayInTeam(a.role, 'group.manage')) throw fail(`a ${a.role} may not manage groups`);
    const g = s.groups.get(b.group);
    if (!g) throw fail(`group ${b.group} does not exist`);
    if (!activeMember(s, b.user)) throw fail(`user ${b.user} is not a member`);
    if (g.members.has(b.user)) throw fail(`user ${b.user} is already in the group`);
    // Adding to a group shares every vault the group holds: that is sharing, so it needs
    // `manage` on each, or an admin could add herself and wait for a manager to seal her keys.
    // A deleted vault shares nothing any more, so it asks for nothing either.
    for (const v of s.vaults.values())
      if (!v.deleted && v.grants.has(`group:${b.group}`)) needVault(s, v, a, 'vault.share', fail);
    g.members.add(b.user);
  },
  'group.remove': (s, a, b, fail) => {
    if (!mayInTeam(a.role, 'group.manage')) throw fail(`a ${a.role} may not manage groups`);
    const g = s.groups.get(b.group);
    if (!g?.members.has(b.user)) throw fail(`user ${b.user} is not in group ${b.group}`);
    g.members.delete(b.user);
  },
  'vault.create': (s, a, b, fail) => {
    if (!mayInTeam(a.role, 'vault.create')) throw fail(`a ${a.role} may not create vaults`);
    if (s.vaults.has(b.vault)) throw fail(`vault ${b.vault} already exists`);
    const v: ChainVault = {
      id: b.vault,
      generation: 1,
      creator: a.user,
      grants: new Map([[`user:${a.user}`, 'manage']]),
      keyHolders: new Map(),
    };
    v.keyHolders = exactReaders(s, v, b.keys, fail);
    s.vaults.set(v.id, v);
  },
  'vault.grant': (s, a, b, fail) => {
    const v = vaultOf(s, b.vault, fail);
    needVault(s, v, a, 'vault.share', fail);
    if (b.principal.kind === 'user' ? !activeMember(s, b.principal.id) : !s.groups.has(b.principal.id))
      throw fail(`${b.principal.kind} ${b.principal.id} is not in the team`);
    v.grants.set(principalKey(b.principal), b.role);
  },
  'vault.revoke': (s, a, b, fail) => {
    const v = vaultOf(s, b.vault, fail);
    needVault(s, v, a, 'vault.share', fail);
    if (!v.grants.delete(principalKey(b.principal)))
      throw fail(`${b.principal.kind} ${b.principal.id} holds no grant on vault ${v.id}`);
  },
  'vault.rekey': (s, a, b, fail) => {
    const v = vaultOf(s, b.vault, fail);
    needVault(s, v, a, 'vault.rekey', fail);
    if (b.generation !== v.generation + 1)
      throw fail(`re-key must go to generation ${v.generation + 1}, not ${b.generation}`);
    v.keyHolders = exactReaders(s, v, b.keys, fail);
    v.generation = b.generation;
  },
  'key.deliver': (s, a, b, fail) => {
    const v = vaultOf(s, b.vault, fail);
    needVault(s, v, a, 'vault.rekey', fail);
    if (b.generation !== v.generation)
      throw fail(`vault ${v.id} is at generation ${v.generation}, not ${b.generation}`);
    if (!vaultRoleOf(s, v, b.user)) throw fail(`user ${b.user} may not read vault ${v.id}`);
    if (v.keyHolders.has(b.user)) throw fail(`user ${b.user} already holds the key`);
    v.keyHolders.set(b.user, b.keyHash);
  },
  'vault.delete': (s, a, b, fail) => {
    const v = vaultOf(s, b.vault, fail);
    needVault(s, v, a, 'vault.manage', fail);
    v.deleted = true;
  },
  // Break-glass (docs/design.md "Break-glass"): owners-only standing access follows from
  // vaultRoleOf; the rekey the mark implies is the ordinary "exactly the entitled readers".
  'vault.breakglass': (s, a, b, fail) => {
    const v = vaultOf(s, b.vault, fail);
    needVault(s, v, a, 'breakglass.policy', fail);
    v.breakglass = { label: b.label, policy: b.policy, windowMinutes: b.windowMinutes };
    v.sessions ??= [];
  },
  'breakglass.request': (s, a, b, fail) => {
    if (!mayInTeam(a.role, 'breakglass.request'))
      throw fail(`a ${a.role} may not ask for break-glass access`);
    const v = vaultOf(s, b.vault, fail);
    if (!v.breakglass) throw fail(`vault ${v.id} is not a break-glass vault`);
    if (findSession(s.vaults.values(), b.request)) throw fail(`request ${b.request} exists already`);
    if (b.minutes > v.breakglass.windowMinutes)
      throw fail(`the vault allows windows of at most ${v.breakglass.windowMinutes} minutes`);
    v.sessions!.push({
      request: b.request,
      requester: a.user,
      reason: b.reason,
      minutes: b.minutes,
      at: b.at,
      approvals: [],
    });
  },
  'breakglass.approve': (s, a, b, fail) => {
    const { vault: v, session } = sessionOf(s, b, a, fail);
    if (v.breakglass!.policy.kind !== 'approval') throw fail(`vault ${v.id} does not take approvals`);
    if (session.approvals.includes(a.user)) throw fail(`${a.email} approved request ${b.request} already`);
    session.approvals.push(a.user);
  },
  'breakglass.deny': (s, a, b, fail) => {
    const { session } = sessionOf(s, b, a, fail);
    if (session.key) throw fail(`request ${b.request} was granted: close the session instead`);
    session.deniedBy = a.user;
  },
  'breakglass.key': (s, a, b, fail) => {
    const f = findSession(s.vaults.values(), b.request);
    if (!f || f.vault.id !== b.vault) throw fail(`no request ${b.request} on vault ${b.vault}`);
    const v = vaultOf(s, b.vault, fail);
    needVault(s, v, a, 'vault.rekey', fail);
    if (b.generation !== v.generation)
      throw fail(`vault ${v.id} is at generation ${v.generation}, not ${b.generation}`);
    if (f.session.key) throw fail(`request ${b.request} has its key already`);
    if (b.at < f.session.at) throw fail('the key is dated before the request');
    if (!grantedAt(v.breakglass!, f.session, b.at)) throw fail(`request ${b.request} is not granted`);
    f.session.key = {
      by: a.user,
      at: b.at,
      generation: b.generation,
      keyHash: b.keyHash,
      items: b.items,
    };
  },
  'breakglass.close': (s, a, b, fail) => {
    const f = findSession(s.vaults.values(), b.request);
    if (!f || f.vault.id !== b.vault) throw fail(`no request ${b.request} on vault ${b.vault}`);
    if (f.session.requester !== a.user && !mayInTeam(a.role, 'breakglass.approve'))
      throw fail(`${a.email} may not close request ${b.request}`);
    if (f.session.closedAt !== undefined) throw fail(`request ${b.request} is closed already`);
    f.session.closedAt = b.at;
  },
};

/** An approver acting on someone else's open request. */
function sessionOf(
  s: TeamState,
  b: { vault: string; request: string; at: number },
  a: ChainMember,
  fail: (m: string) => ChainError,
): { vault: ChainVault; session: BreakGlassSession } {
  if (!mayInTeam(a.role, 'breakglass.approve'))
    throw fail(`a ${a.role} may not approve or deny break-glass requests`);
  const f = findSession(s.vaults.values(), b.request);
  if (!f || f.vault.id !== b.vault) throw fail(`no request ${b.request} on vault ${b.vault}`);
  vaultOf(s, b.vault, fail);
  if (f.session.requester === a.user) throw fail('nobody may approve or deny their own request');
  if (f.session.deniedBy !== undefined || f.session.closedAt !== undefined)
    throw fail(`request ${b.request} is over`);
  if (b.at < f.session.at) throw fail('the answer is dated before the request');
  return f;
}

/** Checks one later link's body and authority and applies it; the signature is checked by the caller. */
export function applyLink(s: TeamState, link: ChainLink): void {
  const fail = (m: string) => new ChainError(link.seq, m);
  if (link.type === 'team.create') throw fail('only link 1 may create the team');
  const author = activeMember(s, link.author);
  if (!author) throw fail(`author ${link.author} is not a member`);
  const parsed = linkBodies[link.type].safeParse(link.body);
  if (!parsed.success)
    // Stryker disable next-line OptionalChaining: equivalent, a failed zod parse always has at least one issue
    throw fail(`malformed ${link.type} body: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  (rules[link.type as Exclude<LinkType, 'team.create'>] as Rule<LinkType>)(
    s,
    author as ChainMember,
    parsed.data as never,
    fail,
  );
}
