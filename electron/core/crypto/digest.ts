// Process: core (trusted Node side; never imports electron).
// A keyed digest of an item's plaintext, kept (inside the encrypted profile cache) with a
// queued edit. It lets the client tell "someone changed this item while I was offline"
// (a real conflict) from "the vault was only re-keyed" (same plaintext under a new key),
// without keeping a second copy of the plaintext. Keyed with a per-profile key (stable
// across vault generations, unlike the vault key) and domain-separated from every other use.
import { toB64, utf8 } from '../../../shared/encoding.ts';
import { sodium } from './sodium.ts';

const LABEL = utf8('tessera/v1/content-digest');

export function contentDigest(plaintext: Uint8Array, profileKey: Uint8Array): string {
  const state = sodium().crypto_generichash_init(profileKey, 32);
  sodium().crypto_generichash_update(state, LABEL);
  sodium().crypto_generichash_update(state, plaintext);
  return toB64(sodium().crypto_generichash_final(state, 32));
}
