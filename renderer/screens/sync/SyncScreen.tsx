// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Is this device in step with the team? Online or not, edits still waiting to go out, the
// last revision pulled, and the conflicts two crossing edits left behind: both values were
// kept, and the user decides which one stays. When the server no longer takes this
// device's session (logged out, expired, revoked), it says so and offers to log in again.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useSecrets } from '../../app/queries.ts';
import { useSyncStatus } from '../../app/sync-status.tsx';
import { errorCode } from '../../bridge.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useAction } from '../../components/useAction.ts';
import { LogInDialog } from '../auth/LogInDialog.tsx';
import { Conflicts } from './Conflicts.tsx';

const SESSION_ENDED = new Set(['unauthenticated', 'session_expired', 'session_revoked']);
/** Codes that mean no answer came from the team server at all. */
const NO_ANSWER = new Set(['unreachable', 'internal', 'unavailable', 'locked']);

export function SyncScreen() {
  const { status, syncNow } = useSyncStatus();
  const secrets = useSecrets();
  const action = useAction();
  // What the last failed sync taught us: the server answered (so it is online) and whether
  // it refused the session.
  const [answered, setAnswered] = useState(false);
  const [sessionEnded, setSessionEnded] = useState(false);
  const [loggingIn, setLoggingIn] = useState(false);
  const pendingInList = useMemo(() => (secrets.data ?? []).filter((s) => s.pending).length, [secrets.data]);
  const queued = status.remaining ?? pendingInList;

  const check = useCallback(
    () =>
      action.run(async () => {
        try {
          const v = await syncNow();
          setSessionEnded(false);
          return v;
        } catch (e) {
          const code = errorCode(e);
          setAnswered(!!code && !NO_ANSWER.has(code));
          if (code && SESSION_ENDED.has(code)) {
            setSessionEnded(true);
            return undefined;
          }
          throw e;
        }
      }),
    [action.run, syncNow],
  );

  // Opening the screen checks with the server, so what it shows is current.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per visit
  useEffect(() => {
    void check();
  }, []);

  const online = status.offline === null ? (answered ? true : null) : !status.offline;
  return (
    <>
      <div className="screen-head">
        <h1>Sync</h1>
        <button type="button" className="primary" onClick={() => void check()} disabled={action.busy}>
          Sync now
        </button>
      </div>
      <div className="stats panel">
        <p>
          <span className="muted">Server: </span>
          <strong className={online === false || sessionEnded ? 'offline' : 'ok'}>
            {online === null
              ? 'Checking…'
              : !online
                ? 'Offline'
                : sessionEnded
                  ? 'Online, not logged in'
                  : 'Online'}
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
      {sessionEnded && (
        <div className="notice">
          <p role="status">
            This computer is not logged in to the team server, so nothing syncs. Log in to sync again; edits
            made meanwhile are kept on this computer and sent then.
          </p>
          <button type="button" className="primary" onClick={() => setLoggingIn(true)}>
            Log in
          </button>
        </div>
      )}
      {loggingIn && (
        <LogInDialog
          onClose={() => setLoggingIn(false)}
          onLoggedIn={() => {
            setLoggingIn(false);
            void check();
          }}
        />
      )}
      <ErrorAlert error={action.error} />
      <Conflicts />
    </>
  );
}
