// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// The team's audit log (docs/design.md "Audit"), for those whose role may read it
// (`audit.read` in shared/roles.ts: owners and admins). The core verifies the log before a
// row reaches the window and says how far; a log that does not verify shows the core's error
// and no rows. Filters go to the core, which turns names into ids locally. Export has the
// core save the rows those filters give as JSON lines (the window may not download).
import { useQuery } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { AUDIT_KINDS } from '../../../shared/audit/entry.ts';
import type { AuditRowView } from '../../../shared/ipc-results.ts';
import { plural } from '../../../shared/words.ts';
import { call, errorCode, errorText } from '../../bridge.ts';
import { keys, useVaults } from '../../app/queries.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Field, SelectField } from '../../components/Field.tsx';
import { useAction } from '../../components/useAction.ts';

const ANY = '';
const when = (iso: string) => new Date(iso).toLocaleString();

interface Filters {
  person: string;
  vault: string;
  secret: string;
  action: string;
  since: string;
  until: string;
}
const NONE: Filters = { person: '', vault: ANY, secret: '', action: ANY, since: '', until: '' };

function on(r: AuditRowView): string {
  const what = r.secret && r.vault ? `${r.vault}/${r.secret}` : (r.vault ?? '');
  return [what, r.target, r.link && `link ${r.link.slice(0, 8)}`].filter(Boolean).join(' · ');
}

export function AuditScreen() {
  const [f, setF] = useState<Filters>(NONE);
  const vaults = useVaults();
  // Set by "Verify again": the next read starts from entry 1 instead of the last entry read.
  const full = useRef(true);
  const audit = useQuery({
    queryKey: [...keys.audit, f],
    queryFn: () => {
      const verify = full.current;
      full.current = false;
      return call('audit.list', { ...f, verify });
    },
    refetchOnMount: 'always',
    retry: false,
  });
  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const v = audit.data;
  const exporting = useAction();
  const [saved, setSaved] = useState<string | null>(null);
  const save = () =>
    void exporting.run(async () => {
      const r = await call('audit.export', f);
      setSaved(`Saved ${plural(r.entries, 'entry', 'entries')} to ${r.path}`);
    });
  const tampered = audit.isError && errorCode(audit.error) === 'tampered';

  return (
    <>
      <div className="screen-head">
        <h1>Audit log</h1>
        {v && !audit.isError && (
          <p className="muted" role="status">
            Verified up to entry {v.verifiedUpTo} · showing {plural(v.rows.length, 'entry', 'entries')}
            {v.queued > 0 && ` · ${plural(v.queued, 'event')} of yours not sent yet`}
          </p>
        )}
        <button
          type="button"
          disabled={audit.isFetching}
          onClick={() => {
            full.current = true;
            void audit.refetch();
          }}
        >
          Verify again
        </button>
        <button type="button" disabled={!v || audit.isError || exporting.busy} onClick={save}>
          Export
        </button>
      </div>
      {saved && (
        <p role="status" className="ok">
          {saved}
        </p>
      )}
      <ErrorAlert error={exporting.error} />
      <div className="toolbar">
        <Field label="Person" type="search" placeholder="email" value={f.person} onChange={set('person')} />
        <SelectField label="Vault" value={f.vault} onChange={set('vault')}>
          <option value={ANY}>All vaults</option>
          {(vaults.data ?? [])
            .filter((x) => x.readable)
            .map((x) => (
              <option key={x.id} value={x.name}>
                {x.name}
              </option>
            ))}
        </SelectField>
        <Field
          label="Secret"
          type="search"
          placeholder="vault/name"
          value={f.secret}
          onChange={set('secret')}
        />
        <SelectField label="Action" value={f.action} onChange={set('action')}>
          <option value={ANY}>All actions</option>
          {AUDIT_KINDS.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </SelectField>
        <Field label="From" type="date" value={f.since} onChange={set('since')} />
        <Field label="To" type="date" value={f.until} onChange={set('until')} />
      </div>
      {tampered && <h2>The audit log does not verify</h2>}
      <ErrorAlert error={audit.isError ? errorText(audit.error) : null} />
      {audit.isPending && <p className="muted">Verifying the audit log…</p>}
      {v && !audit.isError && v.rows.length === 0 && <p className="empty">No entries match.</p>}
      {v && !audit.isError && v.rows.length > 0 && (
        <table className="table" aria-label="Audit log">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Time</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">On</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {[...v.rows].reverse().map((r) => (
              <tr key={r.seq} data-kind={r.kind}>
                <td>{r.seq}</td>
                <td>
                  <time dateTime={r.at}>{when(r.at)}</time>
                </td>
                <td>
                  {r.actor ??
                    (r.kind.startsWith('breakglass.') ? 'the policy, by the clock' : 'anyone with the link')}
                </td>
                <td>{r.kind}</td>
                <td>{on(r)}</td>
                <td>
                  {[r.role && `as ${r.role}`, r.reason, r.signed && 'signed by their device']
                    .filter(Boolean)
                    .join(' · ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
