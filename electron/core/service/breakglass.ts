// Process: core (trusted Node side; never imports electron).
// Break-glass on the client (docs/design.md "Break-glass"). Requests, approvals, denials and
// closes are links this user signs; the vault key reaches a responder only as a
// `breakglass.key` link a key holder signs once the verified chain says the policy is met,
// with the sealed key the server releases inside the window. This client opens such a key
// only if a verified link recorded its hash for this very request and its own clock is inside
// the window; it keeps the key in memory only and wipes it when the window ends.
import { breakglassSessionReply, type ItemRecord, paths, putFlagReply } from '../../../shared/api.ts';
import {
  type BreakGlassSession,
  findSession,
  grantedAt,
  sessionStatus,
  windowEnd,
} from '../../../shared/chain/breakglass.ts';
import { type BreakGlassPolicy, linkBodies, MANIFEST_MAX } from '../../../shared/chain/links.ts';
import type { ChainVault, TeamState as ChainState } from '../../../shared/chain/state.ts';
import { TesseraError } from '../../../shared/errors.ts';
import type { BreakGlassRequestView } from '../../../shared/ipc-results.ts';
import { mayInTeam } from '../../../shared/roles.ts';
import { ad } from '../../../shared/formats.ts';
import { decodeVaultLabel } from '../../../shared/vault-label.ts';
import { hashSealedKey, openEnvelope, openVaultKey, signRotationFlag, wipe } from '../crypto/index.ts';
import type { Unlocked } from '../profile/unlocked.ts';
import type { ChainBatch } from '../sync/chain-batch.ts';
import { decryptRecord } from '../vault/index.ts';
import {
  decodeBody,
  type ItemContent,
  type ItemHeader,
  layoutOf,
  wipeContent,
} from '../vault/item-payload.ts';
import { checkRelease, manifestOf } from './breakglass-release.ts';
import { canDistribute, rekeyVault, sealTo } from './keys.ts';
import { resolveVault, vaultLabel } from './vaults.ts';

export const DEFAULT_WINDOW_MINUTES = 60;
/** How long after a request an owner's sync still seals a granted session on its own. */
const STALE_MS = 24 * 60 * 60_000;

/** One request as the window and the CLI show it (shared/ipc-results.ts). */
export type BreakGlassEntry = BreakGlassRequestView;

/** Marks a vault break-glass; an owner who holds the key re-keys it to owners in the same batch. */
export function markVault(
  u: Unlocked,
  b: ChainBatch,
  vaultRef: string,
  policy: BreakGlassPolicy,
  windowMinutes = DEFAULT_WINDOW_MINUTES,
) {
  const v = resolveVault(u, b.teamId, vaultRef);
  const label = vaultLabel(u, b.teamId, v.id) ?? { name: v.name };
  b.add('vault.breakglass', { vault: v.id, label: label.name, policy, windowMinutes });
  const rekeyed = canDistribute(u, b, v.id);
  if (rekeyed) rekeyVault(u, b, v.id, label);
  return { vault: v.name, rekeyed };
}

/** A break-glass vault by its label or id, as every member can see it in the chain. */
function breakGlassVault(state: ChainState, ref: string): ChainVault {
  const hits = [...state.vaults.values()].filter(
    (v) => v.breakglass && !v.deleted && (v.id === ref || v.breakglass.label === ref),
  );
  if (hits.length === 1) return hits[0]!;
  if (hits.length > 1)
    throw new TesseraError(
      'usage',
      `${hits.length} break-glass vaults are called ${JSON.stringify(ref)}; use the vault id`,
    );
  throw new TesseraError('not_found', `no break-glass vault ${JSON.stringify(ref)}`);
}

export function request(
  b: ChainBatch,
  vaultRef: string,
  reason: string,
  minutes: number | undefined,
  now: Date,
) {
  const v = breakGlassVault(b.state, vaultRef);
  const id = crypto.randomUUID();
  const text = reason.trim();
  if (!linkBodies['breakglass.request'].shape.reason.safeParse(text).success)
    throw new TesseraError('usage', 'a reason is one line of plain text, 1 to 500 characters');
  b.add('breakglass.request', {
    vault: v.id,
    request: id,
    reason: text,
    minutes: minutes ?? v.breakglass!.windowMinutes,
    at: now.getTime(),
  });
  return { request: id, vault: v.breakglass!.label, policy: v.breakglass!.policy };
}

function sessionIn(state: ChainState, id: string) {
  const f = findSession(state.vaults.values(), id);
  if (!f) throw new TesseraError('not_found', `no break-glass request ${id}`);
  return f;
}

/** Seals the current key to the requester, if this user holds it and the policy is met now. */
function sealSession(u: Unlocked, b: ChainBatch, v: ChainVault, s: BreakGlassSession, at: number): boolean {
  if (s.key || !canDistribute(u, b, v.id) || !grantedAt(v.breakglass!, s, at)) return false;
  const key = u.keyring.vaultKey(v.id, v.generation)!;
  const [sealed] = sealTo(b, v.id, v.generation, key, [s.requester]);
  const items = manifestOf(Object.values(u.team(b.teamId).items), v.id);
  if (items.length > MANIFEST_MAX)
    throw new TesseraError('usage', `a break-glass vault holds at most ${MANIFEST_MAX} items for a session`);
  b.add('breakglass.key', {
    vault: v.id,
    request: s.request,
    at,
    generation: v.generation,
    keyHash: sealed!.keyHash,
    items,
  });
  return true;
}

export function approve(u: Unlocked, b: ChainBatch, id: string, now: Date) {
  const { vault } = sessionIn(b.state, id);
  b.add('breakglass.approve', { vault: vault.id, request: id, at: now.getTime() });
  const f = sessionIn(b.state, id);
  const sealed = sealSession(u, b, f.vault, f.session, now.getTime());
  return {
    request: id,
    status: sessionStatus(f.vault, sessionIn(b.state, id).session, now.getTime()),
    sealed,
  };
}

export function answer(b: ChainBatch, id: string, kind: 'breakglass.deny' | 'breakglass.close', now: Date) {
  const { vault } = sessionIn(b.state, id);
  b.add(kind, { vault: vault.id, request: id, at: now.getTime() });
  return { request: id };
}

/** A key holder's sync duty: seal the key for every session the policy now grants (a delay
 *  that passed, an immediate request, approvals by admins who hold no key). */
export function deliverGranted(u: Unlocked, b: ChainBatch, now: number): number {
  let n = 0;
  for (const v of [...b.state.vaults.values()]) {
    if (!v.breakglass || v.deleted) continue;
    for (const s of [...(v.sessions ?? [])]) {
      // A request nobody acted on for a day is stale: no client seals it unasked any more.
      if (now - s.at > STALE_MS) continue;
      const cur = sessionIn(b.state, s.request);
      if (sealSession(u, b, cur.vault, cur.session, now)) n++;
    }
  }
  return n;
}

export function statusList(u: Unlocked, teamId: string, now: number): BreakGlassEntry[] {
  const chain = u.team(teamId).chain;
  const me = chain.members.get(u.userId);
  const approver = mayInTeam(me?.role, 'breakglass.approve');
  const out: BreakGlassEntry[] = [];
  for (const v of chain.vaults.values()) {
    if (!v.breakglass) continue;
    for (const s of v.sessions ?? []) {
      const status = sessionStatus(v, s, now);
      const end = windowEnd(s);
      out.push({
        request: s.request,
        vault: v.id,
        label: v.breakglass.label,
        requester: chain.members.get(s.requester)?.email ?? s.requester,
        reason: s.reason,
        minutes: s.minutes,
        requestedAt: new Date(s.at).toISOString(),
        status,
        policy: v.breakglass.policy,
        approvals: s.approvals.map((a) => chain.members.get(a)?.email ?? a),
        ...(end !== null ? { endsAt: new Date(end).toISOString() } : {}),
        mine: s.requester === u.userId,
        canAnswer:
          approver &&
          s.requester !== u.userId &&
          status === 'pending' &&
          !(v.breakglass.policy.kind === 'approval' && s.approvals.includes(u.userId)),
      });
    }
  }
  return out.sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
}

/** An open session's vault in memory: its key, name and items, until `ends`. */
export interface OpenSession {
  team: string;
  request: string;
  vault: string;
  name: string;
  ends: number;
  key: Uint8Array;
  items: { record: ItemRecord; header: ItemHeader }[];
}

/** Fetches and checks a granted session: refused unless the verified chain holds this
 *  user's request with a key link whose hash matches what the server sent, and this client's
 *  clock is inside the window. */
export async function openSession(
  u: Unlocked,
  teamId: string,
  id: string,
  now: number,
): Promise<OpenSession> {
  const chain = u.team(teamId).chain;
  const { vault: v, session: s } = sessionIn(chain, id);
  if (s.requester !== u.userId) throw new TesseraError('forbidden', 'this break-glass request is not yours');
  const status = sessionStatus(v, s, now);
  if (status !== 'open')
    throw new TesseraError('forbidden', `break-glass request ${id} is ${status}: no access to the vault`);
  const reply = await u.http.request(
    'GET',
    paths.breakglassSession(teamId, id),
    undefined,
    breakglassSessionReply,
  );
  if (
    reply.vault !== v.id ||
    reply.generation !== s.key!.generation ||
    hashSealedKey(reply.sealedKey) !== s.key!.keyHash
  )
    throw new TesseraError('tampered', 'the server sent a break-glass key no verified link records: refused');
  const key = openVaultKey(reply.sealedKey, u.keyring.account);
  try {
    const keyFor = (vault: string, g: number) => (vault === v.id && g === v.generation ? key : undefined);
    checkRelease(chain, teamId, v, s, reply.items);
    const items = reply.items.map((record) => ({
      record,
      header: decryptRecord(keyFor, teamId, record, false).header,
    }));
    const nameBytes = openEnvelope(key, reply.name, ad.vaultName(teamId, v.id, v.generation));
    const name = decodeVaultLabel(nameBytes).name;
    wipe(nameBytes);
    return { team: teamId, request: id, vault: v.id, name, ends: windowEnd(s)!, key, items };
  } catch (e) {
    wipe(key);
    throw e;
  }
}

/** One item's content from an open session; the caller wipes it. */
export function readSessionItem(
  o: OpenSession,
  name: string,
): { id: string; header: ItemHeader; content: ItemContent } {
  const hit = o.items.find((i) => i.header.name === name && !i.header.deleted);
  if (!hit) throw new TesseraError('not_found', `no secret ${JSON.stringify(name)} in vault ${o.name}`);
  const { header, body } = decryptRecord(() => o.key, o.team, hit.record, true);
  try {
    return { id: hit.record.id, header, content: decodeBody(header, body!) };
  } finally {
    wipe(body!);
  }
}

/** A viewed secret is flagged "rotation required", signed by the responder. */
export async function flagViewed(u: Unlocked, o: OpenSession, item: string, now: Date): Promise<void> {
  const reason = 'viewed during break-glass access';
  const at = now.toISOString();
  const signature = signRotationFlag(
    { team: o.team, vault: o.vault, item, reason, at, author: u.userId },
    u.keyring.account.signSecretKey,
  );
  await u.http.request(
    'PUT',
    paths.rotationFlag(o.team, o.vault, item),
    { reason, at, signature },
    putFlagReply,
  );
}

export { layoutOf, wipeContent };
