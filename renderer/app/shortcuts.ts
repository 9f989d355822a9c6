// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// The page's own handling of the shortcuts in shared/shortcuts.ts. The app menu catches them
// too where there is one; doing it twice is harmless (locking or focusing twice).
import { useEffect, useRef } from 'react';
import { type ShortcutName, shortcutLabel, shortcutOf } from '../../shared/shortcuts.ts';

export const IS_MAC = typeof navigator !== 'undefined' && /Mac/.test(navigator.userAgent);

export const keysFor = (name: ShortcutName) => shortcutLabel(name, IS_MAC);

/** What `aria-keyshortcuts` wants: "Control+Shift+C" (or "Meta+…" on a Mac). */
export const ariaKeysFor = (name: ShortcutName) =>
  shortcutLabel(name, false).replace('Ctrl', IS_MAC ? 'Meta' : 'Control');

/** Calls `handle` for the shortcuts it names; the others pass by untouched. */
export function useShortcut(names: readonly ShortcutName[], handle: (name: ShortcutName) => void): void {
  const latest = useRef(handle);
  latest.current = handle;
  const list = names.join(',');
  useEffect(() => {
    const wanted = new Set(list.split(','));
    const onKey = (e: KeyboardEvent) => {
      const name = shortcutOf(e);
      if (!name || !wanted.has(name)) return;
      e.preventDefault();
      latest.current(name);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [list]);
}
