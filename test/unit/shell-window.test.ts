// Process: test.
// The main window is built to the Electron security checklist and cannot leave the app.
// Electron cannot run here, so a FAKE BrowserWindow records what the shell asked of it; the
// guards under test are the real ones from electron/main/window.ts.
import { EventEmitter } from 'node:events';
import type { BrowserWindowConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { APP_ENTRY, isAppUrl } from '../../electron/main/origin.ts';
import { createMainWindow, guardWebContents } from '../../electron/main/window.ts';

/** FAKE webContents: an event emitter that records loadURL and the window-open handler. */
class FakeWebContents extends EventEmitter {
  loaded: string[] = [];
  openHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }) {
    this.openHandler = handler;
  }
  async loadURL(url: string) {
    this.loaded.push(url);
  }
  /** Emits a navigation event the way Electron does; returns whether it was cancelled. */
  navigate(event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate', url: string): boolean {
    let prevented = false;
    this.emit(event, { url, preventDefault: () => (prevented = true) });
    return prevented;
  }
}

/** FAKE BrowserWindow: keeps the options it was built with. */
class FakeBrowserWindow extends EventEmitter {
  static last: FakeBrowserWindow | null = null;
  readonly webContents = new FakeWebContents();
  shown = false;
  constructor(readonly options: BrowserWindowConstructorOptions) {
    super();
    FakeBrowserWindow.last = this;
  }
  show() {
    this.shown = true;
  }
}

function makeWindow(devTools = false) {
  return createMainWindow({
    BrowserWindow: FakeBrowserWindow,
    preload: '/app/dist/electron/preload.cjs',
    devTools,
  });
}

describe('main window', () => {
  it('is created with the secure webPreferences and the bundled preload', () => {
    const win = makeWindow();
    expect(win.options.webPreferences).toMatchObject({
      preload: '/app/dist/electron/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      spellcheck: false,
      devTools: false,
    });
    expect(win.options.webPreferences).not.toHaveProperty('enableBlinkFeatures');
    expect(win.options.show).toBe(false);
  });

  it('loads the app from app://tessera, never a remote URL or file://', () => {
    const win = makeWindow();
    expect(win.webContents.loaded).toEqual([APP_ENTRY]);
    expect(APP_ENTRY).toBe('app://tessera/index.html');
    win.emit('ready-to-show');
    expect(win.shown).toBe(true);
  });

  it('prevents navigation and redirects to any other origin, and allows the app itself', () => {
    const { webContents } = makeWindow();
    for (const event of ['will-navigate', 'will-redirect', 'will-frame-navigate'] as const) {
      expect(webContents.navigate(event, 'https://evil.example/')).toBe(true);
      expect(webContents.navigate(event, 'file:///etc/passwd')).toBe(true);
      expect(webContents.navigate(event, 'app://tessera.evil.example/')).toBe(true);
      expect(webContents.navigate(event, 'app://evil@tessera/')).toBe(true);
      expect(webContents.navigate(event, 'javascript:alert(1)')).toBe(true);
      expect(webContents.navigate(event, 'app://tessera/index.html')).toBe(false);
    }
  });

  it('denies window.open and target=_blank, whatever the URL', () => {
    const { webContents } = makeWindow();
    expect(webContents.openHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(webContents.openHandler?.({ url: 'app://tessera/index.html' })).toEqual({ action: 'deny' });
  });

  it('blocks webview attachment', () => {
    const { webContents } = makeWindow();
    let prevented = false;
    webContents.emit('will-attach-webview', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
  });

  it('guards any webContents once, however often it is offered', () => {
    const contents = new FakeWebContents();
    guardWebContents(contents);
    guardWebContents(contents);
    expect(contents.listenerCount('will-navigate')).toBe(1);
  });

  it('enables developer tools only when asked (unpackaged builds)', () => {
    expect(makeWindow(true).options.webPreferences?.devTools).toBe(true);
  });
});

describe('app origin', () => {
  it('accepts app://tessera/… only', () => {
    expect(isAppUrl('app://tessera/')).toBe(true);
    expect(isAppUrl('app://tessera/assets/index.js')).toBe(true);
    for (const url of [
      'app://tessera',
      'app://tessera:80/',
      'app://u:p@tessera/',
      'app://tessera.x/',
      'https://tessera/',
      'APP://tessera/',
      '',
      null,
    ]) {
      expect(isAppUrl(url)).toBe(false);
    }
  });
});
