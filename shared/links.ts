// Process: shared. The one-time link formats (docs/design.md "One-time links"). A link is
// `<server>/s/<id>#<key>`: the key lives only in the URL fragment, which browsers and HTTP
// clients never send, so the server stores a ciphertext it cannot open. Everything here is
// plain data: the core and, later, the recipient page build the same bytes from it.

export const LINK_FORMAT_VERSION = 1 as const;
export const LINK_ALG = 'xchacha20poly1305-ietf' as const;
export const LINK_KDF_ALG = 'argon2id13' as const;
/** The same floor as account passwords (formats.ts KDF_FLOOR; a unit test keeps them equal):
 *  a server that hands out weaker parameters is refused before any derivation runs. */
export const LINK_KDF_FLOOR = { opslimit: 3, memlimit: 64 * 1024 * 1024 } as const;
export const LINK_KDF_CEILING = { opslimit: 20, memlimit: 1024 * 1024 * 1024 } as const;

/** The longest a link may live, whatever a sender or a vault policy asks for. */
export const LINK_MAX_EXPIRY_SECONDS = 7 * 24 * 60 * 60;
export const LINK_MAX_VIEWS = 100;

export interface LinkKdf {
  alg: typeof LINK_KDF_ALG;
  opslimit: number;
  memlimit: number;
  salt: string;
}

/** What the server stores and hands back: the AEAD blob, and the passphrase's salt and cost
 *  when there is one. `kdf: null` means the fragment key alone opens it. */
export interface LinkEnvelope {
  v: typeof LINK_FORMAT_VERSION;
  alg: typeof LINK_ALG;
  nonce: string;
  ct: string;
  kdf: LinkKdf | null;
}

/** Associated data: the link id and format version, and the KDF parameters, so a server
 *  cannot serve one link's ciphertext under another id or strip or weaken the passphrase. */
export function linkAd(id: string, kdf: LinkKdf | null): string {
  const k = kdf ? `${kdf.alg}:${kdf.opslimit}:${kdf.memlimit}:${kdf.salt}` : 'none';
  return `tessera/v${LINK_FORMAT_VERSION}/link|${id.toLowerCase()}|${k}`;
}

/** The path of the recipient page for a link; the key goes after it as `#<key>`. */
export const linkPagePath = (id: string) => `/s/${id}`;
