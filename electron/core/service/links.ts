// Process: core (trusted Node side; never imports electron).
// One-time links from the service's side (docs/design.md "One-time links"). Creating one
// reads the item here, encrypts the chosen fields under a fresh key that exists only in the
// returned URL's fragment, and uploads the ciphertext; the server learns the vault, the
// item id, the expiry and the view count, never the key or a value. Opening needs no
// account: the server's answer is trusted only once it authenticates under the key and the
// link id the URL names.
import { z } from 'zod';
import { TesseraError } from '../../../shared/errors.ts';
import {
  createLinkReply,
  type LinkInfo,
  type LinkPolicy,
  linkPaths,
  linkPolicyReply,
  listLinksReply,
  openLinkReply,
  peekLinkReply,
  revokeLinkReply,
} from '../../../shared/link-api.ts';
import { LINK_MAX_EXPIRY_SECONDS, LINK_MAX_VIEWS } from '../../../shared/links.ts';
import {
  initSodium,
  type LinkContent,
  linkUrl,
  newLinkKey,
  openLink as openLinkEnvelope,
  parseLinkUrl,
  sealLink,
  wipe,
} from '../crypto/index.ts';
import { HttpClient } from '../net/http.ts';
import type { Unlocked } from '../profile/unlocked.ts';
import type { IndexedItem } from '../vault/index.ts';
import { layoutOf, wipeContent } from '../vault/item-payload.ts';
import { readItem } from './secrets.ts';

export interface CreateLinkOptions {
  /** Field keys to carry; default: the item's primary value. */
  fields?: string[];
  /** Default one hour; at most seven days. */
  expiresInSeconds?: number;
  /** Default 1. */
  views?: number;
  /** The caller owns and wipes it. */
  passphrase?: Uint8Array;
}

export interface CreatedLink {
  id: string;
  /** `<server>/s/<id>#<key>`: show it to the sender and nothing else; never log it. */
  url: string;
  expiresAt: string;
  views: number;
  passphrase: boolean;
}

export async function createLink(
  u: Unlocked,
  teamId: string,
  index: Map<string, IndexedItem>,
  vaultRef: string,
  name: string,
  o: CreateLinkOptions,
): Promise<CreatedLink> {
  const expiresInSeconds = o.expiresInSeconds ?? 3600;
  const views = o.views ?? 1;
  if (
    !Number.isInteger(expiresInSeconds) ||
    expiresInSeconds < 60 ||
    expiresInSeconds > LINK_MAX_EXPIRY_SECONDS
  )
    throw new TesseraError('usage', 'a link expires after at least 1 minute and at most 7 days');
  if (!Number.isInteger(views) || views < 1 || views > LINK_MAX_VIEWS)
    throw new TesseraError('usage', `a link allows 1 to ${LINK_MAX_VIEWS} views`);
  const opened = readItem(u, teamId, index, vaultRef, name);
  const id = globalThis.crypto.randomUUID();
  const key = newLinkKey();
  let content: LinkContent | null = null;
  try {
    const wanted = o.fields?.length ? o.fields : [layoutOf(opened.header).primary];
    const fields = wanted.map((k) => {
      const f = opened.content.fields.find((x) => x.key === k);
      if (!f) {
        const have = opened.content.fields.map((x) => x.key).join(', ');
        throw new TesseraError(
          'not_found',
          `${name} has no field ${JSON.stringify(k)} (its fields: ${have})`,
        );
      }
      return { key: f.key, label: f.label, kind: f.kind, value: f.value.slice() };
    });
    content = { name: opened.header.name, fields };
    const envelope = sealLink(id, key, content, o.passphrase);
    const r = await u.http.request(
      'POST',
      linkPaths.links(teamId),
      { id, vault: opened.vault.id, item: opened.item.id, envelope, expiresInSeconds, views },
      createLinkReply,
    );
    if (r.id !== id) throw new TesseraError('tampered', 'the server answered for another link');
    return {
      id,
      url: linkUrl(u.http.baseUrl, id, key),
      expiresAt: r.expiresAt,
      views,
      passphrase: envelope.kdf !== null,
    };
  } finally {
    wipeContent(opened.content);
    for (const f of content?.fields ?? []) wipe(f.value);
    wipe(key);
  }
}

export async function listLinks(u: Unlocked, teamId: string): Promise<LinkInfo[]> {
  return (await u.http.request('GET', linkPaths.links(teamId), undefined, listLinksReply)).links;
}

export async function revokeLink(u: Unlocked, teamId: string, id: string) {
  if (!z.uuid().safeParse(id).success)
    throw new TesseraError('usage', `not a link id: ${JSON.stringify(id)}`);
  return u.http.request('DELETE', linkPaths.link(teamId, id.toLowerCase()), undefined, revokeLinkReply);
}

export async function getLinkPolicy(u: Unlocked, teamId: string, vault: string): Promise<LinkPolicy> {
  return u.http.request('GET', linkPaths.policy(teamId, vault), undefined, linkPolicyReply);
}

export async function setLinkPolicy(
  u: Unlocked,
  teamId: string,
  vault: string,
  p: { linksAllowed: boolean; maxExpirySeconds: number | null },
): Promise<LinkPolicy> {
  return u.http.request('PUT', linkPaths.policy(teamId, vault), p, linkPolicyReply);
}

/** Whether the link asks for a passphrase, without spending a view. */
export async function peekLink(url: string, fetchImpl?: typeof fetch) {
  await initSodium();
  const { server, id, key } = parseLinkUrl(url);
  wipe(key);
  const http = new HttpClient({ baseUrl: server, fetch: fetchImpl });
  return http.request('GET', linkPaths.peek(id), undefined, peekLinkReply);
}

/** Spends one view and decrypts it. The caller wipes the returned values. */
export async function openLinkUrl(
  url: string,
  passphrase?: Uint8Array,
  fetchImpl?: typeof fetch,
): Promise<LinkContent & { viewsLeft: number; expiresAt: string }> {
  // No unlock came first: a recipient has no account here.
  await initSodium();
  const { server, id, key } = parseLinkUrl(url);
  try {
    const http = new HttpClient({ baseUrl: server, fetch: fetchImpl });
    const r = await http.request('POST', linkPaths.open(id), undefined, openLinkReply);
    return {
      ...openLinkEnvelope(id, key, r.envelope, passphrase),
      viewsLeft: r.viewsLeft,
      expiresAt: r.expiresAt,
    };
  } finally {
    wipe(key);
  }
}
