// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Filtering 10,000 secrets on every keystroke has to be cheap: the searched text is built once
// per list (shared/search.ts), not per keystroke, and the filtered array is memoised so the
// virtual list only re-renders when the result really changes.
import { useMemo } from 'react';
import type { SecretView } from '../../../shared/ipc-results.ts';
import { indexForSearch, searchItems } from '../../../shared/search.ts';

export const ALL_VAULTS = '';

export function useFilteredSecrets(
  secrets: readonly SecretView[] | undefined,
  query: string,
  vaultId: string,
): SecretView[] {
  const indexed = useMemo(() => indexForSearch(secrets ?? []), [secrets]);
  const q = query.trim();
  return useMemo(() => searchItems(indexed, q, vaultId), [indexed, q, vaultId]);
}
