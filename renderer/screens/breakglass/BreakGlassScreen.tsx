// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Break-glass (docs/design.md "Break-glass"): a responder requests access with a reason and,
// once granted, opens the session; approvers see every request with Approve and Deny. What is
// listed comes from the verified chain through the core; the window decides nothing.
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { BreakGlassOpenView, BreakGlassRequestView } from '../../../shared/ipc-results.ts';
import { call } from '../../bridge.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useAction } from '../../components/useAction.ts';
import { breakGlassKey, useBreakGlass } from './queries.ts';
import { RequestForm } from './RequestForm.tsx';
import { SessionPane } from './SessionPane.tsx';
import { STATUS_WORDS } from './words.ts';

const POLL_MS = 5_000;

function approvals(r: BreakGlassRequestView): string {
  return r.policy.kind === 'approval' ? ` (${r.approvals.length} of ${r.policy.approvals} approvals)` : '';
}

/** `askFor`: a vault to start the request form on (the Secrets screen's Request access). */
export function BreakGlassScreen({ askFor }: { askFor?: string | undefined } = {}) {
  const qc = useQueryClient();
  const status = useBreakGlass(POLL_MS);
  const action = useAction();
  const [session, setSession] = useState<BreakGlassOpenView | null>(null);
  const requests = [...(status.data?.requests ?? [])].reverse();
  // A session stays shown only while the chain and the core's clock say it is open.
  const live =
    session && requests.find((r) => r.request === session.request)?.status === 'open' ? session : null;
  const act = (fn: () => Promise<unknown>) =>
    void action.run(async () => {
      await fn();
      await qc.invalidateQueries({ queryKey: breakGlassKey });
    });

  return (
    <>
      <div className="screen-head">
        <h1>Break-glass</h1>
        <p className="muted">Emergency access to vaults nobody reads day to day.</p>
      </div>
      <ErrorAlert error={status.error?.message ?? action.error} />
      {live && <SessionPane session={live} onClose={() => act(async () => setSession(null))} />}
      {(status.data?.vaults.length ?? 0) > 0 && <RequestForm vaults={status.data!.vaults} askFor={askFor} />}
      {status.isSuccess && requests.length === 0 && <p className="empty">No break-glass requests.</p>}
      {requests.length > 0 && (
        <table className="table" aria-label="Break-glass requests">
          <thead>
            <tr>
              <th scope="col">Vault</th>
              <th scope="col">Requested by</th>
              <th scope="col">Reason</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {requests.map((r) => (
              <tr key={r.request} data-status={r.status}>
                <td>{r.label}</td>
                <td>{r.mine ? 'You' : r.requester}</td>
                <td>{r.reason}</td>
                <td>
                  {STATUS_WORDS[r.status]}
                  {r.status === 'pending' && approvals(r)}
                </td>
                <td>
                  {r.canAnswer && (
                    <>
                      <button
                        type="button"
                        disabled={action.busy}
                        onClick={() => act(() => call('breakglass.approve', { request: r.request }))}
                      >
                        Approve
                      </button>{' '}
                      <button
                        type="button"
                        className="danger"
                        disabled={action.busy}
                        onClick={() => act(() => call('breakglass.deny', { request: r.request }))}
                      >
                        Deny
                      </button>
                    </>
                  )}
                  {r.mine && r.status === 'open' && live?.request !== r.request && (
                    <button
                      type="button"
                      disabled={action.busy}
                      onClick={() =>
                        act(async () => setSession(await call('breakglass.open', { request: r.request })))
                      }
                    >
                      Open vault
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
