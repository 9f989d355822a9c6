// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Conflict copies: when two edits of one secret crossed, the core kept the losing edit as a
// copy next to the original. Each conflict shows both sides, who wrote each and when, and
// both values concealed until revealed, one at a time, like any secret's. Keeping one side
// writes it as the secret's next version (or leaves the current one) and removes the copy.
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { ConflictSideView, SecretView } from '../../../shared/ipc-results.ts';
import { plural } from '../../../shared/words.ts';
import { call } from '../../bridge.ts';
import { useSecrets } from '../../app/queries.ts';
import { useSyncStatus } from '../../app/sync-status.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useAction } from '../../components/useAction.ts';
import { conflictRefOf, refOf } from '../secrets/refs.ts';
import { useReveal } from '../secrets/useReveal.ts';

/** The conflict copies in a list of secrets: what the Sync screen lists and the nav counts. */
export const conflictCopies = (secrets: readonly SecretView[] | undefined) =>
  (secrets ?? []).filter((s) => s.conflictOf);

export function Conflicts() {
  const secrets = useSecrets();
  const copies = useMemo(() => conflictCopies(secrets.data), [secrets.data]);
  const byId = useMemo(() => new Map((secrets.data ?? []).map((s) => [s.id, s])), [secrets.data]);

  return (
    <section aria-labelledby="conflicts-h">
      <h2 id="conflicts-h">Conflicts</h2>
      {copies.length === 0 ? (
        <p className="muted">No conflicts.</p>
      ) : (
        <>
          <p className="hint">
            {`${plural(copies.length, 'secret')} had two edits cross. Both values are kept until you keep one.`}
          </p>
          <ul className="plain" aria-labelledby="conflicts-h">
            {copies.map((c) => (
              <ConflictRow key={c.id} copy={c} original={c.conflictOf ? byId.get(c.conflictOf) : undefined} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function ConflictRow({ copy, original }: { copy: SecretView; original: SecretView | undefined }) {
  const { report } = useSyncStatus();
  const action = useAction();
  const name = original?.name ?? copy.name;
  const view = useQuery({
    queryKey: ['conflict', copy.id, copy.version, copy.pending, original?.version ?? 0, original?.pending],
    queryFn: () => call('conflict.show', { ref: refOf(copy) }),
  });
  const resolve = (keep: 'mine' | 'theirs') =>
    void action.run(async () => report(await call('conflict.resolve', { ref: conflictRefOf(copy), keep })));

  return (
    <li className="conflict panel">
      <h3>
        {name} <span className="muted">in {copy.vault}</span> <span className="badge conflict">conflict</span>
      </h3>
      <ErrorAlert error={action.error ?? view.error?.message} />
      <div className="side-by-side">
        <Side
          title="Current value"
          label={`Current value of ${name}`}
          side={view.data?.current ?? null}
          secret={original}
          missing="Deleted since: keeping it is no longer possible."
          keepLabel={`Keep the current value of ${name}`}
          onKeep={() => resolve('theirs')}
          busy={action.busy}
        />
        <Side
          title="Crossing edit"
          label={`Crossing edit of ${name}`}
          side={view.data?.copy ?? null}
          secret={copy}
          missing=""
          keepLabel={`Keep the crossing edit of ${name}`}
          onKeep={() => resolve('mine')}
          busy={action.busy}
        />
      </div>
    </li>
  );
}

interface SideProps {
  title: string;
  /** The accessible name of the value and the start of its buttons' names. */
  label: string;
  side: ConflictSideView | null;
  secret: SecretView | undefined;
  missing: string;
  keepLabel: string;
  onKeep(): void;
  busy: boolean;
}

function Side({ title, label, side, secret, missing, keepLabel, onKeep, busy }: SideProps) {
  if (!secret) {
    return (
      <div className="conflict-side">
        <h4>{title}</h4>
        <p className="muted">{missing}</p>
      </div>
    );
  }
  return (
    <div className="conflict-side">
      <h4>{title}</h4>
      <p className="muted">{side ? whoAndWhen(side) : 'Loading…'}</p>
      <ConcealedValue label={label} secret={secret} />
      <button type="button" aria-label={keepLabel} onClick={onKeep} disabled={busy}>
        Keep this value
      </button>
    </div>
  );
}

function whoAndWhen(s: ConflictSideView): string {
  const who = s.author ?? 'an unverified author';
  const when = s.writtenAt ? ` on ${new Date(s.writtenAt).toLocaleString()}` : '';
  return `Written by ${who}${when}${s.pending ? ' (not sent yet)' : ''}`;
}

/** The secret's main value, hidden until asked for, through the same hook as the detail pane. */
function ConcealedValue({ label, secret }: { label: string; secret: SecretView }) {
  const reveal = useReveal(refOf(secret), secret.version);
  return (
    <div className="with-toggle stack">
      <output className="mono value" aria-label={label}>
        {reveal.value ?? '••••••••'}
      </output>
      <button
        type="button"
        aria-label={`${reveal.value ? 'Hide' : 'Reveal'} ${label.toLowerCase()}`}
        onClick={reveal.toggle}
      >
        {reveal.value ? 'Hide' : 'Reveal'}
      </button>
      {reveal.error && <ErrorAlert error={reveal.error} />}
    </div>
  );
}
