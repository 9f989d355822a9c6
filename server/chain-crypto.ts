// Process: server (team server; plain Node).
// libsodium behind the team chain's two primitives, so the server refuses exactly the links a
// client would (docs/design.md "The team chain"). The server verifies but never signs.
import lib from 'libsodium-wrappers-sumo';
import { type ChainCrypto, sodiumChainCrypto } from '../shared/chain/verify.ts';
import { fromB64, toB64 } from '../shared/encoding.ts';

let ready = false;

export async function initChainCrypto(): Promise<void> {
  await lib.ready;
  ready = true;
}

function sodium() {
  if (!ready) throw new Error('initChainCrypto() was not awaited');
  return lib;
}

export const serverChainCrypto: ChainCrypto = sodiumChainCrypto(sodium);

/** The hash a chain link records for a sealed key: base64url BLAKE2b-256 of its bytes (the
 *  same as the client's hashSealedKey). Null when the text is not base64url. */
export function sealedKeyHash(sealedKey: string): string | null {
  try {
    return toB64(sodium().crypto_generichash(32, fromB64(sealedKey), null));
  } catch {
    return null;
  }
}
