// Process: core (trusted Node side; never imports electron).
// The verify side of signVersion (push.ts): whose signature an item version carries, by the
// signing key the verified chain records for the member the server names as its writer. A
// version that is unsigned, mis-signed or signed by someone the chain does not know has no
// signer at all; what the signer was allowed to do is the caller's question.
import type { ItemRecord } from '../../../shared/api.ts';
import type { ChainMember, TeamState as ChainState } from '../../../shared/chain/state.ts';
import { envelopeHash, verifyItemVersion } from '../crypto/index.ts';

export function versionSigner(chain: ChainState, teamId: string, rec: ItemRecord): ChainMember | null {
  const m = chain.members.get(rec.updatedBy);
  if (!m) return null;
  const ok = verifyItemVersion(
    {
      team: teamId,
      vault: rec.vault,
      item: rec.id,
      version: rec.version,
      generation: rec.generation,
      deleted: rec.deleted,
      author: rec.updatedBy,
      envelopeHash: envelopeHash(rec.envelope),
    },
    rec.signature,
    m.keys.signPublicKey,
  );
  return ok ? m : null;
}
