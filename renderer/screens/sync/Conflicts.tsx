// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Conflict copies: when two edits of one secret crossed, the core kept the losing value as a
// copy next to the original. "Keep mine" puts the copy's value back on the original,
// "Keep theirs" drops the copy; either way the copy goes.
import { useMemo } from 'react';
import { call } from '../../bridge.ts';
import { useSecrets } from '../../app/queries.ts';
import { useSyncStatus } from '../../app/sync-status.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useAction } from '../../components/useAction.ts';
import { conflictRefOf } from '../secrets/refs.ts';

export function Conflicts() {
  const secrets = useSecrets();
  const { report } = useSyncStatus();
  const action = useAction();
  const copies = useMemo(() => (secrets.data ?? []).filter((s) => s.conflictOf), [secrets.data]);
  const byId = useMemo(() => new Map((secrets.data ?? []).map((s) => [s.id, s])), [secrets.data]);

  const resolve = (ref: string, keep: 'mine' | 'theirs') =>
    void action.run(async () => report(await call('conflict.resolve', { ref, keep })));

  return (
    <section aria-labelledby="conflicts-h">
      <h2 id="conflicts-h">Conflicts</h2>
      <ErrorAlert error={action.error} />
      {copies.length === 0 ? (
        <p className="muted">No conflicts.</p>
      ) : (
        <ul className="plain" aria-labelledby="conflicts-h">
          {copies.map((c) => {
            const original = c.conflictOf ? byId.get(c.conflictOf) : undefined;
            return (
              <li key={c.id} className="row">
                <span>
                  <strong>{c.name}</strong> <span className="muted">in {c.vault}</span>{' '}
                  <span className="badge conflict">conflict</span>
                  <br />
                  <span className="hint">
                    {original
                      ? `Your edit of ${original.name} crossed another member's edit.`
                      : 'Two edits crossed.'}
                  </span>
                </span>
                <span className="button-row">
                  <button
                    type="button"
                    onClick={() => resolve(conflictRefOf(c), 'mine')}
                    disabled={action.busy}
                  >
                    Keep mine
                  </button>
                  <button
                    type="button"
                    onClick={() => resolve(conflictRefOf(c), 'theirs')}
                    disabled={action.busy}
                  >
                    Keep theirs
                  </button>
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
