// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// The lists the window shows, cached with react-query. Only names, roles and metadata live
// here: a plaintext value or a password never enters a query key, a query result or a
// mutation variable (secret.reveal, secret.set, link.create and account.* go through `call`
// directly: a one-time link's URL holds its key, so it lives in its dialog's state alone).
import { type QueryClient, useQuery } from '@tanstack/react-query';
import type { SyncChanges } from '../../shared/ipc-results.ts';
import { call } from '../bridge.ts';
import { staleLists } from './stale.ts';

export const keys = {
  vaults: ['vault.list'] as const,
  secrets: ['secret.list'] as const,
  due: ['secret.due'] as const,
  members: ['team.members'] as const,
  groups: ['group.list'] as const,
  invitations: ['team.invitations'] as const,
  inviteCode: (team: string | null) => ['team.code', team] as const,
  teams: ['team.list'] as const,
  settings: ['settings'] as const,
  access: (vault: string) => ['vault.access', vault] as const,
  links: ['link.list'] as const,
  linkPolicy: (vault: string) => ['link.policy', vault] as const,
  audit: ['audit.list'] as const,
};

export const useVaults = () => useQuery({ queryKey: keys.vaults, queryFn: () => call('vault.list', {}) });
/** Names and dates only. Refetched hourly, and each time the Due screen opens: time alone
 *  makes a secret due. */
export const useDue = (onOpen = false) =>
  useQuery({
    queryKey: keys.due,
    queryFn: () => call('secret.due', {}),
    refetchInterval: 3_600_000,
    ...(onOpen ? { refetchOnMount: 'always' as const } : {}),
  });
export const useSecrets = () => useQuery({ queryKey: keys.secrets, queryFn: () => call('secret.list', {}) });
/** Polled while shown: an acceptance or a new member does not bump the team revision. */
export const useMembers = (refetchInterval: number | false = false) =>
  useQuery({ queryKey: keys.members, queryFn: () => call('team.members', {}), refetchInterval });
export const useGroups = (enabled = true) =>
  useQuery({ queryKey: keys.groups, queryFn: () => call('group.list', {}), enabled });
export const useInvitations = (refetchInterval: number | false = false) =>
  useQuery({ queryKey: keys.invitations, queryFn: () => call('team.invitations', {}), refetchInterval });
/** The current team's invite code; keyed by team so a switch never shows the last one's. */
export const useInviteCode = (team: string | null) =>
  useQuery({
    queryKey: keys.inviteCode(team),
    queryFn: () => call('team.code', {}),
    enabled: !!team,
    staleTime: Number.POSITIVE_INFINITY,
  });
export const useTeams = () => useQuery({ queryKey: keys.teams, queryFn: () => call('team.list', {}) });
export const useSettings = () =>
  useQuery({
    queryKey: keys.settings,
    queryFn: () => call('settings.get', {}),
    staleTime: Number.POSITIVE_INFINITY,
  });
export const useAccess = (vault: string) =>
  useQuery({ queryKey: keys.access(vault), queryFn: () => call('vault.access', { vault }) });

/** Ids, names, counts and dates; never a URL. Polled while shown: a recipient's open spends
 *  a view on the server without any sync telling this window. */
export const useLinks = (refetchInterval: number | false = false) =>
  useQuery({
    queryKey: keys.links,
    queryFn: () => call('link.list', {}),
    refetchInterval,
    refetchOnMount: 'always',
  });
/** The server keeps a vault's link policy, outside the team chain, so no sync announces a
 *  change: asked again each time a pane or dialog that shows it opens. */
export const useLinkPolicy = (vault: string, enabled = true) =>
  useQuery({
    queryKey: keys.linkPolicy(vault),
    queryFn: () => call('link.policy', { vault }),
    enabled,
    refetchOnMount: 'always',
  });

/** After a change made in this window: refetch every list that might differ. */
export function invalidateLists(qc: QueryClient): Promise<void> {
  return qc.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'settings' });
}

/** After a live sync: refetch only the lists its changes touched (app/stale.ts). */
export function invalidateChanged(qc: QueryClient, changes: SyncChanges): Promise<void> {
  const stale = new Set<string>(staleLists(changes));
  if (stale.size === 0) return Promise.resolve();
  return qc.invalidateQueries({ predicate: (q) => stale.has(String(q.queryKey[0])) });
}
