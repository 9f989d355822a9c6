// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Runs one user action at a time and keeps its error for display, so every form handles
// "busy" and "refused" the same way without repeating try/catch in each screen.
import { useCallback, useRef, useState } from 'react';
import { errorText } from '../bridge.ts';

export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const running = useRef(false);

  const run = useCallback(async <T>(fn: () => Promise<T>): Promise<T | undefined> => {
    if (running.current) return undefined;
    running.current = true;
    setBusy(true);
    setError(null);
    try {
      return await fn();
    } catch (e) {
      setError(errorText(e));
      return undefined;
    } finally {
      running.current = false;
      setBusy(false);
    }
  }, []);

  return { busy, error, setError, run };
}
