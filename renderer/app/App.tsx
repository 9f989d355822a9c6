// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// The top of the window: asks the core where the user stands (no account or logged out,
// locked, no team, waiting for confirmation, ready) and shows exactly one screen for it.
// Locking throws away every cached list and every piece of screen state by remounting the
// whole tree.
import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useCallback, useEffect, useMemo, useState } from 'react';
import type { AppState } from '../../shared/ipc-results.ts';
import { call, errorText, hasBridge } from '../bridge.ts';
import { FirstRun } from '../screens/auth/FirstRun.tsx';
import { TeamSetup } from '../screens/auth/TeamSetup.tsx';
import { Unlock } from '../screens/auth/Unlock.tsx';
import { Waiting } from '../screens/auth/Waiting.tsx';
import { MainLayout } from '../screens/MainLayout.tsx';
import { useActivityPing, useBridgeEvent } from './events.ts';
import { type Session, SessionContext, useSession } from './session.tsx';
import { changesOf } from './stale.ts';
import { ThemeApplier } from './theme.tsx';

export function App() {
  const qc = useQueryClient();
  const [state, setState] = useState<AppState | null>(null);
  const [fatal, setFatal] = useState<string | null>(null);
  const [epoch, setEpoch] = useState(0);

  const refresh = useCallback(async () => {
    const s = await call('app.state', {});
    setState(s);
    return s;
  }, []);

  useEffect(() => {
    if (!hasBridge()) {
      setFatal('The Tessera core is not connected to this window.');
      return;
    }
    refresh().catch((e) => setFatal(errorText(e)));
  }, [refresh]);

  useBridgeEvent((event, payload) => {
    if (event === 'locked') {
      qc.clear();
      setEpoch((n) => n + 1);
      // After a logout the window asks for a login, not for the password of the local copy.
      const loggedOut = (payload as { reason?: unknown } | null)?.reason === 'logout';
      setState((s) =>
        s ? { ...s, unlocked: false, team: null, fingerprint: null, loggedIn: s.loggedIn && !loggedOut } : s,
      );
      refresh().catch(() => undefined);
    } else if (event === 'unlocked') {
      refresh().catch(() => undefined);
    } else if (event === 'synced' && changesOf(payload).team) {
      // New team links may change this user's own role (what the window offers) or the team.
      refresh().catch(() => undefined);
    }
  });

  useActivityPing(!!state?.unlocked);

  const session = useMemo<Session | null>(
    () => (state ? { state, setState, refresh } : null),
    [state, refresh],
  );

  if (fatal) {
    return (
      <main className="centered">
        <div className="card">
          <h1>Tessera</h1>
          <p role="alert" className="alert">
            {fatal}
          </p>
        </div>
      </main>
    );
  }
  if (!session) {
    return (
      <main className="centered" aria-busy="true">
        <p className="muted">Starting Tessera…</p>
      </main>
    );
  }
  return (
    <SessionContext.Provider value={session}>
      <Screens key={epoch} />
    </SessionContext.Provider>
  );
}

function Screens() {
  const { state } = useSession();
  let screen: ReactNode;
  if (!state.hasAccount || (!state.unlocked && !state.loggedIn)) screen = <FirstRun />;
  else if (!state.unlocked) screen = <Unlock />;
  else if (!state.team) screen = <TeamSetup />;
  else if (!state.team.role) screen = <Waiting />;
  else screen = <MainLayout />;
  return (
    <>
      <ThemeApplier />
      {screen}
    </>
  );
}
