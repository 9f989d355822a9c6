// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// What the window knows about sync: online or not, the last revision, edits still queued.
// Fed by every answer that carries a SyncView and by the core's 'synced' and 'online'
// events. A 'synced' event refreshes only the lists its changes touched, and events that come
// close together (another member's burst of writes) are folded into one refresh.
import { useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import type { SyncChanges, SyncView } from '../../shared/ipc-results.ts';
import { call } from '../bridge.ts';
import { useBridgeEvent } from './events.ts';
import { invalidateChanged, invalidateLists } from './queries.ts';
import { changesOf, mergeChanges } from './stale.ts';

export interface SyncStatus {
  /** null until the first answer. */
  offline: boolean | null;
  revision: number | null;
  /** Edits the server has not acknowledged; null when only the secret list can tell. */
  remaining: number | null;
  lastSyncAt: Date | null;
}

interface SyncContextValue {
  status: SyncStatus;
  report(view: SyncView): void;
  syncNow(): Promise<SyncView>;
}

const SyncContext = createContext<SyncContextValue | null>(null);
const RETRY_OFFLINE_MS = 15_000;
/** How long a live sync's refresh waits for the next one to fold in. */
const REFRESH_FOLD_MS = 30;

export function SyncStatusProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const [status, setStatus] = useState<SyncStatus>({
    offline: null,
    revision: null,
    remaining: null,
    lastSyncAt: null,
  });

  const report = useCallback(
    (v: SyncView) => {
      setStatus({
        offline: v.offline,
        revision: v.revision || null,
        remaining: v.remaining,
        lastSyncAt: v.offline ? null : new Date(),
      });
      void invalidateLists(qc);
    },
    [qc],
  );

  // Changes of live syncs not refreshed yet, and the timer that will.
  const pending = useRef<{ changes: SyncChanges; timer: ReturnType<typeof setTimeout> } | null>(null);
  useEffect(
    () => () => {
      if (pending.current) clearTimeout(pending.current.timer);
      pending.current = null;
    },
    [],
  );
  const refreshChanged = useCallback(
    (changes: SyncChanges) => {
      if (pending.current) {
        pending.current.changes = mergeChanges(pending.current.changes, changes);
        return;
      }
      const timer = setTimeout(() => {
        const p = pending.current;
        pending.current = null;
        if (p) void invalidateChanged(qc, p.changes);
      }, REFRESH_FOLD_MS);
      pending.current = { changes, timer };
    },
    [qc],
  );

  const syncNow = useCallback(async () => {
    const v = await call('sync.now', {});
    report(v);
    return v;
  }, [report]);

  useBridgeEvent((event, payload) => {
    if (event === 'synced') {
      const revision = (payload as { revision?: unknown } | null)?.revision;
      setStatus((s) => ({
        offline: false,
        revision: typeof revision === 'number' ? revision : s.revision,
        remaining: null,
        lastSyncAt: new Date(),
      }));
      refreshChanged(changesOf(payload));
    } else if (event === 'online') {
      const online =
        typeof payload === 'object' && payload !== null ? (payload as { online?: unknown }).online : payload;
      setStatus((s) => ({ ...s, offline: online === false }));
    }
  });

  // While offline, try again now and then so queued edits go out when the server is back.
  useEffect(() => {
    if (status.offline !== true) return;
    const t = setInterval(() => void syncNow().catch(() => undefined), RETRY_OFFLINE_MS);
    return () => clearInterval(t);
  }, [status.offline, syncNow]);

  const value = useMemo(() => ({ status, report, syncNow }), [status, report, syncNow]);
  return <SyncContext.Provider value={value}>{children}</SyncContext.Provider>;
}

export function useSyncStatus(): SyncContextValue {
  const v = useContext(SyncContext);
  if (!v) throw new Error('useSyncStatus outside SyncStatusProvider');
  return v;
}
