// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Joined a team, not yet confirmed. The team refuses our syncs until an admin has compared
// our fingerprint and signed our keys, so we retry quietly and move on once a sync works
// and the verified directory gives us a role.
import { useEffect, useRef, useState } from 'react';
import { call, errorCode, errorText } from '../../bridge.ts';
import { useBridgeEvent } from '../../app/events.ts';
import { changesOf } from '../../app/stale.ts';
import { useSession } from '../../app/session.tsx';
import { Fingerprint } from '../../components/Fingerprint.tsx';
import { LockButton } from '../../components/LockButton.tsx';

const RETRY_MS = 3_000;

export function Waiting() {
  const { state, setState } = useSession();
  const [problem, setProblem] = useState<string | null>(null);
  const teamId = state.team?.id;
  const checking = useRef(false);
  const kick = useRef<() => void>(() => undefined);

  // A confirmation is a chain link, so only a sync that brought links is worth a check now;
  // kicking on every sync would feed itself, since each check syncs and so reports one.
  useBridgeEvent((event, payload) => {
    if (event === 'unlocked' || (event === 'synced' && changesOf(payload).team)) kick.current();
  });

  useEffect(() => {
    if (!teamId) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let again = false;
    const check = async () => {
      // A kick while a check runs asks for one more right after it, never for a second timer.
      if (checking.current) {
        again = true;
        return;
      }
      checking.current = true;
      try {
        await call('sync.now', {});
        const s = await call('app.state', {});
        // Confirmed: switch to the team properly, which also starts the live push channel. That
        // holds even when the window moved on already: the sync above reported the confirming
        // link, App refreshed on it and unmounted this screen, and nothing else starts the push.
        if (s.team?.role) {
          const next = await call('team.use', { team: teamId });
          if (live) setState(next);
          return;
        }
        if (!live) return;
        setProblem(null);
      } catch (e) {
        if (!live) return;
        const code = errorCode(e);
        setProblem(code === 'forbidden' || code === 'not_found' ? null : errorText(e));
      } finally {
        checking.current = false;
        clearTimeout(timer);
        if (live) timer = setTimeout(check, again ? 0 : RETRY_MS);
        again = false;
      }
    };
    kick.current = () => {
      clearTimeout(timer);
      void check();
    };
    void check();
    return () => {
      live = false;
      clearTimeout(timer);
      kick.current = () => undefined;
    };
  }, [teamId, setState]);

  return (
    <main className="centered">
      <div className="card wide">
        <div className="card-top">
          <span className="muted">{state.email}</span>
          <LockButton />
        </div>
        <h1>{state.team?.name ?? 'Your team'}</h1>
        <p className="lead" role="status">
          Waiting for an admin to confirm you
        </p>
        <p>
          Read this fingerprint to an admin of the team, in person or on a call. They compare it with what
          their screen shows before they confirm you, so nobody can slip in a different key.
        </p>
        <Fingerprint label="Your fingerprint" value={state.fingerprint} />
        {problem && <p className="muted">Cannot check right now: {problem}</p>}
      </div>
    </main>
  );
}
