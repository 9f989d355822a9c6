// Process: core (trusted Node side; never imports electron).
// Decides which public keys and which vault keys this client believes, using signatures
// only, never the server's word. This is the defence against the malicious-server attacks
// of DESIGN §2: a substituted public key has no valid admin signature, an injected vault key
// has no valid grant from someone who held `manage`, and a swapped team root is caught by
// the pin taken when the profile created or joined the team.
import type { DirectoryEntry, TeamInfo, VaultKeyGrant } from '../../../shared/api.ts';
import { TesseraError } from '../../../shared/errors.ts';
import type { TeamRole } from '../../../shared/roles.ts';
import { hashSealedKey, verifyDirectory, verifyGrant } from '../crypto/index.ts';

export function checkPinnedRoot(pinned: TeamInfo, offered: TeamInfo): void {
  if (
    offered.id !== pinned.id ||
    offered.rootUserId !== pinned.rootUserId ||
    offered.rootSignPublicKey !== pinned.rootSignPublicKey
  ) {
    throw new TesseraError(
      'tampered',
      `the server offered a different root key for team ${pinned.name}; refusing to trust it`,
    );
  }
}

/**
 * Returns the directory entries this client can verify: the root entry self-signed by the
 * pinned root key, then, transitively, entries signed by a verified owner or admin. An entry
 * whose signature fails (a key the server swapped in) is simply not trusted.
 */
export function verifiedDirectory(
  team: TeamInfo,
  entries: readonly DirectoryEntry[],
): Map<string, DirectoryEntry> {
  const trusted = new Map<string, DirectoryEntry>();
  const statementOf = (e: DirectoryEntry) => ({
    team: team.id,
    user: e.userId,
    email: e.email,
    boxPublicKey: e.keys.boxPublicKey,
    signPublicKey: e.keys.signPublicKey,
    role: e.role,
  });
  const root = entries.find((e) => e.userId === team.rootUserId && e.signer === team.rootUserId);
  if (
    root &&
    root.keys.signPublicKey === team.rootSignPublicKey &&
    root.role === 'owner' &&
    verifyDirectory(statementOf(root), root.signature, team.rootSignPublicKey)
  ) {
    trusted.set(root.userId, root);
  }
  let grew = true;
  while (grew) {
    grew = false;
    for (const e of entries) {
      if (trusted.has(e.userId)) continue;
      const signer = trusted.get(e.signer);
      if (!signer || !isAdminRole(signer.role)) continue;
      if (verifyDirectory(statementOf(e), e.signature, signer.keys.signPublicKey)) {
        trusted.set(e.userId, e);
        grew = true;
      }
    }
  }
  return trusted;
}

function isAdminRole(role: TeamRole): boolean {
  return role === 'owner' || role === 'admin';
}

/**
 * Returns the grants whose signature verifies and whose granter had the right to give the
 * key: an owner (owners manage every vault), the vault's creator sealing generation 1 to
 * themself, or someone holding a valid `manage` grant on the same vault at this generation
 * or the one before (a re-key is signed by a manager of the old generation).
 */
export function validGrants(
  team: TeamInfo,
  vault: string,
  grants: readonly VaultKeyGrant[],
  directory: Map<string, DirectoryEntry>,
): VaultKeyGrant[] {
  const own = grants.filter((g) => g.vault === vault);
  const memo = new Map<VaultKeyGrant, boolean>();
  const visiting = new Set<VaultKeyGrant>();

  const isValid = (g: VaultKeyGrant): boolean => {
    const known = memo.get(g);
    if (known !== undefined) return known;
    if (visiting.has(g)) return false;
    visiting.add(g);
    const granter = directory.get(g.granter);
    let ok = false;
    if (granter && directory.has(g.recipient)) {
      const signed = verifyGrant(
        {
          team: team.id,
          vault,
          generation: g.generation,
          recipient: g.recipient,
          role: g.role,
          sealedKeyHash: hashSealedKey(g.sealedKey),
        },
        g.signature,
        granter.keys.signPublicKey,
      );
      ok =
        signed &&
        (granter.role === 'owner' ||
          (g.generation === 1 && g.granter === g.recipient && g.role === 'manage') ||
          own.some(
            (h) =>
              h !== g &&
              h.recipient === g.granter &&
              h.role === 'manage' &&
              (h.generation === g.generation || h.generation === g.generation - 1) &&
              isValid(h),
          ));
    }
    visiting.delete(g);
    memo.set(g, ok);
    return ok;
  };
  return own.filter(isValid);
}
