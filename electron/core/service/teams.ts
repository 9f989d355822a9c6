// Process: core (trusted Node side; never imports electron).
// Teams on the chain (docs/design.md "The team chain"). Creating a team signs link 1, whose
// hash is the team id; the invite code is that id, given out of band, and `accept` refuses a
// chain whose link 1 does not hash to it. Confirming a member is the moment a human vouches
// for a public key: the admin compares the fingerprint the member reads from their own device
// and only then signs a `member.confirm` link with the role the chain's invitation carries.
import {
  meReply,
  membersReply,
  paths,
  createTeamReply,
  chainReply,
  type Member,
  type TeamInfo,
} from '../../../shared/api.ts';
import { inviteCodeOf, teamIdOfInviteCode } from '../../../shared/chain/invite-code.ts';
import { activeMember, type TeamState as ChainState } from '../../../shared/chain/state.ts';
import { ChainError, verifyChain, verifyGenesis } from '../../../shared/chain/verify.ts';
import { TesseraError } from '../../../shared/errors.ts';
import type { TeamRole } from '../../../shared/roles.ts';
import { z } from 'zod';
import { chainCrypto, signLink } from '../crypto/chain.ts';
import { fingerprint, normaliseFingerprint, publicKeyset } from '../crypto/index.ts';
import type { Unlocked } from '../profile/unlocked.ts';
import type { ChainBatch } from '../sync/chain-batch.ts';
import { keyHashesFor } from '../sync/pull.ts';
import { emptyTeamState } from '../vault/state.ts';

const ok = z.unknown();

export async function createTeam(u: Unlocked, name: string): Promise<TeamInfo & { inviteCode: string }> {
  u.requireSession();
  const link = signLink(
    null,
    {
      seq: 1,
      prev: null,
      type: 'team.create',
      author: u.userId,
      body: { name, user: u.userId, email: u.email, keys: publicKeyset(u.keyring.account) },
    },
    u.keyring.account.signSecretKey,
  );
  const chain = verifyGenesis(chainCrypto, link);
  const { team } = await u.http.request('POST', paths.teams, { link }, createTeamReply);
  if (team.id !== chain.team)
    throw new TesseraError('tampered', 'the server named the new team with another id');
  u.cache.teams[chain.team] = emptyTeamState(chain);
  u.profile.update({ currentTeam: chain.team });
  u.save();
  return { id: chain.team, name, inviteCode: inviteCodeOf(chain.team) };
}

/** Fetches the whole chain and verifies it from link 1 against the team id given out of band.
 *  Also returns the hash of every vault key the chain seals to this account: a later pull
 *  brings only the links after this head, so keys sealed before it (to this account on another
 *  device) are vouched for here or never, and a new device could not open its own vaults. */
export async function fetchVerifiedChain(
  u: Unlocked,
  teamId: string,
): Promise<{ chain: ChainState; keyHashes: Record<string, string> }> {
  const reply = await u.http.request('GET', paths.chain(teamId, 0), undefined, chainReply).catch((e) => {
    if (e instanceof TesseraError && e.code === 'not_found')
      throw new TesseraError(
        'not_found',
        'no team on this server has that invite code: check it with the admin who invited you',
      );
    throw e;
  });
  try {
    if (reply.links.length !== reply.seq)
      throw new ChainError(1, `the server sent ${reply.links.length} of ${reply.seq} links`);
    const chain = verifyChain(chainCrypto, reply.links, teamId);
    return { chain, keyHashes: keyHashesFor(u.userId, reply.links) };
  } catch (e) {
    if (e instanceof ChainError)
      throw new TesseraError('tampered', `team ${teamId}: ${e.message}; not joined`);
    throw e;
  }
}

export function invite(b: ChainBatch, email: string, role: TeamRole): string {
  b.add('member.invite', { email: email.toLowerCase(), role });
  return inviteCodeOf(b.teamId);
}

export function inviteCode(u: Unlocked, teamId: string): string {
  u.team(teamId);
  return inviteCodeOf(teamId);
}

/** Joins the team an invite code names. The chain must hash to the code's team id and hold an
 *  invitation for this account's email; otherwise nothing is accepted. */
export async function accept(u: Unlocked, code: string): Promise<TeamInfo> {
  u.requireSession();
  const teamId = teamIdOfInviteCode(code) ?? (z.uuid().safeParse(code).success ? code.toLowerCase() : null);
  if (!teamId) {
    throw new TesseraError(
      'usage',
      `${JSON.stringify(code)} is not an invite code: ask the admin who invited you for it`,
    );
  }
  const { chain, keyHashes } = await fetchVerifiedChain(u, teamId);
  if (!chain.invites.has(u.email) && !activeMember(chain, u.userId))
    throw new TesseraError('not_found', `team ${chain.name} has no invitation for ${u.email}`);
  await u.http.request('POST', paths.accept(teamId), {}, ok);
  u.cache.teams[teamId] = { ...emptyTeamState(chain), keyHashes };
  if (!u.profile.data.currentTeam) u.profile.update({ currentTeam: teamId });
  u.save();
  return { id: teamId, name: chain.name };
}

/** The server's member list (who was invited, who accepted with which keys), with roles of
 *  confirmed members as the chain says. */
export async function listMembers(
  u: Unlocked,
  teamId: string,
): Promise<(Member & { fingerprint: string | null })[]> {
  u.requireSession();
  const chain = u.team(teamId).chain;
  const { members } = await u.http.request('GET', paths.members(teamId), undefined, membersReply);
  return members.map((m) => {
    const c = m.userId ? activeMember(chain, m.userId) : undefined;
    const role = c?.role ?? chain.invites.get(m.email) ?? m.role;
    const keys = c?.keys ?? m.keys;
    return {
      ...m,
      role,
      keys,
      status: c ? 'confirmed' : m.status,
      fingerprint: keys ? fingerprint(keys) : null,
    };
  });
}

export async function confirm(u: Unlocked, b: ChainBatch, email: string, expectedFingerprint: string) {
  const members = await listMembers(u, b.teamId);
  const m = members.find((x) => x.email === email.toLowerCase());
  if (!m) throw new TesseraError('not_found', `${email} is not invited to this team`);
  if (m.status === 'confirmed') throw new TesseraError('conflict', `${email} is already confirmed`);
  const role = b.state.invites.get(m.email);
  // The chain decides, not the server's list: a withdrawn invitation cannot be confirmed.
  if (role === undefined)
    throw new TesseraError(
      'conflict',
      `${email} has no open invitation in this team: invite them again first`,
    );
  if (m.status !== 'accepted' || !m.keys || !m.userId || !m.fingerprint)
    throw new TesseraError('conflict', `${email} has not accepted the invitation yet`);
  // A typo is told apart from a mismatch only by its form, which says nothing of the real one.
  if (!/^[0-9A-F]{32}$/.test(normaliseFingerprint(expectedFingerprint)))
    throw new TesseraError(
      'usage',
      `that is not a fingerprint: it is 8 groups of 4 characters (0-9, A-F) as \`tessera whoami\` prints it; ask ${email} to read theirs again`,
    );
  if (normaliseFingerprint(expectedFingerprint) !== normaliseFingerprint(m.fingerprint)) {
    throw new TesseraError(
      'forbidden',
      `fingerprint mismatch for ${email}: the keys the server holds for them are not the ones their ` +
        'device shows. Do not confirm: ask them to read it again, and if it still differs the keys were replaced.',
    );
  }
  b.add('member.confirm', { user: m.userId, email: m.email, keys: m.keys, role });
  return { ...m, role, status: 'confirmed' as const };
}

/** This user's role as the verified chain says, or null. */
export function myRole(u: Unlocked, teamId: string): TeamRole | null {
  const st = u.cache.teams[teamId];
  return (st && activeMember(st.chain, u.userId)?.role) ?? null;
}

/** Where this user stands in the team, from the verified chain: joined and confirmed, joined
 *  (the invitation accepted) but not yet confirmed by an admin, or removed. */
export function myStatus(
  u: Unlocked,
  teamId: string,
): 'confirmed' | 'awaiting confirmation' | 'removed' | null {
  const st = u.cache.teams[teamId];
  if (!st) return null;
  const m = st.chain.members.get(u.userId);
  if (m) return m.status;
  return st.chain.invites.has(u.email) ? 'awaiting confirmation' : null;
}

export async function pendingInvitations(u: Unlocked) {
  u.requireSession();
  const me = await u.http.request('GET', paths.me, undefined, meReply);
  return me.invitations;
}
