// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Filtering 10,000 names on every keystroke has to be cheap: names are lower-cased once per
// list (not per keystroke), and the filtered array is memoised so the virtual list only
// re-renders when the result really changes.
import { useMemo } from 'react';
import type { SecretView } from '../../../shared/ipc-results.ts';

export const ALL_VAULTS = '';

export function useFilteredSecrets(
  secrets: readonly SecretView[] | undefined,
  query: string,
  vaultId: string,
): SecretView[] {
  const indexed = useMemo(() => (secrets ?? []).map((s) => ({ s, lc: s.name.toLowerCase() })), [secrets]);
  const q = query.trim().toLowerCase();
  return useMemo(() => {
    const out: SecretView[] = [];
    for (const { s, lc } of indexed) {
      if (vaultId !== ALL_VAULTS && s.vaultId !== vaultId) continue;
      if (q && !lc.includes(q)) continue;
      out.push(s);
    }
    return out;
  }, [indexed, q, vaultId]);
}
