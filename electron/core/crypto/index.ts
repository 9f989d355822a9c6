// Process: core (trusted Node side; never imports electron).
// The crypto layer's one entry point: the rest of core imports from here, so the set of
// primitives in use stays visible in one file and a review of "what crypto do we do" starts
// and ends in this folder.
export { CryptoError, initSodium, randomBytes, sodium, wipe } from './sodium.ts';
export {
  KDF_CEILING,
  KDF_CONTEXT,
  SUBKEY_CACHE,
  SUBKEY_KEYSET,
  checkKdfParams,
  deriveMasterKey,
  deriveSubkey,
  newKdfParams,
} from './kdf.ts';
export {
  type AdInput,
  envelopeBytes,
  openEnvelope,
  openJson,
  StoredEnvelope,
  sealEnvelope,
  sealEnvelopeWithNonce,
  sealJson,
} from './envelope.ts';
export {
  type AccountKeys,
  decryptKeyset,
  encryptKeyset,
  fingerprint,
  generateAccountKeys,
  normaliseFingerprint,
  publicKeyset,
  wipeAccountKeys,
} from './keyset.ts';
export {
  envelopeHash,
  hashSealedKey,
  signItemVersion,
  signRotationFlag,
  verifyItemVersion,
  verifyRotationFlag,
} from './signing.ts';
export { contentDigest } from './digest.ts';
export { newVaultKey, openVaultKey, sealVaultKey } from './vault-key.ts';
export { openFrame, sealFrame } from './frame.ts';
export {
  type LinkContent,
  type LinkField,
  linkNeedsPassphrase,
  linkUrl,
  newLinkKey,
  openLink,
  parseLinkUrl,
  sealLink,
} from './link.ts';
