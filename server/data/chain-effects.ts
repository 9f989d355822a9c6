// Process: server (team server; plain Node).
// What each verified link changes in the server's projection (memberships, groups, vault
// access, vaults, sealed keys), in the transaction that stores the link. The chain has already
// decided the link is allowed (shared/chain/rules.ts); this side checks what only the server
// can: that a confirmation vouches for the keys the member really published, and that every
// sealed key is the one whose hash the link records.
import type { SealedKey, VaultPayload } from '../../shared/api.ts';
import type { ChainLink, LinkBody, LinkType } from '../../shared/chain/links.ts';
import { TesseraError } from '../../shared/errors.ts';
import { sealedKeyHash } from '../chain-crypto.ts';
import type { Queryable } from '../db.ts';
import type { TeamState } from '../../shared/chain/state.ts';
import { breakGlassEffects } from './breakglass.ts';
import type { Alert } from './breakglass-webhook.ts';
import { storeKeys } from './grants.ts';
import { addGroupMember, insertGroup, removeGroupMember } from './groups.ts';
import { rekeyItems } from './rekey.ts';
import { memberRow, setMembership, upsertInvitation, withdrawInvitation } from './teams.ts';
import {
  deleteAccess,
  insertVault,
  markVaultDeleted,
  nameRevisionOf,
  stampVault,
  upsertAccess,
} from './vaults.ts';
import { offboardEffects } from './offboard.ts';

export interface Payloads {
  team: string;
  revision: number;
  /** Sealed keys of the batch by `vault|generation|user`; each is taken by exactly one link. */
  keys: Map<string, SealedKey>;
  vaults: Map<string, VaultPayload>;
  /** The server's clock, the chain state after the link being projected, and the alerts the
   *  batch raises (sent after commit): break-glass needs them (server/data/breakglass.ts). */
  now?: () => Date;
  state?: TeamState;
  alerts?: Alert[];
}

const keyId = (vault: string, generation: number, user: string) => `${vault}|${generation}|${user}`;

export function indexKeys(keys: readonly SealedKey[]): Map<string, SealedKey> {
  const out = new Map<string, SealedKey>();
  keys.forEach((k, i) => {
    const id = keyId(k.vault.toLowerCase(), k.generation, k.user.toLowerCase());
    if (out.has(id)) throw new TesseraError('bad_request', `keys.${i}: appears twice`);
    out.set(id, k);
  });
  return out;
}

async function takeKeys(
  tx: Queryable,
  p: Payloads,
  link: ChainLink,
  vault: string,
  generation: number,
  wanted: readonly { user: string; keyHash: string }[],
): Promise<void> {
  const rows = wanted.map(({ user, keyHash }) => {
    const id = keyId(vault, generation, user);
    const k = p.keys.get(id);
    if (!k)
      throw new TesseraError(
        'bad_request',
        `keys: link ${link.seq} names a key for ${user} that was not sent`,
      );
    if (sealedKeyHash(k.sealedKey) !== keyHash)
      throw new TesseraError(
        'bad_request',
        `keys: the key for ${user} does not match the hash in link ${link.seq}`,
      );
    p.keys.delete(id);
    return { ...k, vault, user, granter: link.author, seq: link.seq };
  });
  await storeKeys(tx, rows, p.revision);
}

function payloadFor(p: Payloads, link: ChainLink, vault: string, generation: number): VaultPayload {
  const v = p.vaults.get(vault);
  if (!v || v.generation !== generation)
    throw new TesseraError(
      'bad_request',
      `vaults: link ${link.seq} needs the vault's name at generation ${generation}`,
    );
  p.vaults.delete(vault);
  return v;
}

async function suspended(tx: Queryable, user: string): Promise<boolean> {
  const r = await tx.query('SELECT 1 FROM users WHERE id = $1 AND suspended_at IS NOT NULL', [user]);
  return r.rows.length > 0;
}

type Effect<T extends LinkType> = (
  tx: Queryable,
  p: Payloads,
  link: ChainLink,
  body: LinkBody<T>,
) => Promise<void>;

const effects: { [T in LinkType]: Effect<T> } = {
  'team.create': async () => {},
  'member.invite': (tx, p, link, b) =>
    upsertInvitation(tx, {
      team: p.team,
      email: b.email,
      role: b.role,
      invitedBy: link.author,
      revision: p.revision,
    }),
  'member.confirm': async (tx, p, _link, b) => {
    const m = await memberRow(tx, p.team, b.user);
    if (!m || m.email !== b.email || m.status !== 'accepted')
      throw new TesseraError('conflict', `${b.email} has not accepted the invitation`);
    if (m.keys?.boxPublicKey !== b.keys.boxPublicKey || m.keys?.signPublicKey !== b.keys.signPublicKey)
      throw new TesseraError('conflict', 'keys do not match the keys this member published');
    await setMembership(tx, p.team, b.user, { role: b.role, status: 'confirmed' }, p.revision);
  },
  'member.role': (tx, p, _link, b) => setMembership(tx, p.team, b.user, { role: b.role }, p.revision),
  'member.remove': async (tx, p, link, b) => {
    await setMembership(tx, p.team, b.user, { status: 'removed' }, p.revision);
    if (b.reason === 'offboarded')
      await offboardEffects(tx, { team: p.team, user: b.user, by: link.author, seq: link.seq });
    await tx.query(
      `DELETE FROM vault_access WHERE principal_type = 'user' AND principal_id = $2
          AND vault_id IN (SELECT id FROM vaults WHERE team_id = $1)`,
      [p.team, b.user],
    );
    await tx.query(
      'DELETE FROM group_members WHERE user_id = $2 AND group_id IN (SELECT id FROM groups WHERE team_id = $1)',
      [p.team, b.user],
    );
  },
  'member.uninvite': (tx, p, _link, b) => withdrawInvitation(tx, p.team, b.email, p.revision),
  'group.create': async (tx, p, _link, b) => {
    if (!(await insertGroup(tx, { id: b.group, team: p.team, name: b.name })))
      throw new TesseraError('conflict', `a group named ${b.name} already exists`);
  },
  'group.add': async (tx, p, _link, b) => {
    await addGroupMember(tx, b.group, b.user, p.revision);
  },
  'group.remove': async (tx, _p, _link, b) => {
    await removeGroupMember(tx, b.group, b.user);
  },
  'vault.create': async (tx, p, link, b) => {
    const v = payloadFor(p, link, b.vault, 1);
    if (v.items.length) throw new TesseraError('bad_request', 'vaults: a new vault has no items');
    const made = await insertVault(tx, {
      id: b.vault,
      team: p.team,
      name: v.name,
      breakGlass: v.breakGlass,
      createdBy: link.author,
      revision: p.revision,
    });
    if (!made) throw new TesseraError('conflict', 'a vault with this id already exists');
    await upsertAccess(tx, b.vault, { type: 'user', id: link.author }, 'manage', p.revision);
    await takeKeys(tx, p, link, b.vault, 1, b.keys);
  },
  'vault.grant': async (tx, p, _link, b) => {
    await upsertAccess(tx, b.vault, { type: b.principal.kind, id: b.principal.id }, b.role, p.revision);
    await stampVault(tx, b.vault, p.revision);
  },
  'vault.revoke': async (tx, p, _link, b) => {
    await deleteAccess(tx, b.vault, { type: b.principal.kind, id: b.principal.id });
    await stampVault(tx, b.vault, p.revision);
  },
  'vault.rekey': async (tx, p, link, b) => {
    const v = payloadFor(p, link, b.vault, b.generation);
    // The re-key re-seals the name its author last read: if a rename landed since, storing it
    // would quietly undo the rename. A client that does not say (older ones) is not checked.
    if (v.nameRevision !== undefined && v.nameRevision !== (await nameRevisionOf(tx, b.vault)))
      throw new TesseraError('conflict', 'the vault was renamed meanwhile; sync and retry');
    await rekeyItems(tx, v, link.author, p.revision);
    await takeKeys(tx, p, link, b.vault, b.generation, b.keys);
  },
  'key.deliver': async (tx, p, link, b) => {
    if (await suspended(tx, b.user))
      throw new TesseraError('forbidden', `user ${b.user} is suspended; no key may be sealed to them`);
    await takeKeys(tx, p, link, b.vault, b.generation, [{ user: b.user, keyHash: b.keyHash }]);
  },
  'vault.delete': (tx, p, _link, b) => markVaultDeleted(tx, b.vault, p.revision),
  ...breakGlassEffects,
};

/** Applies one link the chain has accepted; its body already passed the strict schema. */
export function projectLink(tx: Queryable, p: Payloads, link: ChainLink): Promise<void> {
  return (effects[link.type] as Effect<LinkType>)(tx, p, link, link.body as never);
}

/** After the batch: a key or a vault payload that no link asked for is refused, not kept. */
export function checkAllTaken(p: Payloads): void {
  const key = p.keys.values().next().value;
  if (key)
    throw new TesseraError('bad_request', `keys: no link in this batch records the key for ${key.user}`);
  const vault = p.vaults.keys().next().value;
  if (vault)
    throw new TesseraError('bad_request', `vaults: no link in this batch creates or re-keys ${vault}`);
}
