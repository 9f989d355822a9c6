// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Holds a revealed secret value. This hook is the only place plaintext lives in the window:
// it asks the core for it, keeps it in the owning component's state, and drops it 30
// seconds after the Reveal click, on Hide, or when that component goes away (another secret
// selected, lock). If a newer version arrives while it shows, the new value replaces it
// without extending the 30 seconds. One hook per field: the primary one when `field` is left
// out; `at` names an older version (History), the newest otherwise.
import { useCallback, useEffect, useRef, useState } from 'react';
import { call, errorText } from '../../bridge.ts';

export const VISIBLE_MS = 30_000;

export function useReveal(secretRef: string, version: number, field?: string, at?: number) {
  const [shown, setShown] = useState<{ value: string; until: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Bumped by every request and every hide, so a late answer never re-shows a hidden value.
  const generation = useRef(0);

  useEffect(() => {
    if (!shown) return;
    const t = setTimeout(() => setShown(null), Math.max(0, shown.until - Date.now()));
    return () => clearTimeout(t);
  }, [shown]);

  const load = useCallback(
    async (until: number) => {
      const mine = ++generation.current;
      setError(null);
      try {
        const r = await call('secret.reveal', {
          ref: secretRef,
          ...(field ? { field } : {}),
          ...(at ? { version: at } : {}),
        });
        if (mine === generation.current && Date.now() < until) setShown({ value: r.value, until });
      } catch (e) {
        if (mine === generation.current) {
          setShown(null);
          setError(errorText(e));
        }
      }
    },
    [secretRef, field, at],
  );

  const hide = useCallback(() => {
    generation.current++;
    setShown(null);
  }, []);

  const until = shown?.until;
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the version changes
  useEffect(() => {
    if (until && until > Date.now()) void load(until);
  }, [version]);

  const toggle = useCallback(() => {
    if (shown) hide();
    else void load(Date.now() + VISIBLE_MS);
  }, [shown, hide, load]);

  return { value: shown?.value ?? null, error, toggle, hide };
}
