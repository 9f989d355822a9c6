// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Keyboard ways into the search box: '/' (when not typing elsewhere), the search shortcut
// (shared/shortcuts.ts), and the app menu's 'focus-search' event. Ignored while a dialog is open.
import { type RefObject, useEffect } from 'react';
import { shortcutOf } from '../../../shared/shortcuts.ts';
import { useBridgeEvent } from '../../app/events.ts';

function isEditable(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  return (
    t.isContentEditable ||
    t instanceof HTMLInputElement ||
    t instanceof HTMLTextAreaElement ||
    t instanceof HTMLSelectElement
  );
}

export function useSearchShortcuts(input: RefObject<HTMLInputElement | null>): () => void {
  const focus = () => {
    if (document.querySelector('dialog[open]')) return;
    input.current?.focus();
    input.current?.select();
  };

  useBridgeEvent((event) => {
    if (event === 'focus-search') focus();
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: focus only reads the ref
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (shortcutOf(e) === 'search') {
        e.preventDefault();
        focus();
      } else if (e.key === '/' && !mod && !e.altKey && !isEditable(e.target)) {
        e.preventDefault();
        focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return focus;
}
