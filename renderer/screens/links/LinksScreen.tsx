// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// My links: every one-time link this user made (a team admin: anyone's, as the server lists
// them for `link.admin` in shared/roles.ts), what became of it, and Revoke. The server names
// links by ids only; the core puts this client's vault and secret names on them. A recipient's
// open reaches no sync, so the list is polled while shown and has its own Refresh.
import { useState } from 'react';
import type { LinkView } from '../../../shared/ipc-results.ts';
import { describeLink, describeViews, LINK_STATUS_WORDS } from '../../../shared/link-words.ts';
import { mayInTeam } from '../../../shared/roles.ts';
import { plural } from '../../../shared/words.ts';
import { useLinks } from '../../app/queries.ts';
import { useSession } from '../../app/session.tsx';
import { ErrorAlert, Notice } from '../../components/ErrorAlert.tsx';
import { RevokeLinkDialog } from './RevokeLinkDialog.tsx';

const POLL_MS = 15_000;

const when = (iso: string) => new Date(iso).toLocaleString();

export function LinksScreen() {
  const { state } = useSession();
  const links = useLinks(POLL_MS);
  const [revoking, setRevoking] = useState<LinkView | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const admin = mayInTeam(state.team?.role, 'link.admin');
  const list = [...(links.data ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const active = list.filter((l) => l.status === 'active').length;

  return (
    <>
      <div className="screen-head">
        <h1>My links</h1>
        <p className="muted">
          {admin ? 'Links made by anyone in the team (you are an admin)' : 'Links you made'}:{' '}
          {plural(active, 'active link')}
        </p>
        <button type="button" disabled={links.isFetching} onClick={() => void links.refetch()}>
          Refresh
        </button>
      </div>
      <ErrorAlert error={links.error?.message} />
      {notice && <Notice>{notice}</Notice>}
      {links.isPending && <p className="muted">Loading links…</p>}
      {links.isSuccess && list.length === 0 && (
        <p className="empty">
          No links yet. To send a secret to someone outside the team, select it on the Secrets screen and
          choose Share as link.
        </p>
      )}
      {list.length > 0 && (
        <table className="table" aria-label="One-time links">
          <thead>
            <tr>
              <th scope="col">Secret</th>
              <th scope="col">Status</th>
              <th scope="col">Views</th>
              <th scope="col">Expires</th>
              <th scope="col">Created</th>
              {admin && <th scope="col">By</th>}
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((l) => (
              <tr key={l.id} data-status={l.status}>
                <td>
                  {describeLink(l)}
                  {l.passphrase && <span className="muted"> · passphrase</span>}
                </td>
                <td>
                  <span className={`badge ${l.status === 'active' ? 'status-confirmed' : 'pending'}`}>
                    {LINK_STATUS_WORDS[l.status]}
                  </span>
                </td>
                <td>{describeViews(l)}</td>
                <td>
                  <time dateTime={l.expiresAt}>{when(l.expiresAt)}</time>
                </td>
                <td>
                  <time dateTime={l.createdAt}>{when(l.createdAt)}</time>
                </td>
                {admin && <td>{l.mine ? 'you' : l.createdBy}</td>}
                <td>
                  {l.status === 'active' && (l.mine || admin) && (
                    <button
                      type="button"
                      className="danger"
                      onClick={() => {
                        setNotice(null);
                        setRevoking(l);
                      }}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {revoking && (
        <RevokeLinkDialog
          link={revoking}
          description={describeLink(revoking)}
          onClose={() => setRevoking(null)}
          onRevoked={(text) => {
            setRevoking(null);
            setNotice(text);
          }}
        />
      )}
    </>
  );
}
