// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// An open break-glass session: the vault's secrets by name, each revealed on demand (the core
// flags every one read "rotation required"), a countdown to the window's end, and Close. A
// revealed value is kept in this pane's state only, and for 30 seconds at most.
import { useEffect, useState } from 'react';
import type { BreakGlassOpenView } from '../../../shared/ipc-results.ts';
import { call } from '../../bridge.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useAction } from '../../components/useAction.ts';

const SHOW_MS = 30_000;

function left(endsAt: string, now: number): string {
  const s = Math.max(0, Math.round((Date.parse(endsAt) - now) / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function SessionPane({ session, onClose }: { session: BreakGlassOpenView; onClose(): void }) {
  const action = useAction();
  const [now, setNow] = useState(Date.now());
  const [shown, setShown] = useState<{ name: string; value: string } | null>(null);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  useEffect(() => {
    if (!shown) return;
    const t = setTimeout(() => setShown(null), SHOW_MS);
    return () => clearTimeout(t);
  }, [shown]);
  const reveal = (name: string) =>
    void action.run(async () => {
      const r = await call('secret.reveal', { ref: `${session.vault}/${name}` });
      setShown({ name, value: r.value });
    });
  const close = () =>
    void action.run(async () => {
      setShown(null);
      await call('breakglass.close', { request: session.request });
      onClose();
    });
  return (
    <section className="card" aria-label={`Break-glass session: ${session.vault}`}>
      <h2>{session.vault}</h2>
      <p>
        Window ends in <strong>{left(session.endsAt, now)}</strong>. Every secret you reveal is flagged for
        rotation, and the vault is re-keyed when the window ends.
      </p>
      <ul aria-label="Secrets in the session">
        {session.secrets.map((name) => (
          <li key={name}>
            {name}{' '}
            {shown?.name === name ? (
              <output aria-label="Secret value">
                <code>{shown.value}</code>
              </output>
            ) : (
              <button type="button" disabled={action.busy} onClick={() => reveal(name)}>
                Reveal {name}
              </button>
            )}
          </li>
        ))}
      </ul>
      <ErrorAlert error={action.error} />
      <button type="button" className="danger" disabled={action.busy} onClick={close}>
        Close session
      </button>
    </section>
  );
}
