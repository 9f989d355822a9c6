// Process: shared. The team server's HTTP API: every path and every body schema. The server
// validates each body with these schemas; the client validates each answer with them too,
// because the server is not trusted to send well-formed data either.
import { z } from 'zod';
import { encryptedKeysetSchema, envelopeSchema, publicKeysetSchema } from './formats.ts';
import { TEAM_ROLES, VAULT_ROLES } from './roles.ts';

export const API_PREFIX = '/api/v1';

const id = z.uuid();
const b64 = (max: number) => z.string().regex(/^[A-Za-z0-9_-]*$/, 'must be base64url').max(max);
const email = z.email().max(254).transform((e) => e.toLowerCase());
const teamRole = z.enum(TEAM_ROLES);
const vaultRole = z.enum(VAULT_ROLES);
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

export const memberStatus = z.enum(['invited', 'accepted', 'confirmed', 'suspended']);
export const meReply = z.object({
  user: userSchema,
  keyset: encryptedKeysetSchema,
  teams: z.array(z.object({ id, name: z.string(), role: teamRole, status: memberStatus })),
  invitations: z.array(z.object({ teamId: id, teamName: z.string(), role: teamRole })),
});

// ---- teams and the key directory -------------------------------------------------------

/** A member's public keys as some signer vouched for them (formats.statement.directory). */
export const directoryEntrySchema = z.object({
  userId: id,
  email: z.string(),
  role: teamRole,
  keys: publicKeysetSchema,
  signer: id,
  signature: b64(128),
});
export type DirectoryEntry = z.infer<typeof directoryEntrySchema>;

export const createTeamBody = z
  .object({ id, name: z.string().trim().min(1).max(100), rootSignature: b64(128) })
  .strict();
export const teamInfoSchema = z.object({
  id,
  name: z.string(),
  rootUserId: id,
  rootSignPublicKey: b64(64),
});
export type TeamInfo = z.infer<typeof teamInfoSchema>;

export const inviteBody = z.object({ email, role: teamRole }).strict();
export const acceptReply = z.object({ team: teamInfoSchema });
export const confirmBody = z.object({ role: teamRole, keys: publicKeysetSchema, signature: b64(128) }).strict();

export const memberSchema = z.object({
  userId: id.nullable(),
  email: z.string(),
  name: z.string().nullable(),
  role: teamRole,
  status: memberStatus,
  keys: publicKeysetSchema.nullable(),
  entry: directoryEntrySchema.nullable(),
});
export type Member = z.infer<typeof memberSchema>;
export const membersReply = z.object({ members: z.array(memberSchema) });

// ---- vault keys ------------------------------------------------------------------------

/** One sealed copy of a vault key, signed by its granter (formats.statement.grant). */
export const keyGrantSchema = z.object({
  recipient: id,
  generation: z.number().int().positive(),
  role: vaultRole,
  sealedKey: b64(256),
  granter: id,
  signature: b64(128),
});
export type KeyGrant = z.infer<typeof keyGrantSchema>;
export const vaultKeyGrantSchema = keyGrantSchema.extend({ vault: id });
export type VaultKeyGrant = z.infer<typeof vaultKeyGrantSchema>;

export const principalSchema = z.object({ type: z.enum(['user', 'group']), id }).strict();
export type Principal = z.infer<typeof principalSchema>;

// ---- groups ----------------------------------------------------------------------------

export const createGroupBody = z.object({ name: z.string().trim().min(1).max(100) }).strict();
export const groupSchema = z.object({ id, name: z.string(), members: z.array(id) });
export const groupsReply = z.object({ groups: z.array(groupSchema) });
/** Adding someone to a group that has vault access seals each such vault's key to them. */
export const addGroupMemberBody = z
  .object({ userId: id, keyGrants: z.array(vaultKeyGrantSchema).max(1000) })
  .strict();

// ---- vaults ----------------------------------------------------------------------------

export const createVaultBody = z
  .object({
    id,
    name: envelopeSchema,
    keyGrants: z.array(keyGrantSchema).min(1).max(1000),
    breakGlass: z.boolean().default(false),
  })
  .strict();
export const shareVaultBody = z
  .object({ principal: principalSchema, role: vaultRole, keyGrants: z.array(keyGrantSchema).max(1000) })
  .strict();
export const addKeyGrantsBody = z.object({ keyGrants: z.array(keyGrantSchema).min(1).max(1000) }).strict();

export const itemWriteSchema = z
  .object({ id, version: z.number().int().positive(), envelope: envelopeSchema })
  .strict();
/** Re-key: generation N+1, every current item re-encrypted, the key sealed to everyone who
 *  keeps access, and optionally one principal's access removed, in one transaction. */
export const rekeyVaultBody = z
  .object({
    generation: z.number().int().positive(),
    name: envelopeSchema,
    items: z.array(itemWriteSchema).max(100_000),
    keyGrants: z.array(keyGrantSchema).min(1).max(1000),
    removeAccess: principalSchema.optional(),
  })
  .strict();

export const vaultAccessReply = z.object({
  access: z.array(z.object({ principal: principalSchema, role: vaultRole, name: z.string() })),
  /** Users who may read the vault but hold no sealed key at its current generation. */
  missingKeys: z.array(z.object({ userId: id, role: vaultRole })),
});

// ---- items and sync --------------------------------------------------------------------

export const putItemBody = z
  .object({
    /** The version the writer started from; 0 creates the item. */
    baseVersion: z.number().int().nonnegative(),
    version: z.number().int().positive(),
    generation: z.number().int().positive(),
    envelope: envelopeSchema,
    deleted: z.boolean().default(false),
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
});
export type ItemRecord = z.infer<typeof itemRecordSchema>;
export const putItemReply = z.object({ revision, version: z.number().int().positive() });
export const itemVersionsReply = z.object({ versions: z.array(itemRecordSchema) });

export const vaultRecordSchema = z.object({
  id,
  name: envelopeSchema,
  generation: z.number().int().positive(),
  /** The caller's effective role on this vault. */
  role: vaultRole,
  breakGlass: z.boolean(),
  revision,
});
export type VaultRecord = z.infer<typeof vaultRecordSchema>;

export const changesQuery = z.object({ since: z.coerce.number().int().nonnegative().default(0) });
export const changesReply = z.object({
  revision,
  /** Items changed after `since` in vaults the caller may read (all of them when since=0). */
  items: z.array(itemRecordSchema),
  /** Every vault the caller may read, with its current generation. */
  vaults: z.array(vaultRecordSchema),
  /** Every key grant of those vaults, all generations and recipients (the client checks
   *  each granter's own `manage` grant; a sealed key opens only for its recipient). */
  keyGrants: z.array(vaultKeyGrantSchema),
  /** Every confirmed member's directory entry. */
  directory: z.array(directoryEntrySchema),
  team: teamInfoSchema,
});
export type ChangesReply = z.infer<typeof changesReply>;

/** Server-sent event payload on GET /teams/:team/events. */
export const teamChangedEvent = z.object({ team: id, revision });

export const paths = {
  signupStart: `${API_PREFIX}/signup/start`,
  signupFinish: `${API_PREFIX}/signup/finish`,
  loginStart: `${API_PREFIX}/login/start`,
  loginFinish: `${API_PREFIX}/login/finish`,
  logout: `${API_PREFIX}/logout`,
  me: `${API_PREFIX}/me`,
  teams: `${API_PREFIX}/teams`,
  team: (t: string) => `${API_PREFIX}/teams/${t}`,
  invitations: (t: string) => `${API_PREFIX}/teams/${t}/invitations`,
  accept: (t: string) => `${API_PREFIX}/teams/${t}/accept`,
  members: (t: string) => `${API_PREFIX}/teams/${t}/members`,
  confirm: (t: string, u: string) => `${API_PREFIX}/teams/${t}/members/${u}/confirm`,
  groups: (t: string) => `${API_PREFIX}/teams/${t}/groups`,
  groupMembers: (t: string, g: string) => `${API_PREFIX}/teams/${t}/groups/${g}/members`,
  groupMember: (t: string, g: string, u: string) => `${API_PREFIX}/teams/${t}/groups/${g}/members/${u}`,
  vaults: (t: string) => `${API_PREFIX}/teams/${t}/vaults`,
  vaultAccess: (t: string, v: string) => `${API_PREFIX}/teams/${t}/vaults/${v}/access`,
  vaultKeys: (t: string, v: string) => `${API_PREFIX}/teams/${t}/vaults/${v}/keys`,
  vaultRekey: (t: string, v: string) => `${API_PREFIX}/teams/${t}/vaults/${v}/rekey`,
  item: (t: string, v: string, i: string) => `${API_PREFIX}/teams/${t}/vaults/${v}/items/${i}`,
  itemVersions: (t: string, v: string, i: string) => `${API_PREFIX}/teams/${t}/vaults/${v}/items/${i}/versions`,
  changes: (t: string, since: number) => `${API_PREFIX}/teams/${t}/changes?since=${since}`,
  events: (t: string) => `${API_PREFIX}/teams/${t}/events`,
} as const;
