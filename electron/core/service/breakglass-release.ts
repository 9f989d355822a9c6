// Process: core (trusted Node side; never imports electron).
// What a responder's client believes of the items a server releases for a break-glass session
// (docs/design.md "Break-glass"). The envelope AD proves an item is the version it claims;
// it does not prove it is the newest, nor that none is missing. So each version must carry the
// signature of a member the verified chain lets write the vault and hold its current key, and
// the release must cover the manifest the sealing owner signed into the `breakglass.key` link:
// every item listed, at that version or a newer signed one. Anything else refuses the whole
// release, before a single item is decrypted or shown.
import type { ItemRecord } from '../../../shared/api.ts';
import type { BreakGlassSession } from '../../../shared/chain/breakglass.ts';
import type { ManifestEntry } from '../../../shared/chain/links.ts';
import { type ChainVault, type TeamState as ChainState, vaultRoleOf } from '../../../shared/chain/state.ts';
import { TesseraError } from '../../../shared/errors.ts';
import { mayInVault } from '../../../shared/roles.ts';
import { versionSigner } from '../sync/version-signature.ts';

const refused = (why: string) =>
  new TesseraError('tampered', `the server's break-glass release ${why}: refused, nothing was shown`);

/** The manifest a sealing owner's client signs: every item of the vault it holds, tombstones
 *  included, as [id, version, deleted] sorted by id. */
export function manifestOf(items: Iterable<ItemRecord>, vault: string): ManifestEntry[] {
  const out: ManifestEntry[] = [];
  for (const r of items) if (r.vault === vault) out.push([r.id, r.version, r.deleted]);
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

export function checkRelease(
  chain: ChainState,
  teamId: string,
  v: ChainVault,
  s: BreakGlassSession,
  items: readonly ItemRecord[],
): void {
  const manifest = s.key?.items;
  // A key link verified before manifests existed has no floor to check against.
  if (!Array.isArray(manifest))
    throw new TesseraError('forbidden', 'this session was granted without an item manifest; ask again');
  const byId = new Map<string, ItemRecord>();
  for (const r of items) {
    if (r.vault !== v.id) throw refused(`holds item ${r.id}, which is not in this vault`);
    if (byId.has(r.id)) throw refused(`holds item ${r.id} twice`);
    if (r.generation !== v.generation)
      throw refused(`holds item ${r.id} under generation ${r.generation}; the vault is at ${v.generation}`);
    byId.set(r.id, r);
  }
  for (const [id, version] of manifest) {
    const r = byId.get(id);
    if (!r) throw refused(`leaves out item ${id}, which the owner's signed manifest lists`);
    if (r.version < version)
      throw refused(
        `offers item ${id} at version ${r.version}, older than version ${version} in the owner's signed manifest`,
      );
  }
  for (const r of byId.values()) {
    const m = versionSigner(chain, teamId, r);
    if (!m) throw refused(`offers item ${r.id} version ${r.version} without a valid signature`);
    if (!mayInVault(vaultRoleOf(chain, v, m.user), 'item.write') || v.keyHolders.get(m.user) === undefined)
      throw refused(
        `offers item ${r.id} version ${r.version}, signed by ${m.email}, who may not write this vault`,
      );
  }
}
