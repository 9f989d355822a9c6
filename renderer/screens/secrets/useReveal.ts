// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Holds a revealed secret value. This hook is the only place plaintext lives in the window:
// it asks the core for it, keeps it in the owning component's state, and drops it after
// 30 seconds, on Hide, or when that component goes away (another secret selected, lock).
import { useCallback, useEffect, useState } from 'react';
import { call, errorText } from '../../bridge.ts';

export const VISIBLE_MS = 30_000;

export function useReveal(secretRef: string, version?: number) {
  const [value, setValue] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (value === null) return;
    const t = setTimeout(() => setValue(null), VISIBLE_MS);
    return () => clearTimeout(t);
  }, [value]);

  // A different secret or version must never show the previous one's value.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the target changes
  useEffect(() => {
    setValue(null);
    setError(null);
  }, [secretRef, version]);

  const toggle = useCallback(async () => {
    if (value !== null) {
      setValue(null);
      return;
    }
    setError(null);
    try {
      const r = await call('secret.reveal', version ? { ref: secretRef, version } : { ref: secretRef });
      setValue(r.value);
    } catch (e) {
      setError(errorText(e));
    }
  }, [value, secretRef, version]);

  return { value, error, toggle, hide: () => setValue(null) };
}
