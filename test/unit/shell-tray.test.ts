// Process: test.
// The tray icon (electron/main/tray.ts): Open, Quick search, Lock (only while unlocked) and
// Quit in its menu, the "keep running" preference saved in a real `conf` store (the engine
// under electron-store), and the icon files it loads. Electron cannot run here, so a FAKE
// Tray, Menu and nativeImage record what the service asked of them.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import type { MenuItemConstructorOptions } from 'electron';
import { afterAll, describe, expect, it } from 'vitest';
import {
  SHELL_STORE_DEFAULTS,
  ShellPrefsService,
  type ShellStoreData,
} from '../../electron/main/shell-store.ts';
import { TrayService, trayIconFile } from '../../electron/main/tray.ts';

const base = mkdtempSync(join(tmpdir(), 'tessera-tray-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
const assets = join(import.meta.dirname, '..', '..', 'assets');

/** FAKE nativeImage: an image is "empty" when its file is missing, as in Electron. */
class FakeImage {
  constructor(readonly path: string) {}
  isEmpty() {
    return !existsSync(this.path);
  }
}

/** FAKE Menu: buildFromTemplate keeps the template. */
class FakeMenu {
  constructor(readonly items: MenuItemConstructorOptions[]) {}
  item(label: string) {
    const found = this.items.find((i) => i.label === label);
    if (!found) throw new Error(`no menu item ${label}`);
    return found;
  }
  click(label: string) {
    (this.item(label).click as () => void)();
  }
}

/** FAKE Tray: records its tooltip, its menu and whether it was destroyed. */
class FakeTray {
  static last: FakeTray | null = null;
  tooltip = '';
  menu: FakeMenu | null = null;
  destroyed = false;
  private clickListener: (() => void) | null = null;
  constructor(readonly image: FakeImage) {
    FakeTray.last = this;
  }
  setToolTip(text: string) {
    this.tooltip = text;
  }
  setContextMenu(menu: FakeMenu | null) {
    this.menu = menu;
  }
  on(_event: 'click', listener: () => void) {
    this.clickListener = listener;
  }
  click() {
    this.clickListener?.();
  }
  destroy() {
    this.destroyed = true;
  }
}

let n = 0;
function setup(platform: NodeJS.Platform = 'linux', iconPath = join(assets, trayIconFile(platform))) {
  const dir = join(base, String(n++));
  const open = () =>
    new Conf<ShellStoreData>({ cwd: dir, configName: 'shell', defaults: SHELL_STORE_DEFAULTS });
  const prefs = new ShellPrefsService(open());
  const done: string[] = [];
  const logs: string[] = [];
  const service = new TrayService(
    {
      Tray: FakeTray,
      Menu: { buildFromTemplate: (t: MenuItemConstructorOptions[]) => new FakeMenu(t) },
      nativeImage: { createFromPath: (p: string) => new FakeImage(p) },
    },
    {
      iconPath,
      platform,
      prefs,
      log: (l) => logs.push(l),
      actions: {
        open: () => done.push('open'),
        quickSearch: () => done.push('search'),
        lock: () => done.push('lock'),
        quit: () => done.push('quit'),
      },
    },
  );
  service.create();
  const tray = FakeTray.last!;
  return { service, tray, done, logs, prefs, reopen: () => new ShellPrefsService(open()) };
}

describe('tray', () => {
  it('offers Open, Quick search, Lock and Quit, each doing what it says', () => {
    const { service, tray, done } = setup();
    service.noteEvent('unlocked');
    for (const label of ['Open Tessera', 'Quick Search', 'Lock', 'Quit Tessera']) tray.menu!.click(label);
    expect(done).toEqual(['open', 'search', 'lock', 'quit']);
    tray.click();
    expect(done.at(-1)).toBe('open');
  });

  it('greys out Lock while locked and follows the lock events', () => {
    const { service, tray } = setup();
    expect(tray.menu!.item('Lock').enabled).toBe(false);
    expect(tray.tooltip).toBe('Tessera (locked)');
    service.noteEvent('unlocked');
    expect(tray.menu!.item('Lock').enabled).toBe(true);
    expect(tray.tooltip).toBe('Tessera');
    service.noteEvent('synced');
    expect(tray.menu!.item('Lock').enabled).toBe(true);
    service.noteEvent('locked');
    expect(tray.menu!.item('Lock').enabled).toBe(false);
  });

  it('keeps the app running after the window closes only when asked, and remembers it', () => {
    const { service, tray, reopen } = setup('win32');
    const keep = 'Keep Running When the Window Is Closed';
    expect(tray.menu!.item(keep)).toMatchObject({ type: 'checkbox', checked: false });
    expect(service.keepsAppRunning()).toBe(false);
    tray.menu!.click(keep);
    expect(tray.menu!.item(keep).checked).toBe(true);
    expect(service.keepsAppRunning()).toBe(true);
    expect(reopen().get()).toEqual({ closeToTray: true });
    tray.menu!.click(keep);
    expect(service.keepsAppRunning()).toBe(false);
    expect(reopen().get()).toEqual({ closeToTray: false });
    service.destroy();
    expect(tray.destroyed).toBe(true);
  });

  it('does not offer it on macOS, where closing the window never quits', () => {
    const { service, tray, prefs } = setup('darwin');
    expect(tray.menu!.items.some((i) => i.type === 'checkbox')).toBe(false);
    prefs.set({ closeToTray: true });
    expect(service.keepsAppRunning()).toBe(false);
  });

  it('loads a template image on macOS and a colour one elsewhere, each with its @2x file', () => {
    expect(setup('darwin').tray.image.path).toMatch(/trayTemplate\.png$/);
    expect(setup('linux').tray.image.path).toMatch(/[/\\]tray\.png$/);
    for (const file of ['tray.png', 'tray@2x.png', 'trayTemplate.png', 'trayTemplate@2x.png']) {
      const png = readFileSync(join(assets, file));
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      const size = png.readUInt32BE(16);
      expect(size).toBe(file.includes('@2x') ? 32 : 16);
    }
  });

  it('says so in the log when the icon does not load', () => {
    const { logs } = setup('linux', join(base, 'missing.png'));
    expect(logs).toEqual(['the tray icon did not load']);
    expect(setup('linux').logs).toEqual([]);
  });
});
