// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Is this device in step with the team? Online or not, edits still waiting to go out, the
// last revision pulled, and the conflicts two crossing edits left behind: both values were
// kept, and the user decides which one stays.
import { useEffect, useMemo } from 'react';
import { useSecrets } from '../../app/queries.ts';
import { useSyncStatus } from '../../app/sync-status.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useAction } from '../../components/useAction.ts';
import { Conflicts } from './Conflicts.tsx';

export function SyncScreen() {
  const { status, syncNow } = useSyncStatus();
  const secrets = useSecrets();
  const action = useAction();
  const pendingInList = useMemo(() => (secrets.data ?? []).filter((s) => s.pending).length, [secrets.data]);
  const queued = status.remaining ?? pendingInList;

  // Opening the screen checks with the server, so what it shows is current.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per visit
  useEffect(() => {
    void action.run(syncNow);
  }, []);

  const online = status.offline === null ? null : !status.offline;
  return (
    <>
      <div className="screen-head">
        <h1>Sync</h1>
        <button
          type="button"
          className="primary"
          onClick={() => void action.run(syncNow)}
          disabled={action.busy}
        >
          Sync now
        </button>
      </div>
      <div className="stats panel">
        <p>
          <span className="muted">Server: </span>
          <strong className={online === false ? 'offline' : 'ok'}>
            {online === null ? 'Checking…' : online ? 'Online' : 'Offline'}
          </strong>
        </p>
        <p>{`Queued edits: ${queued}`}</p>
        <p>{`Last revision: ${status.revision ?? '–'}`}</p>
        <p className="muted">
          {status.lastSyncAt
            ? `Last synced ${status.lastSyncAt.toLocaleTimeString()}`
            : 'Not synced yet in this session'}
        </p>
      </div>
      {action.busy && <p className="muted">Syncing…</p>}
      {online === false && (
        <p className="notice">
          The team server cannot be reached. Edits are kept, encrypted, on this computer and sent when it is
          back.
        </p>
      )}
      <ErrorAlert error={action.error} />
      <Conflicts />
    </>
  );
}
