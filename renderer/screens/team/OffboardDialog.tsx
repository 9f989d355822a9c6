// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Offboarding a member in one step (docs/design.md "Offboarding"): a dialog that says what will
// happen, the progress while the core works, then the report: every secret the leaver could
// decrypt with its "rotation required" flag, the vaults only their managers can still re-key,
// and the one-time links the leaver created, with Export CSV and Export JSON (saved by the core).
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { MemberView, OffboardReport } from '../../../shared/ipc-results.ts';
import { usageWords } from '../../../shared/offboard-export.ts';
import { invalidateLists } from '../../app/queries.ts';
import { call } from '../../bridge.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useAction } from '../../components/useAction.ts';

interface Props {
  member: MemberView;
  onClose(): void;
  onDone(message: string): void;
}

function Report({ r, onClose }: { r: OffboardReport; onClose(): void }) {
  const exporting = useAction();
  const [saved, setSaved] = useState<string | null>(null);
  // The window may not download: the core writes the file and says where.
  const save = (format: 'csv' | 'json') =>
    void exporting.run(async () =>
      setSaved((await call('team.offboardExport', { email: r.email, format })).path),
    );
  const pending = r.vaults.filter((v) => v.status === 'pending');
  const unreadable = r.vaults.filter((v) => v.name === null);
  return (
    <Dialog title={`Offboarding report: ${r.email}`} onClose={onClose} wide>
      <p role="status">
        {r.resumed
          ? `${r.email} was already offboarded; this run finished what was left.`
          : `${r.email} is offboarded.`}
        {r.server &&
          ` Sessions ended: ${r.server.sessionsRevoked}. Active one-time links revoked: ${r.server.linksRevoked}.` +
            (r.server.accountSuspended
              ? ' The account is suspended.'
              : ' The account stays for their other teams.')}
      </p>
      <h3 id="ob-secrets">Secrets they could decrypt ({r.secrets.length})</h3>
      <table aria-labelledby="ob-secrets">
        <thead>
          <tr>
            <th scope="col">Vault</th>
            <th scope="col">Secret</th>
            <th scope="col">Rotation</th>
            <th scope="col">Revealed or copied</th>
          </tr>
        </thead>
        <tbody>
          {r.secrets.map((s) => (
            <tr key={s.id}>
              <td>{s.vault}</td>
              <td>{s.name}</td>
              <td>{s.flag ?? 'rotated since'}</td>
              <td>{r.usageProblem ? 'not known' : usageWords(s)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {r.usageProblem && (
        <p className="hint" role="status">
          What they revealed or copied is not known: {r.usageProblem}
        </p>
      )}
      {unreadable.length > 0 && (
        <p className="hint">
          {unreadable.length === 1 ? 'One vault' : `${unreadable.length} vaults`} they could read you cannot:
          their managers see those secrets flagged on their own Due screen.
        </p>
      )}
      {pending.length > 0 && (
        <ul aria-label="Vaults still to re-key">
          {pending.map((v) => (
            <li key={v.vaultId}>
              {v.name ?? `A vault you cannot read (${v.vaultId})`}: re-keyed when{' '}
              {v.managers.length ? v.managers.join(' or ') : 'a manager of it'} next opens Tessera.
            </li>
          ))}
        </ul>
      )}
      <h3>One-time links they created ({r.links.length})</h3>
      {r.links.length > 0 && (
        <ul aria-label="Their one-time links">
          {r.links.map((l) => (
            <li key={l.id}>
              {l.vault ?? l.vaultId}/{l.secret ?? l.id}: {l.status}
            </li>
          ))}
        </ul>
      )}
      {saved && (
        <p role="status" className="ok">
          Saved to {saved}
        </p>
      )}
      <ErrorAlert error={exporting.error} />
      <div className="actions">
        <button type="button" disabled={exporting.busy} onClick={() => save('csv')}>
          Export CSV
        </button>
        <button type="button" disabled={exporting.busy} onClick={() => save('json')}>
          Export JSON
        </button>
        <button type="button" className="primary" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}

export function OffboardDialog({ member, onClose, onDone }: Props) {
  const qc = useQueryClient();
  const action = useAction();
  const [report, setReport] = useState<OffboardReport | null>(null);
  const go = () =>
    void action.run(async () => {
      const r = await call('team.offboard', { email: member.email });
      await invalidateLists(qc);
      setReport(r);
    });

  if (report) return <Report r={report} onClose={() => onDone(`${report.email} is offboarded.`)} />;
  const who = member.name ? `${member.name} (${member.email})` : member.email;
  return (
    <Dialog title={`Offboard ${member.email}?`} onClose={onClose}>
      <p>
        {who} is removed from the team and every session and device of theirs is signed out at once; their
        active one-time links stop working. Every vault they could read is re-keyed, one at a time.
      </p>
      <p>
        Every secret they could decrypt is flagged "rotation required" for everyone who reads it, until it is
        rotated. Nothing is deleted. You get a report to export.
      </p>
      {action.busy && (
        <p role="status" aria-live="polite">
          Offboarding: signing them out, then re-keying each vault…
        </p>
      )}
      <ErrorAlert error={action.error} />
      <div className="actions">
        <button type="button" onClick={onClose} disabled={action.busy}>
          Cancel
        </button>
        <button type="button" className="danger" disabled={action.busy} onClick={go}>
          Offboard member
        </button>
      </div>
    </Dialog>
  );
}
