// Process: core (trusted Node side; never imports electron).
// Teams, invitations and the key directory. Confirming a member is the moment a human
// vouches for a public key: the admin compares the fingerprint the member reads from their
// own device, and only then signs {team, user, email, keys, role}. Every client later
// checks that signature before sealing a vault key to that member.
import {
  acceptReply,
  type Member,
  meReply,
  membersReply,
  paths,
  type TeamInfo,
  teamInfoSchema,
} from '../../../shared/api.ts';
import { TesseraError } from '../../../shared/errors.ts';
import { inviteOperation, mayInTeam, type TeamRole } from '../../../shared/roles.ts';
import { fingerprint, normaliseFingerprint, publicKeyset, signDirectory } from '../crypto/index.ts';
import { z } from 'zod';
import { emptyTeamState } from '../vault/state.ts';
import type { Unlocked } from '../profile/unlocked.ts';

const ok = z.unknown();

export async function fetchTeamInfo(u: Unlocked, teamId: string): Promise<TeamInfo> {
  return u.http.request('GET', paths.team(teamId), undefined, teamInfoSchema);
}

export async function createTeam(u: Unlocked, name: string): Promise<TeamInfo> {
  u.requireSession();
  const id = crypto.randomUUID();
  const keys = publicKeyset(u.keyring.account);
  const rootSignature = signDirectory(
    { team: id, user: u.userId, email: u.email, ...keys, role: 'owner' },
    u.keyring.account.signSecretKey,
  );
  await u.http.request('POST', paths.teams, { id, name, rootSignature }, ok);
  const pinned: TeamInfo = { id, name, rootUserId: u.userId, rootSignPublicKey: keys.signPublicKey };
  u.cache.teams[id] = emptyTeamState(pinned);
  u.profile.update({ currentTeam: id });
  u.save();
  return pinned;
}

export async function invite(u: Unlocked, teamId: string, email: string, role: TeamRole): Promise<void> {
  u.requireSession();
  const mine = myRole(u, teamId);
  if (mine && !mayInTeam(mine, inviteOperation(role))) {
    throw new TesseraError('forbidden', `your role ${mine} may not ${inviteOperation(role)}`);
  }
  await u.http.request('POST', paths.invitations(teamId), { email, role }, ok);
}

/** Joins a team this account was invited to and pins its root key (trust on first use:
 *  from here on a different root offered by the server is refused). */
export async function accept(u: Unlocked, teamNameOrId: string): Promise<TeamInfo> {
  u.requireSession();
  const me = await u.http.request('GET', paths.me, undefined, meReply);
  const inv = me.invitations.find((i) => i.teamId === teamNameOrId || i.teamName === teamNameOrId);
  if (!inv)
    throw new TesseraError(
      'not_found',
      `no invitation to team ${JSON.stringify(teamNameOrId)} for ${u.email}`,
    );
  const { team } = await u.http.request('POST', paths.accept(inv.teamId), {}, acceptReply);
  u.cache.teams[team.id] = emptyTeamState(team);
  if (!u.profile.data.currentTeam) u.profile.update({ currentTeam: team.id });
  u.save();
  return team;
}

export async function listMembers(
  u: Unlocked,
  teamId: string,
): Promise<(Member & { fingerprint: string | null })[]> {
  u.requireSession();
  const { members } = await u.http.request('GET', paths.members(teamId), undefined, membersReply);
  return members.map((m) => ({ ...m, fingerprint: m.keys ? fingerprint(m.keys) : null }));
}

export async function confirm(
  u: Unlocked,
  teamId: string,
  email: string,
  expectedFingerprint: string,
): Promise<Member & { fingerprint: string | null }> {
  u.requireSession();
  const members = await listMembers(u, teamId);
  const m = members.find((x) => x.email === email.toLowerCase());
  if (!m) throw new TesseraError('not_found', `${email} is not invited to this team`);
  if (m.status === 'confirmed') throw new TesseraError('conflict', `${email} is already confirmed`);
  if (m.status !== 'accepted' || !m.keys || !m.userId || !m.fingerprint) {
    throw new TesseraError('conflict', `${email} has not accepted the invitation yet`);
  }
  if (normaliseFingerprint(expectedFingerprint) !== normaliseFingerprint(m.fingerprint)) {
    throw new TesseraError(
      'forbidden',
      `fingerprint mismatch for ${email}: the server shows ${m.fingerprint}, you expected ${expectedFingerprint}. ` +
        'Do not confirm: the keys may have been replaced.',
    );
  }
  const signature = signDirectory(
    { team: teamId, user: m.userId, email: m.email, ...m.keys, role: m.role },
    u.keyring.account.signSecretKey,
  );
  await u.http.request(
    'POST',
    paths.confirm(teamId, m.userId),
    { role: m.role, keys: m.keys, signature },
    ok,
  );
  return { ...m, status: 'confirmed' };
}

/** This user's role as the verified directory says, or null before the first pull. */
export function myRole(u: Unlocked, teamId: string): TeamRole | null {
  const st = u.cache.teams[teamId];
  if (st?.pinned.rootUserId === u.userId) return 'owner';
  return st?.directory.find((d) => d.userId === u.userId)?.role ?? null;
}

export async function pendingInvitations(u: Unlocked) {
  u.requireSession();
  const me = await u.http.request('GET', paths.me, undefined, meReply);
  return me.invitations;
}
