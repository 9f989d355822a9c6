// Process: main (Electron main process).
// The tray (menu bar on macOS) icon: Lock and Quick search without finding the window first,
// Open, Quit, and the shell's one preference, keeping Tessera running in the tray when the
// window is closed (off macOS, where closing the window never quits). Linux desktops with an
// AppIndicator tray do not deliver clicks on the icon, so everything is in the menu; a click
// only adds "open the window" where the platform sends one. Lock is greyed out while the
// vault is locked, so the menu says what state the app is in. Electron's Tray, Menu and
// nativeImage come in through the constructor, so this is tested in plain Node.
import type { MenuItemConstructorOptions } from 'electron';
import type { ShellPrefsService } from './shell-store.ts';

export interface TrayIcon<BuiltMenu> {
  setToolTip(text: string): void;
  setContextMenu(menu: BuiltMenu | null): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}

/** Electron's pieces the tray needs (small fakes in the tests). */
export interface TrayParts<Image extends { isEmpty(): boolean }, BuiltMenu> {
  Tray: new (image: Image) => TrayIcon<BuiltMenu>;
  Menu: { buildFromTemplate(template: MenuItemConstructorOptions[]): BuiltMenu };
  nativeImage: { createFromPath(path: string): Image };
}

export interface TrayActions {
  /** Shows the window, opening it again if it was closed. */
  open(): void;
  /** Shows the window and puts the cursor in its search box. */
  quickSearch(): void;
  lock(): void;
  quit(): void;
}

export interface TrayOptions {
  /** From trayIconFile(), under the app's assets folder. */
  iconPath: string;
  actions: TrayActions;
  prefs: ShellPrefsService;
  platform: NodeJS.Platform;
  log?: (line: string) => void;
}

/** A macOS menu bar icon is a template image (black and clear, tinted by the system), which
 *  Electron recognises by the "Template" suffix; the @2x file next to each is picked up for
 *  high-density screens. */
export function trayIconFile(platform: NodeJS.Platform): string {
  return platform === 'darwin' ? 'trayTemplate.png' : 'tray.png';
}

export class TrayService<Image extends { isEmpty(): boolean }, BuiltMenu> {
  private tray: TrayIcon<BuiltMenu> | null = null;
  private unlocked = false;

  constructor(
    private readonly parts: TrayParts<Image, BuiltMenu>,
    private readonly options: TrayOptions,
  ) {}

  /** Call after 'ready'. The app starts locked. */
  create(): void {
    if (this.tray) return;
    const image = this.parts.nativeImage.createFromPath(this.options.iconPath);
    if (image.isEmpty()) this.options.log?.('the tray icon did not load');
    this.tray = new this.parts.Tray(image);
    this.tray.on('click', () => this.options.actions.open());
    this.refresh();
  }

  /** Follows the core's events (main.ts passes each one on): the menu tracks the lock state. */
  noteEvent(event: string): void {
    if (event === 'locked' || event === 'unlocked') this.setUnlocked(event === 'unlocked');
  }

  setUnlocked(unlocked: boolean): void {
    this.unlocked = unlocked;
    this.refresh();
  }

  /** Whether closing the last window should leave the app running in the tray. */
  keepsAppRunning(): boolean {
    return this.tray !== null && this.offersCloseToTray() && this.options.prefs.get().closeToTray;
  }

  template(): MenuItemConstructorOptions[] {
    const { actions, prefs } = this.options;
    const closeToTray: MenuItemConstructorOptions[] = this.offersCloseToTray()
      ? [
          {
            label: 'Keep Running When the Window Is Closed',
            type: 'checkbox',
            checked: prefs.get().closeToTray,
            click: () => {
              prefs.set({ closeToTray: !prefs.get().closeToTray });
              this.refresh();
            },
          },
          { type: 'separator' },
        ]
      : [];
    return [
      { label: 'Open Tessera', click: () => actions.open() },
      { label: 'Quick Search', click: () => actions.quickSearch() },
      { label: 'Lock', enabled: this.unlocked, click: () => actions.lock() },
      { type: 'separator' },
      ...closeToTray,
      { label: 'Quit Tessera', click: () => actions.quit() },
    ];
  }

  destroy(): void {
    this.tray?.destroy();
    this.tray = null;
  }

  private offersCloseToTray(): boolean {
    return this.options.platform !== 'darwin';
  }

  private refresh(): void {
    if (!this.tray) return;
    this.tray.setToolTip(this.unlocked ? 'Tessera' : 'Tessera (locked)');
    this.tray.setContextMenu(this.parts.Menu.buildFromTemplate(this.template()));
  }
}
