// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Which cached lists a live sync made stale, from what the core says it changed. Another
// member's burst of writes must not refetch every list on every open window: a sync that
// brought nothing this window shows refetches nothing, and only a change to a secret this
// member can read refetches the secret list. Plain data in, query-key roots out, so the
// mapping is tested without a browser.
import type { SyncChanges } from '../../shared/ipc-results.ts';

/** The first element of each query key (see keys in queries.ts) a change may affect. */
export type ListKey =
  | 'vault.list'
  | 'secret.list'
  | 'secret.due'
  | 'vault.access'
  | 'team.members'
  | 'group.list'
  | 'team.invitations'
  | 'team.list'
  | 'breakglass.status';

export const NO_CHANGES: SyncChanges = { team: false, vaults: false, secrets: [] };

export function staleLists(c: SyncChanges): ListKey[] {
  const out = new Set<ListKey>();
  // Chain links: members, roles, groups, grants, invitations, break-glass marks and requests;
  // a grant or a delivered key can make a vault (and so its secrets) readable or not.
  if (c.team)
    for (const k of [
      'team.members',
      'group.list',
      'team.invitations',
      'team.list',
      'vault.access',
      'vault.list',
      'breakglass.status',
    ] as const)
      out.add(k);
  if (c.vaults)
    for (const k of ['vault.list', 'vault.access', 'secret.list', 'secret.due'] as const) out.add(k);
  if (c.secrets.length > 0) {
    out.add('secret.list');
    out.add('secret.due');
  }
  return [...out];
}

/** Several syncs' changes as one, for a window that refreshes once after a burst. */
export function mergeChanges(a: SyncChanges, b: SyncChanges): SyncChanges {
  return {
    team: a.team || b.team,
    vaults: a.vaults || b.vaults,
    secrets: [...new Set([...a.secrets, ...b.secrets])],
  };
}

/** What a 'synced' event's payload says changed. A payload without the field
 *  counts as everything changed, so nothing is left stale. */
export function changesOf(payload: unknown): SyncChanges {
  const c = (payload as { changes?: Partial<SyncChanges> } | null)?.changes;
  if (!c || typeof c !== 'object') return { team: true, vaults: true, secrets: [] };
  return {
    team: c.team === true,
    vaults: c.vaults === true,
    secrets: Array.isArray(c.secrets) ? c.secrets.filter((s): s is string => typeof s === 'string') : [],
  };
}
