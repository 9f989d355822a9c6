// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// The account state the whole window hangs off (who is signed in, which team, locked or
// not). Screens read it from context instead of asking the core again and again.
import { createContext, useContext } from 'react';
import type { AppState } from '../../shared/ipc-results.ts';

export interface Session {
  state: AppState;
  /** Replace the state with a fresh answer from the core (e.g. after login). */
  setState(next: AppState): void;
  /** Ask the core again. */
  refresh(): Promise<AppState>;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionContext');
  return s;
}
