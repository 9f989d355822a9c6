// Process: shared. The wire formats of everything Tessera encrypts or signs.
//
// Every encrypted blob is an Envelope. Its associated data is never stored in the blob: each
// reader rebuilds it from what it expects the blob to be (which team, vault, item, key
// generation, item version). A server that moves a blob to another item, another vault or an
// older version therefore makes authentication fail instead of showing the wrong secret.
//
// Signed statements are built as a fixed-order JSON array behind a domain label, so two
// implementations cannot disagree about canonical key order and a signature made for one
// purpose can never verify for another.
import { z } from 'zod';

/** A base64url string (no padding) of at most `max` characters: how every key, hash, nonce
 *  and signature travels. One definition, for every schema that carries one. */
export const b64 = (max: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]*$/, 'must be base64url')
    .max(max);

export const ENVELOPE_VERSION = 1 as const;
export const ENVELOPE_ALG = 'xchacha20poly1305-ietf' as const;

export const envelopeSchema = z
  .object({
    v: z.number().int(),
    alg: z.string().max(64),
    nonce: z.string().max(64),
    ct: z.string().max(16 * 1024 * 1024),
  })
  .strict();
export type Envelope = z.infer<typeof envelopeSchema>;

export const KDF_ALG = 'argon2id13' as const;
/** Floors the client enforces whatever a server or a profile file says (docs/design.md "Cryptography"). */
export const KDF_FLOOR = { opslimit: 3, memlimit: 64 * 1024 * 1024 } as const;
export const kdfParamsSchema = z
  .object({
    alg: z.string().max(32),
    opslimit: z.number().int(),
    memlimit: z.number().int(),
    salt: z.string().max(64),
  })
  .strict();
export type KdfParams = { alg: typeof KDF_ALG; opslimit: number; memlimit: number; salt: string };

export const publicKeysetSchema = z
  .object({ boxPublicKey: z.string().max(64), signPublicKey: z.string().max(64) })
  .strict();
export type PublicKeyset = z.infer<typeof publicKeysetSchema>;

/** The account keyset as the server stores it: public halves in the clear, private halves
 *  sealed under the password-derived key so a new device (or an offline one) can unlock. */
export const encryptedKeysetSchema = z
  .object({ public: publicKeysetSchema, kdf: kdfParamsSchema, sealedPrivate: envelopeSchema })
  .strict();
// Loose on purpose: what is stored or received is checked by the crypto layer, which names why it refuses.
export type EncryptedKeyset = z.infer<typeof encryptedKeysetSchema>;

// ---- associated data -------------------------------------------------------------------

const AD_PREFIX = 'tessera/v1';

export const ad = {
  /** Everything of an item's AD before `|item|generation|version`: the same for a whole vault,
   *  so the unlock path builds it once per vault (electron/core/vault/item-ad.ts). */
  itemPrefix: (team: string, vault: string) => `${AD_PREFIX}/item|${team}|${vault}`,
  item: (team: string, vault: string, item: string, generation: number, version: number) =>
    `${ad.itemPrefix(team, vault)}|${item}|${generation}|${version}`,
  vaultName: (team: string, vault: string, generation: number) =>
    `${AD_PREFIX}/vault-name|${team}|${vault}|${generation}`,
  keyset: (email: string) => `${AD_PREFIX}/keyset|${email.toLowerCase()}`,
  profileCache: (userId: string) => `${AD_PREFIX}/profile-cache|${userId}`,
  queuedEdit: (userId: string) => `${AD_PREFIX}/queued-edit|${userId}`,
};

// ---- signed statements -----------------------------------------------------------------

/** What a writer signs about one version of an item: where it lives, which version and key
 *  generation, whether it is a deletion, who wrote it, and the hash of the exact envelope. The
 *  envelope's AEAD already proves some key holder wrote it; this names which one, so history
 *  shows an author the client checked instead of the one the server reports. */
export interface ItemVersionStatement {
  team: string;
  vault: string;
  item: string;
  version: number;
  generation: number;
  deleted: boolean;
  author: string;
  envelopeHash: string;
}

/** A "rotation required" flag (docs/design.md "Rotation reminders"): who asked for which item
 *  to be rotated, when, and why in plain words. The server stores it and could serve it to
 *  anyone, so the client believes it only under the author's chain key. */
export interface RotationFlagStatement {
  team: string;
  vault: string;
  item: string;
  reason: string;
  at: string;
  author: string;
}

export const statement = {
  itemVersion: (s: ItemVersionStatement) =>
    `${AD_PREFIX}/item-version\n${JSON.stringify([s.team, s.vault, s.item, s.version, s.generation, s.deleted, s.author, s.envelopeHash])}`,
  rotationFlag: (s: RotationFlagStatement) =>
    `${AD_PREFIX}/rotation-flag\n${JSON.stringify([s.team, s.vault, s.item, s.reason, s.at, s.author])}`,
};
