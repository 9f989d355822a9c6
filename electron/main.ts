// Process: main (Electron main process).
// The Electron shell: wires Electron's objects to the core and to the hardened pieces in
// main/, and holds no logic of its own, because this file can only run inside Electron and
// everything in main/ is tested in plain Node. Order matters: the profile paths, the
// sandbox switch and the app:// scheme must be set before 'ready'; the IPC gate and the
// protocol handler before the window loads; the shell's electron-store file and the tray
// after 'ready' (the store lives under userData, set before it). It is the only shell file
// that imports the server (for the embedded try-out server), and only lazily.
import { join } from 'node:path';
import {
  app,
  BrowserWindow,
  clipboard,
  ipcMain,
  Menu,
  nativeImage,
  Notification,
  powerMonitor,
  protocol,
  screen,
  session,
  Tray,
} from 'electron';
import Store from 'electron-store';
import { realTimers } from './core/desktop/auto-lock.ts';
import { DesktopCore } from './core/desktop/desktop-core.ts';
import { defaultProfileDir } from './core/profile/default-dir.ts';
import { ClipboardAdapter } from './main/clipboard.ts';
import { EmbeddedServer } from './main/embedded-server.ts';
import { createEmitter, installIpcGate } from './main/ipc.ts';
import { menuTemplate } from './main/menu.ts';
import { notifyPort } from './main/notify.ts';
import { APP_SCHEME } from './main/origin.ts';
import { watchPower } from './main/power.ts';
import { hardenProcess, profilePaths } from './main/process-hardening.ts';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './main/protocol.ts';
import { holdQuitFor } from './main/quit.ts';
import { hardenSession } from './main/session.ts';
import { SHELL_STORE_OPTIONS, ShellPrefsService, type ShellStoreData } from './main/shell-store.ts';
import { TrayService, trayIconFile } from './main/tray.ts';
import { createMainWindow, guardWebContents } from './main/window.ts';
import { WindowStateService } from './main/window-state.ts';

/** Log lines name what happened, never a value, a password or IPC arguments. */
const log = (line: string) => console.error(`tessera: ${line}`);

app.setName('Tessera');
// Windows shows notifications only for an app with an AppUserModelID (electron-builder's appId).
if (process.platform === 'win32') app.setAppUserModelId('com.tessera.desktop');
const paths = profilePaths(defaultProfileDir());
hardenProcess(app, paths);
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

if (app.requestSingleInstanceLock()) {
  start();
} else {
  // Another window already holds this profile; it is focused through 'second-instance'.
  app.quit();
}

function start(): void {
  const appRoot = app.getAppPath();
  let win: BrowserWindow | null = null;
  let core: DesktopCore | null = null;
  let stopPower: (() => void) | null = null;
  let clipboardPort: ClipboardAdapter | null = null;
  // Made once the app is ready: electron-store's file is under userData, set by hardenProcess,
  // and Electron's screen answers only after 'ready'.
  let windowState: WindowStateService | null = null;
  let tray: TrayService<Electron.NativeImage, Electron.Menu> | null = null;

  const embedded = new EmbeddedServer({
    dataDir: paths.serverData,
    stateFile: paths.embeddedServerState,
    start: async (options) => {
      const { startServer } = await import('../server/main.ts');
      return startServer({ ...options, logger: false });
    },
  });

  const focusWindow = () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  };

  const openWindow = () => {
    const placement = windowState?.placement();
    win = createMainWindow({
      BrowserWindow,
      preload: join(appRoot, 'dist', 'electron', 'preload.cjs'),
      devTools: !app.isPackaged,
      icon: process.platform === 'linux' ? join(appRoot, 'assets', 'icon.png') : undefined,
      bounds: placement,
      log,
    });
    if (placement) windowState?.track(win, placement);
    win.on('closed', () => {
      win = null;
      // No window, no unlocked vault (macOS keeps the app running without one).
      core?.lock('user');
    });
  };

  const showWindow = () => {
    if (win) focusWindow();
    else if (core) openWindow();
  };
  // With no window the vault is locked, so the search box is not there yet: the window opens
  // on the unlock screen instead.
  const quickSearch = () => {
    if (!win) return showWindow();
    focusWindow();
    emit('focus-search');
  };
  // Every event reaches the window and the tray, which follows the lock state.
  const toWindow = createEmitter(() => win);
  const emit: typeof toWindow = (event, payload) => {
    toWindow(event, payload);
    tray?.noteEvent(event);
  };

  app.on('second-instance', showWindow);
  // Every webContents Electron creates gets the navigation guards, not only ours.
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, log));

  const onReady = () => {
    hardenSession(session.defaultSession, log);
    protocol.handle(APP_SCHEME, createAppProtocolHandler(join(appRoot, 'dist', 'renderer')));

    clipboardPort = new ClipboardAdapter(clipboard, () => emit('clipboard-cleared'), log);
    const desktop = new DesktopCore({
      profileDir: paths.profileDir,
      clipboard: clipboardPort,
      emit,
      startEmbeddedServer: () => embedded.start(),
      notify: notifyPort(Notification, showWindow),
      exportDir: app.getPath('downloads'),
    });
    core = desktop;
    installIpcGate({ ipcMain, window: () => win, core: desktop, log });

    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        menuTemplate({
          isMac: process.platform === 'darwin',
          developer: !app.isPackaged,
          lock: () => desktop.lock('user'),
          focusSearch: quickSearch,
        }),
      ),
    );

    const store = new Store<ShellStoreData>(SHELL_STORE_OPTIONS);
    windowState = new WindowStateService(store, screen, realTimers);
    tray = new TrayService(
      { Tray, Menu, nativeImage },
      {
        iconPath: join(appRoot, 'assets', trayIconFile(process.platform)),
        platform: process.platform,
        prefs: new ShellPrefsService(store),
        log,
        actions: { open: showWindow, quickSearch, lock: () => desktop.lock('user'), quit: () => app.quit() },
      },
    );
    tray.create();

    stopPower = watchPower(
      powerMonitor,
      { lock: (reason) => desktop.lock(reason), isUnlocked: () => desktop.service.isUnlocked },
      { timers: realTimers },
    );

    // The profile's account lives on the embedded server: bring it back up at launch.
    if (embedded.isProfileServer(desktop.service.profile.data.server)) {
      embedded.start().then(
        (url) => {
          desktop.embeddedServer = url;
        },
        () => log('the embedded server did not start'),
      );
    }

    openWindow();
    app.on('activate', showWindow);
  };

  app
    .whenReady()
    .then(onReady)
    .catch((err: unknown) => {
      // The error's name only: a message could quote a path or a value.
      log(`startup failed (${err instanceof Error ? err.name : 'unknown error'})`);
      app.exit(1);
    });

  // Closing the window locks the vault (above); the app itself stays only in the tray, if asked.
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin' && !tray?.keepsAppRunning()) app.quit();
  });

  // Zero the keys and clear a copied secret before anything else shuts down.
  app.on('before-quit', () => {
    core?.lock('quit');
    stopPower?.();
    stopPower = null;
    tray?.destroy();
  });

  // Then wait for that clear to reach the clipboard and for PGlite to close its files.
  holdQuitFor(app, () =>
    [clipboardPort?.settled(), embedded.isRunning ? embedded.stop() : undefined].filter(
      (p) => p !== undefined,
    ),
  );
}
