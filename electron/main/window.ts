// Process: main (Electron main process).
// The one window, built to the Electron security checklist: an isolated, sandboxed renderer
// with no Node, served only from app://tessera, that cannot navigate away, open windows,
// attach webviews or leave the app by any link. A compromised renderer (XSS) must stay inside
// the page and reach the core only through the validated IPC bridge (docs/design.md "Threat model"). Electron's
// classes come in as parameters so the guards are tested in plain Node with small fakes.
import type { BrowserWindowConstructorOptions } from 'electron';
import { APP_ENTRY, isAppUrl } from './origin.ts';
import { DEFAULT_WINDOW_SIZE } from './window-state.ts';

/** The few webContents members the guards use. */
export interface GuardedContents {
  on(
    event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate',
    listener: (details: NavigationEvent) => void,
  ): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export interface NavigationEvent {
  url: string;
  preventDefault(): void;
}

export interface WindowLike {
  readonly webContents: GuardedContents & { loadURL(url: string): Promise<void> };
  once(event: 'ready-to-show', listener: () => void): unknown;
  show(): void;
}

export interface MainWindowOptions<W extends WindowLike> {
  /** Electron's BrowserWindow (a fake in tests). */
  BrowserWindow: new (
    options: BrowserWindowConstructorOptions,
  ) => W;
  /** Absolute path of the bundled preload (dist/electron/preload.cjs). */
  preload: string;
  /** Developer tools only in an unpackaged build. */
  devTools: boolean;
  icon?: string;
  /** Size and place (main/window-state.ts); the default size, centred, without one. */
  bounds?: { x?: number; y?: number; width: number; height: number };
  log?: (line: string) => void;
}

const guarded = new WeakSet<object>();

/**
 * Installs the navigation guards on any webContents (our window's and, through
 * app 'web-contents-created', every other one Electron makes). Same-origin navigation is
 * allowed (a reload of the app); everything else is cancelled. Every window.open and
 * target=_blank is denied, and nothing is handed to the OS browser: openExternal would be
 * a way around connect-src 'none' for a compromised renderer to send data out.
 */
export function guardWebContents(contents: GuardedContents, log: (line: string) => void = () => {}): void {
  if (guarded.has(contents)) return;
  guarded.add(contents);
  const stayInApp = (details: NavigationEvent) => {
    if (isAppUrl(details.url)) return;
    details.preventDefault();
    log('blocked a navigation away from the app');
  };
  contents.on('will-navigate', stayInApp);
  contents.on('will-redirect', stayInApp);
  contents.on('will-frame-navigate', stayInApp);
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log('blocked a webview');
  });
  contents.setWindowOpenHandler(() => {
    log('denied a new window');
    return { action: 'deny' };
  });
}

/** Creates the main window, guards it and loads the app. Shown once the first paint is ready. */
export function createMainWindow<W extends WindowLike>(options: MainWindowOptions<W>): W {
  const { BrowserWindow, preload, devTools, icon, log } = options;
  const { x, y, width, height }: NonNullable<MainWindowOptions<W>['bounds']> =
    options.bounds ?? DEFAULT_WINDOW_SIZE;
  const win = new BrowserWindow({
    ...(x !== undefined && y !== undefined ? { x, y } : {}),
    width,
    height,
    minWidth: 720,
    minHeight: 480,
    title: 'Tessera',
    show: false,
    backgroundColor: '#1e1f24',
    ...(icon ? { icon } : {}),
    webPreferences: {
      // Reviewed: the preload (electron/preload.ts + shell/bridge.ts, bundled to ~2 KiB) exposes
      // only window.tessera.invoke/on over one channel pair; no ipcRenderer, no Node.
      preload, // eng-disable PRELOAD_JS_CHECK
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      // Middle-click (auxclick) on a link would ask for a new window; switched off at the source.
      disableBlinkFeatures: 'Auxclick',
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      devTools,
    },
  });
  guardWebContents(win.webContents, log);
  win.once('ready-to-show', () => win.show());
  void win.webContents.loadURL(APP_ENTRY);
  return win;
}
