// Process: core (trusted Node side; never imports electron).
// Signup, login and unlock. The password is taken as bytes and only ever used to derive the
// master key (Argon2id, with floors the server cannot lower) and to run OPAQUE. The keyset
// the server returns at login is checked like everything else the server sends: its KDF
// parameters against the floor, and its private halves against its public ones.
import { meReply, paths } from '../../../shared/api.ts';
import { TesseraError } from '../../../shared/errors.ts';
import {
  decryptKeyset,
  deriveMasterKey,
  deriveSubkey,
  encryptKeyset,
  generateAccountKeys,
  initSodium,
  publicKeyset,
  newKdfParams,
  SUBKEY_CACHE,
  wipe,
  wipeAccountKeys,
} from '../crypto/index.ts';
import { HttpClient } from '../net/http.ts';
import { opaqueLogin, opaqueSignup } from '../account/opaque-client.ts';
import type { Profile } from '../profile/profile.ts';
import { Keyring } from '../vault/keyring.ts';
import { emptyCache, emptyTeamState } from '../vault/state.ts';
import { fetchVerifiedChain } from './teams.ts';
import { activeMember } from '../../../shared/chain/state.ts';
import { Unlocked } from '../profile/unlocked.ts';

export interface Credentials {
  server: string;
  email: string;
  password: Uint8Array;
}

export async function signup(c: Credentials & { name: string }, fetchImpl?: typeof fetch): Promise<string> {
  await initSodium();
  const email = c.email.trim().toLowerCase();
  const http = new HttpClient({ baseUrl: c.server, fetch: fetchImpl });
  const keys = generateAccountKeys();
  const kdf = newKdfParams();
  const master = deriveMasterKey(c.password, kdf);
  try {
    const keyset = encryptKeyset(keys, master, kdf, email);
    return await opaqueSignup(http, email, c.name, c.password, keyset);
  } finally {
    wipe(master);
    wipeAccountKeys(keys);
  }
}

export async function login(profile: Profile, c: Credentials, fetchImpl?: typeof fetch): Promise<Unlocked> {
  await initSodium();
  const email = c.email.trim().toLowerCase();
  const http = new HttpClient({ baseUrl: c.server, fetch: fetchImpl });
  const answer = await opaqueLogin(http, email, c.password);
  const previous = profile.data;
  if (previous.userId && previous.userId !== answer.user.id) takeOver(profile, email);
  const u = openProfile(profile, answer.keyset, c.password, answer.user.id, email, http.baseUrl, fetchImpl);
  profile.update({
    server: http.baseUrl,
    email,
    userId: answer.user.id,
    name: answer.user.name,
    keyset: answer.keyset,
    loggedOut: undefined,
  });
  u.cache.session = { token: answer.token, expiresAt: answer.expiresAt };
  await adoptTeams(u);
  u.save();
  return u;
}

/** Another account may log in on a profile that belongs to someone else once that account
 *  logged out with nothing left to send; this is then a new device for the new account (the
 *  old local copy is encrypted under the old password and of no use to it). Throws the reason
 *  otherwise. Signup asks first, so it never creates an account the profile then refuses. */
export function assertCanTakeOver(profile: Profile, email: string): void {
  const previous = profile.data;
  if (!previous.userId) return;
  if (!previous.loggedOut)
    throw new TesseraError(
      'usage',
      `this profile belongs to ${previous.email}: log out first, or use another --profile for ${email}`,
    );
  const unsent = previous.loggedOut.unsent;
  if (unsent > 0)
    throw new TesseraError(
      'usage',
      `${previous.email} logged out with ${unsent} edit${unsent === 1 ? '' : 's'} not yet sent to the server: ` +
        `log in as ${previous.email} and sync them first`,
    );
}

/** Runs only after the new account's login succeeded, so a wrong password forgets nothing. */
function takeOver(profile: Profile, email: string): void {
  assertCanTakeOver(profile, email);
  profile.forgetAccount();
}

/** Offline unlock from the profile alone: the keyset and KDF salt stored at login. */
export async function unlock(
  profile: Profile,
  password: Uint8Array,
  fetchImpl?: typeof fetch,
): Promise<Unlocked> {
  await initSodium();
  const acct = profile.account();
  return openProfile(profile, acct.keyset, password, acct.userId, acct.email, acct.server, fetchImpl);
}

function openProfile(
  profile: Profile,
  keyset: unknown,
  password: Uint8Array,
  userId: string,
  email: string,
  server: string,
  fetchImpl?: typeof fetch,
): Unlocked {
  const kdf = (keyset as { kdf?: unknown } | null)?.kdf;
  // deriveMasterKey refuses parameters below the floor before spending any work on them.
  const master = deriveMasterKey(password, kdf as Parameters<typeof deriveMasterKey>[1]);
  let account: ReturnType<typeof decryptKeyset>;
  try {
    account = decryptKeyset(keyset, master, email);
  } catch (e) {
    // decryptKeyset reports a failed authentication as wrong_password, a bad format as tampered.
    wipe(master);
    throw e;
  }
  const cacheKey = deriveSubkey(master, SUBKEY_CACHE, 'tessera1');
  wipe(master);
  const keyring = new Keyring(account, cacheKey);
  const u = new Unlocked(profile, keyring, emptyCache(), userId, email, server, fetchImpl);
  try {
    u.load();
  } catch (e) {
    keyring.wipe();
    throw e;
  }
  return u;
}

/** Teams this account belongs to that the profile does not know yet (joined elsewhere). */
async function adoptTeams(u: Unlocked): Promise<void> {
  const me = await u.http.request('GET', paths.me, undefined, meReply);
  for (const t of me.teams) {
    if (t.status !== 'confirmed' || u.cache.teams[t.id]) continue;
    // A new device knows the team id only from the server, but the chain must hash to that id
    // and confirm this very account with its own keys, so no server can put it in a team of
    // its making under someone else's root without that root's signatures.
    const { chain, keyHashes } = await fetchVerifiedChain(u, t.id);
    const mine = publicKeyset(u.keyring.account);
    const m = activeMember(chain, u.userId);
    if (!m || m.keys.boxPublicKey !== mine.boxPublicKey || m.keys.signPublicKey !== mine.signPublicKey)
      continue;
    u.cache.teams[t.id] = { ...emptyTeamState(chain), keyHashes };
    if (!u.profile.data.currentTeam) u.profile.update({ currentTeam: t.id });
  }
}
