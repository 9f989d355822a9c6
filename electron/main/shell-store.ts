// Process: main (Electron main process).
// What the shell itself remembers between launches, apart from the core's profile: where the
// window was, and the shell's own preferences. It lives in electron-store's file (shell.json
// in the profile folder, which is the app's userData), not in profile.json, because the CLI
// and the core have no use for it and nothing in it is secret. main.ts makes the store; the
// services here take anything with electron-store's get/set: in the tests, a `conf` store,
// the engine electron-store is built on (electron-store itself loads Electron).
// The file can be edited by hand or left by an older version, so every read is checked and
// anything odd falls back to the default.

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface SavedWindow {
  /** The window's normal (not maximised) bounds when it was last moved, resized or closed. */
  bounds: Rect | null;
  maximized: boolean;
}

export interface ShellPrefs {
  /** Closing the window leaves Tessera running in the tray (locked) instead of quitting.
   *  Not on macOS, where closing the window never quits. */
  closeToTray: boolean;
}

export interface ShellStoreData {
  window: SavedWindow;
  prefs: ShellPrefs;
}

/** The members of electron-store (a `conf` store) the shell uses. */
export interface ShellStore {
  get<K extends keyof ShellStoreData>(key: K): ShellStoreData[K];
  set<K extends keyof ShellStoreData>(key: K, value: ShellStoreData[K]): void;
}

export const SHELL_STORE_DEFAULTS: ShellStoreData = {
  window: { bounds: null, maximized: false },
  prefs: { closeToTray: false },
};

/** electron-store's options: one file named shell.json next to profile.json. A file that is not
 *  JSON is cleared rather than stopping the app from starting: it holds nothing worth more. */
export const SHELL_STORE_OPTIONS = {
  name: 'shell',
  defaults: SHELL_STORE_DEFAULTS,
  clearInvalidConfig: true,
} as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

export function readRect(v: unknown): Rect | null {
  if (!isObject(v)) return null;
  const { x, y, width, height } = v;
  if (!isInt(x) || !isInt(y) || !isInt(width) || !isInt(height) || width <= 0 || height <= 0) return null;
  return { x, y, width, height };
}

export function readSavedWindow(store: ShellStore): SavedWindow {
  const v: unknown = store.get('window');
  if (!isObject(v)) return { ...SHELL_STORE_DEFAULTS.window };
  return { bounds: readRect(v.bounds), maximized: v.maximized === true };
}

/** The shell's preferences, read and written through the store. */
export class ShellPrefsService {
  constructor(private readonly store: ShellStore) {}

  get(): ShellPrefs {
    const v: unknown = this.store.get('prefs');
    return { closeToTray: isObject(v) && v.closeToTray === true };
  }

  set(change: Partial<ShellPrefs>): ShellPrefs {
    const next = { ...this.get(), ...change };
    this.store.set('prefs', next);
    return next;
  }
}
