// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// A secret's versions (metadata only: who saved which version when). Loaded on demand;
// the values of old versions stay in the core.
import { useEffect, useState } from 'react';
import type { VersionView } from '../../../shared/ipc-results.ts';
import { call, errorText } from '../../bridge.ts';

export function History({ secretRef, version }: { secretRef: string; version: number }) {
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
      <ol className="plain">
        {versions.map((v) => (
          <li key={v.version} className="row">
            <span>
              <strong>v{v.version}</strong> <span className="muted">by</span> {v.updatedBy}
            </span>
            <span className="muted">
              <time dateTime={v.updatedAt}>{new Date(v.updatedAt).toLocaleString()}</time>
              {v.deleted && ' · deleted'}
              {!v.readable && ' · key no longer held'}
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}
