// Process: shared. The team server's HTTP API: every path and every body schema. The server
// validates each body with these schemas; the client validates each answer with them too,
// because the server is not trusted to send well-formed data either.
import { z } from 'zod';
import { b64, encryptedKeysetSchema, envelopeSchema, publicKeysetSchema } from './formats.ts';
import { TEAM_ROLES } from './roles.ts';

export const API_PREFIX = '/api/v1';

const id = z.uuid();
const email = z
  .email()
  .max(254)
  .transform((e) => e.toLowerCase());
const teamRole = z.enum(TEAM_ROLES);
const revision = z.number().int().nonnegative();

// ---- auth ------------------------------------------------------------------------------

export const signupStartBody = z.object({ email, registrationRequest: b64(4096) }).strict();
export const signupStartReply = z.object({ registrationResponse: b64(4096) });
export const signupFinishBody = z
  .object({
    email,
    name: z.string().trim().min(1).max(200),
    registrationRecord: b64(8192),
    keyset: encryptedKeysetSchema,
  })
  .strict();
export const signupFinishReply = z.object({ userId: id });

export const loginStartBody = z.object({ email, startLoginRequest: b64(4096) }).strict();
export const loginStartReply = z.object({ loginId: id, loginResponse: b64(8192) });
export const loginFinishBody = z.object({ loginId: id, finishLoginRequest: b64(4096) }).strict();

export const userSchema = z.object({ id, email: z.string(), name: z.string() });
export const loginFinishReply = z.object({
  token: z.string(),
  expiresAt: z.string(),
  user: userSchema,
  keyset: encryptedKeysetSchema,
});

export const memberStatus = z.enum(['invited', 'accepted', 'confirmed', 'suspended', 'removed']);
export const meReply = z.object({
  user: userSchema,
  keyset: encryptedKeysetSchema,
  teams: z.array(z.object({ id, name: z.string(), role: teamRole, status: memberStatus })),
  invitations: z.array(z.object({ teamId: id, teamName: z.string(), role: teamRole })),
});

// ---- teams and the team chain ----------------------------------------------------------

/** A link as the server relays it. Clients and the server parse it with the chain's own
 *  strict schema (shared/chain/links.ts) while verifying, so here it only has to be an object. */
const rawLink = z.record(z.string(), z.unknown());

/** Link 1, self-signed by the creator; the team id is its hash, so the body carries none. */
export const createTeamBody = z.object({ link: rawLink }).strict();
export const teamInfoSchema = z.object({ id, name: z.string() });
export type TeamInfo = z.infer<typeof teamInfoSchema>;
export const createTeamReply = z.object({ team: teamInfoSchema });

/** The server's head (`seq`) and every link after the one the caller asked from. */
export const chainReply = z.object({ seq: z.number().int().nonnegative(), links: z.array(rawLink) });
export type ChainReply = z.infer<typeof chainReply>;
export const chainQuery = z.object({ after: z.coerce.number().int().nonnegative().default(0) });

/** A vault key sealed to one reader; the link that names its hash vouches for it. */
export const sealedKeySchema = z
  .object({ vault: id, generation: z.number().int().positive(), user: id, sealedKey: b64(256) })
  .strict();
export type SealedKey = z.infer<typeof sealedKeySchema>;

/** The writer's Ed25519 signature over the item version (formats.statement.itemVersion). */
const itemSignature = b64(128);

export const itemWriteSchema = z
  .object({ id, version: z.number().int().positive(), envelope: envelopeSchema, signature: itemSignature })
  .strict();

/** What a `vault.create` or `vault.rekey` link needs beside its keys: the vault's name under
 *  the new key and, for a re-key, every current item re-encrypted at version + 1. */
export const vaultPayloadSchema = z
  .object({
    vault: id,
    generation: z.number().int().positive(),
    name: envelopeSchema,
    items: z.array(itemWriteSchema).max(100_000).default([]),
    breakGlass: z.boolean().default(false),
    /** For a re-key: the name revision (vaultRecordSchema) the re-sealed name was read at, so
     *  a re-key racing a rename is a conflict instead of putting the old name back. */
    nameRevision: revision.optional(),
  })
  .strict();
export type VaultPayload = z.infer<typeof vaultPayloadSchema>;

/** Links appended in one transaction, with the sealed keys and vault payloads they name. The
 *  first link must extend the server's head (compare-and-set), or the whole batch is a conflict. */
export const appendBody = z
  .object({
    links: z.array(rawLink).min(1).max(1000),
    keys: z.array(sealedKeySchema).max(10_000).default([]),
    vaults: z.array(vaultPayloadSchema).max(100).default([]),
  })
  .strict();
export type AppendBody = z.input<typeof appendBody>;
export const appendReply = z.object({ revision, seq: z.number().int().positive() });

export const memberSchema = z.object({
  userId: id.nullable(),
  email: z.string(),
  name: z.string().nullable(),
  role: teamRole,
  status: memberStatus,
  /** The keys the member published when accepting; an admin compares their fingerprint. */
  keys: publicKeysetSchema.nullable(),
});
export type Member = z.infer<typeof memberSchema>;
export const membersReply = z.object({ members: z.array(memberSchema) });

// ---- items and sync --------------------------------------------------------------------

export const putItemBody = z
  .object({
    /** The version the writer started from; 0 creates the item. */
    baseVersion: z.number().int().nonnegative(),
    version: z.number().int().positive(),
    generation: z.number().int().positive(),
    envelope: envelopeSchema,
    deleted: z.boolean().default(false),
    signature: itemSignature,
  })
  .strict();

export const itemRecordSchema = z.object({
  id,
  vault: id,
  version: z.number().int().positive(),
  generation: z.number().int().positive(),
  envelope: envelopeSchema,
  deleted: z.boolean(),
  revision,
  updatedBy: id,
  updatedAt: z.string(),
  /** updatedBy's signature; history names the author only if it verifies. */
  signature: itemSignature.optional(),
});
export type ItemRecord = z.infer<typeof itemRecordSchema>;
export const putItemReply = z.object({ revision, version: z.number().int().positive() });
export const itemVersionsReply = z.object({ versions: z.array(itemRecordSchema) });

/** A vault's name envelope as stored. Its generation, readers and the caller's role come
 *  from the verified chain, never from here; the client checks the two agree. */
export const vaultRecordSchema = z.object({
  id,
  name: envelopeSchema,
  generation: z.number().int().positive(),
  breakGlass: z.boolean(),
  revision,
  /** When a rename last set the name (0 or absent: never); see vaultPayloadSchema. */
  nameRevision: revision.optional(),
});
export type VaultRecord = z.infer<typeof vaultRecordSchema>;

/** A vault's new name, sealed under its key at the current generation. Names are short, so
 *  the envelope is capped well below an item's. */
export const renameVaultBody = z
  .object({
    generation: z.number().int().positive(),
    name: envelopeSchema.extend({ ct: z.string().max(4096) }).strict(),
  })
  .strict();
export type RenameVaultBody = z.infer<typeof renameVaultBody>;
export const renameVaultReply = z.object({ revision });

export const changesQuery = z.object({
  since: z.coerce.number().int().nonnegative().default(0),
  /** The newest chain link the caller has verified; the reply carries the links after it. */
  seq: z.coerce.number().int().nonnegative().default(0),
  /** A revision of the caller's own chain batch whose re-encrypted items it already holds:
   *  the caller's item rows at exactly that revision are left out (0: none). */
  own: z.coerce.number().int().nonnegative().default(0),
});
/** A vault key sealed to the caller, at any generation of a vault they may read. */
export const myKeySchema = z.object({
  vault: id,
  generation: z.number().int().positive(),
  sealedKey: b64(256),
});
export type MyKey = z.infer<typeof myKeySchema>;
export const changesReply = z.object({
  revision,
  /** Items changed after `since` in vaults the caller may read (all of them when since=0). */
  items: z.array(itemRecordSchema),
  /** Every vault the caller may read, with its current generation. */
  vaults: z.array(vaultRecordSchema),
  /** The keys sealed to the caller in those vaults, every generation. */
  keys: z.array(myKeySchema),
  chain: chainReply,
});
export type ChangesReply = z.infer<typeof changesReply>;

/** Server-sent event payload on GET /teams/:team/events. */
export const teamChangedEvent = z.object({ team: id, revision });

// ---- rotation flags (docs/design.md "Rotation reminders") -------------------------------

/** A flag's reason is stored in the clear: a short sentence in plain words, one line. */
export const FLAG_REASON_MAX = 200;
export const flagReason = z
  .string()
  .trim()
  .min(1)
  .max(FLAG_REASON_MAX)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
  .regex(/^[^\u0000-\u001f\u007f]*$/, 'must be one line of plain text');
/** As `Date.toISOString()` writes it, so client and database compare the same instant. */
export const flagTime = z.iso.datetime({ precision: 3 });
export const putFlagBody = z.object({ reason: flagReason, at: flagTime, signature: b64(128) }).strict();
export const putFlagReply = z.object({ revision });
/** `before` is the server's own time of the version that rotated the item (its updatedAt). */
export const settleFlagsQuery = z.object({ before: z.iso.datetime() }).strict();
export const settleFlagsReply = z.object({ settled: z.number().int().nonnegative() });
/** Each flag is checked on its own by the client (core/service/rotation-flags.ts), so one
 *  malformed entry drops that flag, not the list. */
export const flagsReply = z.object({ flags: z.array(z.unknown()).max(100_000) });

export const paths = {
  signupStart: `${API_PREFIX}/signup/start`,
  signupFinish: `${API_PREFIX}/signup/finish`,
  loginStart: `${API_PREFIX}/login/start`,
  loginFinish: `${API_PREFIX}/login/finish`,
  logout: `${API_PREFIX}/logout`,
  me: `${API_PREFIX}/me`,
  teams: `${API_PREFIX}/teams`,
  chain: (t: string, after = 0) => `${API_PREFIX}/teams/${t}/chain?after=${after}`,
  team: (t: string) => `${API_PREFIX}/teams/${t}`,
  accept: (t: string) => `${API_PREFIX}/teams/${t}/accept`,
  members: (t: string) => `${API_PREFIX}/teams/${t}/members`,
  vaultName: (t: string, v: string) => `${API_PREFIX}/teams/${t}/vaults/${v}/name`,
  item: (t: string, v: string, i: string) => `${API_PREFIX}/teams/${t}/vaults/${v}/items/${i}`,
  itemVersions: (t: string, v: string, i: string) =>
    `${API_PREFIX}/teams/${t}/vaults/${v}/items/${i}/versions`,
  changes: (t: string, since: number, seq = 0, own = 0) =>
    `${API_PREFIX}/teams/${t}/changes?since=${since}&seq=${seq}${own ? `&own=${own}` : ''}`,
  events: (t: string) => `${API_PREFIX}/teams/${t}/events`,
  /** GET: the flags in every vault the caller reads. */
  rotationFlags: (t: string) => `${API_PREFIX}/teams/${t}/rotation-flags`,
  /** PUT: the caller's flag on the item; DELETE `?before=ISO`: settle the flags up to then. */
  rotationFlag: (t: string, v: string, i: string) =>
    `${API_PREFIX}/teams/${t}/vaults/${v}/items/${i}/rotation-flag`,
  /** GET: a granted break-glass session's sealed key and items, inside its window only. */
  breakglassSession: (t: string, r: string) => `${API_PREFIX}/teams/${t}/breakglass/${r}`,
} as const;

/** What the server releases for a break-glass session; the client believes none of it until
 *  the key hashes to the one a verified `breakglass.key` link recorded (docs/design.md
 *  "Break-glass"). */
export const breakglassSessionReply = z.object({
  vault: id,
  generation: z.number().int().positive(),
  sealedKey: z.string().max(512),
  name: envelopeSchema,
  items: z.array(itemRecordSchema).max(100_000),
});
