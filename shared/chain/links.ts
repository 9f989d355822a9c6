// Process: shared. The links of a team chain and their bodies (docs/design.md "The team
// chain"). Every change to membership and access is one link; each body schema is strict so a
// server cannot smuggle a field the signer never saw past a verifier that ignores it.
import { z } from 'zod';
import { TEAM_ROLES, VAULT_ROLES } from '../roles.ts';
import { canonicalJson } from './canonical.ts';
import { b64 } from '../formats.ts';

const id = z.uuid();
/** The most items a break-glass vault can hold for a session (the server releases at most as many). */
export const MANIFEST_MAX = 100_000;
const email = z
  .email()
  .max(254)
  .refine((e) => e === e.toLowerCase(), 'email must be lower case');
const teamRole = z.enum(TEAM_ROLES);
const vaultRole = z.enum(VAULT_ROLES);
const keys = z.object({ boxPublicKey: b64(64), signPublicKey: b64(64) }).strict();
/** A team or group name, opaque to the chain and visible to every member (docs/design.md "Limits"). */
const sealedText = z.string().max(4096);
const keyHash = b64(64);
const readerKeys = z.array(z.object({ user: id, keyHash }).strict()).max(10_000);
const principal = z.object({ kind: z.enum(['user', 'group']), id }).strict();
/** Break-glass times: ms since the epoch as the author's clock read it, covered by the signature. */
const signedAt = z.number().int().positive().max(8_640_000_000_000_000);
const windowMinutes = z.number().int().min(1).max(1440);
const breakGlassPolicy = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('approval'), approvals: z.number().int().min(1).max(20) }).strict(),
  z.object({ kind: z.literal('delay'), minutes: z.number().int().min(1).max(10_080) }).strict(),
  z.object({ kind: z.literal('immediate') }).strict(),
]);
const session = { vault: id, request: id, at: signedAt };
/** The vault's items as the sealing owner's client held them: [item, version, deleted], sorted
 *  by item id, each id once, tombstones included. The responder refuses a release that lacks
 *  one of them or offers an older version, so a server cannot drop, roll back or resurrect. */
const manifest = z
  .array(z.tuple([id, z.number().int().positive(), z.boolean()]))
  .max(MANIFEST_MAX)
  .refine((m) => m.every((e, i) => i === 0 || m[i - 1]![0] < e[0]), 'items must be sorted by id, each once');

export const linkBodies = {
  'team.create': z.object({ name: sealedText, user: id, email, keys }).strict(),
  'member.invite': z.object({ email, role: teamRole }).strict(),
  'member.confirm': z.object({ user: id, email, keys, role: teamRole }).strict(),
  'member.role': z.object({ user: id, role: teamRole }).strict(),
  /** `at` dates an offboarding (docs/design.md "Offboarding"): signed, so every client can
   *  flag what the leaver could read as "rotation required" since then, on no server's word. */
  'member.remove': z
    .object({ user: id, reason: z.enum(['removed', 'offboarded']), at: z.iso.datetime().optional() })
    .strict()
    .refine((b) => b.at === undefined || b.reason === 'offboarded', 'only an offboarding carries a date'),
  /** Withdraws an open invitation (invited, or accepted and not yet confirmed): the person has no
   *  user id in the chain yet, so the invitation is named by the email it went to. */
  'member.uninvite': z.object({ email }).strict(),
  'group.create': z.object({ group: id, name: sealedText }).strict(),
  'group.add': z.object({ group: id, user: id }).strict(),
  'group.remove': z.object({ group: id, user: id }).strict(),
  'vault.create': z.object({ vault: id, generation: z.literal(1), keys: readerKeys }).strict(),
  'vault.grant': z.object({ vault: id, principal, role: vaultRole }).strict(),
  'vault.revoke': z.object({ vault: id, principal }).strict(),
  'vault.rekey': z.object({ vault: id, generation: z.number().int().min(2), keys: readerKeys }).strict(),
  'key.deliver': z.object({ vault: id, generation: z.number().int().positive(), user: id, keyHash }).strict(),
  /** Ends the vault: after it the chain accepts no grant, revoke, re-key or delivery for it,
   *  and honest servers no item write (docs/design.md "Deleting a vault"). */
  'vault.delete': z.object({ vault: id }).strict(),
  /** Marks a vault break-glass (docs/design.md "Break-glass"). `label` is what responders ask
   *  for it by: the vault's name is sealed under its key, this is visible to every member. */
  'vault.breakglass': z
    .object({ vault: id, label: z.string().min(1).max(100), policy: breakGlassPolicy, windowMinutes })
    .strict(),
  /** The reason is visible to every member through the chain: no secret names in it. */
  'breakglass.request': z
    .object({
      ...session,
      reason: z
        .string()
        .min(1)
        .max(500)
        // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
        .regex(/^[^\u0000-\u001f\u007f]*$/, 'must be one line of plain text'),
      minutes: windowMinutes,
    })
    .strict(),
  'breakglass.approve': z.object(session).strict(),
  'breakglass.deny': z.object(session).strict(),
  /** The vault key sealed to the requester for the session, by a key holder, once granted,
   *  with the items the sealer held then: the floor the responder checks a release against. */
  'breakglass.key': z
    .object({ ...session, generation: z.number().int().positive(), keyHash, items: manifest })
    .strict(),
  'breakglass.close': z.object(session).strict(),
} as const;

export type LinkType = keyof typeof linkBodies;
export const LINK_TYPES = Object.keys(linkBodies) as LinkType[];
export type LinkBody<T extends LinkType> = z.infer<(typeof linkBodies)[T]>;
export type Principal = z.infer<typeof principal>;
export type ReaderKey = z.infer<typeof readerKeys>[number];
export type BreakGlassPolicy = z.infer<typeof breakGlassPolicy>;
export type ManifestEntry = z.infer<typeof manifest>[number];

/** A link as it travels and as it is stored. `team` is absent: link 1 has none (the team id is
 *  its hash) and every later one is bound to the team through the signed message. */
export const chainLinkSchema = z
  .object({
    seq: z.number().int().positive(),
    prev: b64(64).nullable(),
    type: z.enum(LINK_TYPES as [LinkType, ...LinkType[]]),
    author: id,
    body: z.record(z.string(), z.unknown()),
    sig: b64(128),
  })
  .strict();
export type ChainLink = z.infer<typeof chainLinkSchema>;

const SIGN_LABEL = 'tessera/v1/chain-link\n';
const HASH_LABEL = 'tessera/v1/chain-hash\n';

/** The fields every link message covers, in one place so signing and hashing cannot drift. */
function linkFields(team: string | null, link: Omit<ChainLink, 'sig'>) {
  return { team, seq: link.seq, prev: link.prev, type: link.type, author: link.author, body: link.body };
}

/** What the author signs: every field but the signature, and the team id (null for link 1). */
export function signedMessage(team: string | null, link: Omit<ChainLink, 'sig'>): string {
  return SIGN_LABEL + canonicalJson(linkFields(team, link));
}

/** What the link's hash covers: everything, signature included, so `prev` pins one exact link. */
export function hashedMessage(team: string | null, link: ChainLink): string {
  return HASH_LABEL + canonicalJson({ ...linkFields(team, link), sig: link.sig });
}

/** Team id: the first 16 bytes of link 1's BLAKE2b-256 hash, written as a UUID (version 8,
 *  "custom", with its version and variant bits set, leaving 122 bits of the hash) so it fits
 *  every id column and schema unchanged. */
export function teamIdFromHash(hash: Uint8Array): string {
  const b = hash.slice(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x80;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
