// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// A secret's versions: who saved which version when. Loaded on demand; an old version's
// value stays in the core until its Show (a row of its own, through useReveal, so it lives
// 30 seconds in that row's state), and Restore writes that version's fields as a new one.
import { useEffect, useState } from 'react';
import type { SyncView, VersionView } from '../../../shared/ipc-results.ts';
import { call, errorText } from '../../bridge.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useAction } from '../../components/useAction.ts';
import { useReveal } from './useReveal.ts';

interface Props {
  secretRef: string;
  version: number;
  canWrite: boolean;
  onRestored(result: SyncView): void;
}

export function History({ secretRef, version, canWrite, onRestored }: Props) {
  const [versions, setVersions] = useState<VersionView[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  // Reload when the secret gets a new version while the list is open.
  // biome-ignore lint/correctness/useExhaustiveDependencies: version is the reload trigger
  useEffect(() => {
    let live = true;
    setError(null);
    call('secret.history', { ref: secretRef }).then(
      (v) => live && setVersions([...v].sort((a, b) => b.version - a.version)),
      (e) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [secretRef, version]);

  if (error) {
    return (
      <p role="alert" className="alert">
        {error}
      </p>
    );
  }
  if (!versions) return <p className="muted">Loading history…</p>;
  return (
    <div className="history">
      <h3>History</h3>
      <ol className="plain" aria-label="Versions">
        {versions.map((v) => (
          <VersionRow
            key={v.version}
            secretRef={secretRef}
            v={v}
            current={v.version === version}
            canWrite={canWrite}
            onRestored={onRestored}
          />
        ))}
      </ol>
    </div>
  );
}

interface RowProps {
  secretRef: string;
  v: VersionView;
  current: boolean;
  canWrite: boolean;
  onRestored(result: SyncView): void;
}

function VersionRow({ secretRef, v, current, canWrite, onRestored }: RowProps) {
  const reveal = useReveal(secretRef, v.version, undefined, v.version);
  const action = useAction();
  const old = !current && !v.deleted && v.readable;
  const restore = () =>
    void action.run(async () => {
      onRestored(await call('secret.restore', { ref: secretRef, version: v.version }));
    });
  return (
    <li className="row" aria-label={`Version ${v.version}`}>
      <span>
        <strong>v{v.version}</strong> <span className="muted">by</span> {v.updatedBy}
        {current && <span className="muted"> · current</span>}
      </span>
      <span className="muted">
        <time dateTime={v.updatedAt}>{new Date(v.updatedAt).toLocaleString()}</time>
        {v.deleted && ' · deleted'}
        {!v.readable && ' · key no longer held'}
      </span>
      {old && (
        <span className="button-row">
          <button
            type="button"
            aria-label={`${reveal.value === null ? 'Show' : 'Hide'} v${v.version}`}
            onClick={reveal.toggle}
          >
            {reveal.value === null ? 'Show' : 'Hide'}
          </button>
          {canWrite && (
            <button
              type="button"
              aria-label={`Restore v${v.version}`}
              onClick={restore}
              disabled={action.busy}
            >
              Restore
            </button>
          )}
        </span>
      )}
      {reveal.value !== null && (
        <output className="value" aria-label={`v${v.version} value`} aria-live="off">
          {reveal.value}
        </output>
      )}
      {reveal.error && (
        <p role="alert" className="alert">
          {reveal.error}
        </p>
      )}
      <ErrorAlert error={action.error} />
    </li>
  );
}
