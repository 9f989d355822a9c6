// Process: shared. The team server's one-time link API (docs/design.md "One-time links"):
// paths and body schemas, validated by the server on the way in and by the client on the way
// back. The key is in none of them: it stays in the URL fragment.
import { z } from 'zod';
import { API_PREFIX } from './api.ts';
import { b64 } from './formats.ts';
import { LINK_MAX_EXPIRY_SECONDS, LINK_MAX_VIEWS } from './links.ts';

const id = z.uuid();

export const linkKdfSchema = z
  .object({ alg: z.string().max(32), opslimit: z.number().int(), memlimit: z.number().int(), salt: b64(64) })
  .strict();

/** Loose on the values on purpose: the crypto layer (core/crypto/link.ts) says why it refuses. */
export const linkEnvelopeSchema = z
  .object({
    v: z.number().int(),
    alg: z.string().max(64),
    nonce: b64(64),
    ct: b64(256 * 1024),
    kdf: linkKdfSchema.nullable(),
  })
  .strict();

export const createLinkBody = z
  .object({
    id,
    vault: id,
    item: id,
    envelope: linkEnvelopeSchema,
    expiresInSeconds: z.number().int().min(60).max(LINK_MAX_EXPIRY_SECONDS),
    views: z.number().int().min(1).max(LINK_MAX_VIEWS),
  })
  .strict();
export const createLinkReply = z.object({ id, expiresAt: z.string(), views: z.number().int() });

export const LINK_STATUSES = ['active', 'used_up', 'expired', 'revoked'] as const;
export const linkInfoSchema = z.object({
  id,
  vault: id,
  item: id,
  createdBy: z.object({ id, email: z.string() }),
  createdAt: z.string(),
  expiresAt: z.string(),
  views: z.number().int(),
  viewsLeft: z.number().int(),
  passphrase: z.boolean(),
  status: z.enum(LINK_STATUSES),
});
export type LinkInfo = z.infer<typeof linkInfoSchema>;
export const listLinksReply = z.object({ links: z.array(linkInfoSchema) });

/** What anyone with the id may learn without spending a view (the Reveal-first page). */
export const peekLinkReply = z.object({
  id,
  expiresAt: z.string(),
  viewsLeft: z.number().int(),
  passphrase: z.boolean(),
});
export const openLinkReply = z.object({
  envelope: linkEnvelopeSchema,
  viewsLeft: z.number().int(),
  expiresAt: z.string(),
});
export const revokeLinkReply = z.object({ id, revoked: z.boolean() });

export const linkPolicyBody = z
  .object({
    linksAllowed: z.boolean(),
    maxExpirySeconds: z.number().int().min(60).max(LINK_MAX_EXPIRY_SECONDS).nullable(),
  })
  .strict();
export const linkPolicyReply = z.object({
  vault: id,
  linksAllowed: z.boolean(),
  maxExpirySeconds: z.number().int().nullable(),
});
export type LinkPolicy = z.infer<typeof linkPolicyReply>;

export const linkPaths = {
  links: (t: string) => `${API_PREFIX}/teams/${t}/links`,
  link: (t: string, l: string) => `${API_PREFIX}/teams/${t}/links/${l}`,
  policy: (t: string, v: string) => `${API_PREFIX}/teams/${t}/vaults/${v}/link-policy`,
  /** Unauthenticated: by link id alone. */
  peek: (l: string) => `${API_PREFIX}/links/${l}`,
  open: (l: string) => `${API_PREFIX}/links/${l}/open`,
} as const;
