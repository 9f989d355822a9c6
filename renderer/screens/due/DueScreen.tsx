// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// What to rotate: secrets whose rotation is overdue or due within a week, and credentials that
// have expired or expire soon. The list holds names and dates only; Rotate asks the core for a
// new value generated the way the secret's last one was, so no value passes through here.
// "Rotation required" rows are secrets a member flagged, with the reason and who flagged it
// (the core showed only flags whose signatures the team chain vouches for); rotating settles them.
import { useQueryClient } from '@tanstack/react-query';
import { describeDue, describeFlaggers, describeInterval, isUrgent } from '../../../shared/due-words.ts';
import { plural } from '../../../shared/words.ts';
import type { DueView } from '../../../shared/ipc-results.ts';
import { invalidateLists, useDue } from '../../app/queries.ts';
import { call } from '../../bridge.ts';
import { useState } from 'react';
import { ErrorAlert, Notice } from '../../components/ErrorAlert.tsx';
import { useAction } from '../../components/useAction.ts';

export function DueScreen() {
  const due = useDue(true);
  const qc = useQueryClient();
  const action = useAction();
  const [notice, setNotice] = useState<string | null>(null);
  const rotate = (e: DueView) =>
    action.run(async () => {
      setNotice(null);
      await call('secret.rotate', { ref: `${e.vault}/${e.name}` });
      await invalidateLists(qc);
      setNotice(`${e.name}: a new value was generated and saved as the next version`);
    });

  const list = due.data ?? [];
  // One Rotate per secret: a flagged secret that is also overdue offers it on the flag's row.
  const flagged = new Set(list.filter((e) => e.reason === 'rotation-required').map((e) => e.id));
  const rotatable = (e: DueView) =>
    e.reason === 'rotation-required' ||
    ((e.reason === 'overdue' || e.reason === 'due-soon') && !flagged.has(e.id));
  return (
    <>
      <div className="screen-head">
        <h1>Due</h1>
        <p className="muted">
          {list.length === 0
            ? 'Nothing to rotate'
            : `${plural(list.filter(isUrgent).length, 'secret')} overdue, expired or flagged, ${list.filter((e) => !isUrgent(e)).length} due within 7 days`}
        </p>
      </div>
      <ErrorAlert error={action.error ?? (due.error ? due.error.message : null)} />
      {notice && <Notice>{notice}</Notice>}
      {due.isSuccess && list.length === 0 && (
        <p className="empty">
          Nothing is overdue or due this week. Give a secret a rotation interval (Edit, “Rotate every”), or a
          vault a default one (its Vault menu, “Rotation reminder…”), to be reminded here before it is due.
        </p>
      )}
      {list.length > 0 && (
        <table className="table" aria-label="Secrets to rotate">
          <thead>
            <tr>
              <th scope="col">Secret</th>
              <th scope="col">Status</th>
              <th scope="col">Date</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((e) => (
              <tr key={`${e.id}:${e.reason}`} data-reason={e.reason}>
                <td>
                  {e.vault}/{e.name}
                </td>
                <td>
                  <span className={`badge ${isUrgent(e) ? 'conflict' : 'pending'}`}>{describeDue(e)}</span>
                  {describeInterval(e) && <span className="muted"> {describeInterval(e)}</span>}
                  {describeFlaggers(e) && <span className="muted"> {describeFlaggers(e)}</span>}
                </td>
                <td>{e.dueAt.slice(0, 10)}</td>
                <td>
                  {rotatable(e) && e.canRotate && (
                    <button type="button" disabled={action.busy} onClick={() => void rotate(e)}>
                      Rotate {e.name}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
