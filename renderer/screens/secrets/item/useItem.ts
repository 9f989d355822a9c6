// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// The open item's layout and its shown values (text, URL, notes), asked again whenever its
// version changes. Kept in the component's state rather than the react-query cache, which
// holds names and metadata only (app/queries.ts): a username or a host still goes away with
// the component, and concealed values never come this way at all.
import { useEffect, useState } from 'react';
import type { ItemView } from '../../../../shared/ipc-results.ts';
import { call, errorText } from '../../../bridge.ts';

export function useItem(secretRef: string, version: number) {
  const [item, setItem] = useState<ItemView | null>(null);
  const [error, setError] = useState<string | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the version is what makes it stale
  useEffect(() => {
    let live = true;
    setError(null);
    call('secret.show', { ref: secretRef }).then(
      (v) => live && setItem(v),
      (e) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [secretRef, version]);
  return { item, error };
}
