// Process: core (trusted Node side; never imports electron).
// The window's one-time link calls (docs/design.md "One-time links"), kept apart from
// handlers.ts because they are the only calls whose answer carries a key: the URL of a new
// link. It goes to the window in that one answer and is neither logged nor kept here; a Copy
// sends it back so the clipboard guard clears it like a secret value.
import type { IpcArgs } from '../../../shared/ipc.ts';
import type { IpcReturns, LinkView } from '../../../shared/ipc-results.ts';
import { TesseraError } from '../../../shared/errors.ts';
import type { LinkInfo } from '../../../shared/link-api.ts';
import { parseLinkUrl, wipe } from '../crypto/index.ts';
import type { DesktopCore } from './desktop-core.ts';

type LinkChannel =
  | 'link.create'
  | 'link.copy'
  | 'link.list'
  | 'link.revoke'
  | 'link.policy'
  | 'link.setPolicy';
type LinkHandlers = {
  [C in LinkChannel]: (core: DesktopCore, args: IpcArgs<C>) => Promise<IpcReturns[C]>;
};

/** The server knows ids only; the names are this client's, from the vaults and secrets it reads. */
function describe(core: DesktopCore, links: LinkInfo[]): LinkView[] {
  const s = core.service;
  const vaults = new Map(
    s
      .listVaults()
      .filter((v) => v.readable)
      .map((v) => [v.id, v.name]),
  );
  const secrets = new Map(s.listSecrets().map((x) => [x.id, x.name]));
  const me = s.whoami().userId;
  return links.map((l) => ({
    id: l.id,
    vaultId: l.vault,
    vault: vaults.get(l.vault) ?? null,
    itemId: l.item,
    secret: secrets.get(l.item) ?? null,
    createdBy: l.createdBy.email,
    mine: l.createdBy.id === me,
    createdAt: l.createdAt,
    expiresAt: l.expiresAt,
    views: l.views,
    viewsLeft: l.viewsLeft,
    passphrase: l.passphrase,
    status: l.status,
  }));
}

export const linkHandlers: LinkHandlers = {
  'link.create': async (core, a) => {
    const passphrase = a.passphrase === undefined ? undefined : new TextEncoder().encode(a.passphrase);
    try {
      const made = await core.service.createLink(a.ref, {
        ...(a.fields ? { fields: a.fields } : {}),
        expiresInSeconds: a.expiresInSeconds,
        views: a.views,
        passphrase,
      });
      return {
        id: made.id,
        url: made.url,
        expiresAt: made.expiresAt,
        views: made.views,
        passphrase: made.passphrase,
      };
    } finally {
      wipe(passphrase);
    }
  },
  'link.copy': async (core, a) => {
    // Only a link's shape is copied: this must not become a way to put any text on the
    // clipboard under the core's name.
    wipe(parseLinkUrl(a.url).key);
    if (!core.service.isUnlocked) throw new TesseraError('locked', 'the vault is locked: unlock first');
    const seconds = core.settings().clipboardClearSeconds;
    const value = new TextEncoder().encode(a.url);
    try {
      core.clipboard.copy(value, seconds);
    } finally {
      wipe(value);
    }
    return { clearsInSeconds: seconds };
  },
  'link.list': async (core) => describe(core, await core.service.listLinks()),
  'link.revoke': async (core, a) => core.service.revokeLink(a.id),
  'link.policy': async (core, a) => {
    const p = await core.service.linkPolicy(a.vault);
    return { vaultId: p.vault, linksAllowed: p.linksAllowed, maxExpirySeconds: p.maxExpirySeconds };
  },
  'link.setPolicy': async (core, a) => {
    const p = await core.service.setLinkPolicy(a.vault, {
      linksAllowed: a.linksAllowed,
      maxExpirySeconds: a.maxExpirySeconds,
    });
    return { vaultId: p.vault, linksAllowed: p.linksAllowed, maxExpirySeconds: p.maxExpirySeconds };
  },
};
