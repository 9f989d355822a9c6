// Process: shared (pure; the menu in electron/main and the page read the same table).
// The keyboard shortcuts: one table, so the menu's accelerator, the page's own key handling
// (which works when no menu is there to catch the key, as in the browser tests) and the list
// on the Settings screen cannot drift apart.

export type ShortcutName = 'search' | 'copy' | 'lock';

export interface Shortcut {
  name: ShortcutName;
  /** `KeyboardEvent.key`, lower-cased. */
  key: string;
  shift: boolean;
  /** Electron's spelling, for the menu. */
  accelerator: string;
  what: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { name: 'search', key: 'f', shift: false, accelerator: 'CmdOrCtrl+F', what: 'Search secrets' },
  {
    name: 'copy',
    key: 'c',
    shift: true,
    accelerator: 'CmdOrCtrl+Shift+C',
    what: 'Copy the selected secret’s main value',
  },
  { name: 'lock', key: 'l', shift: false, accelerator: 'CmdOrCtrl+L', what: 'Lock Tessera' },
];

export function shortcut(name: ShortcutName): Shortcut {
  return SHORTCUTS.find((s) => s.name === name)!;
}

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

/** Which shortcut a key press is. Ctrl and Cmd both count, on every platform, as the page
 *  cannot always tell which keyboard it is on. */
export function shortcutOf(e: KeyPress): ShortcutName | null {
  if (!(e.ctrlKey || e.metaKey) || e.altKey) return null;
  const key = e.key.toLowerCase();
  return SHORTCUTS.find((s) => s.key === key && s.shift === e.shiftKey)?.name ?? null;
}

/** How a shortcut is written for the person: "Ctrl+Shift+C", or "⌘⇧C" on a Mac. */
export function shortcutLabel(name: ShortcutName, mac: boolean): string {
  const s = shortcut(name);
  const key = s.key.toUpperCase();
  if (mac) return `⌘${s.shift ? '⇧' : ''}${key}`;
  return `Ctrl+${s.shift ? 'Shift+' : ''}${key}`;
}
