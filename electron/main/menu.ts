// Process: main (Electron main process).
// The application menu: Lock and Search (their keys in shared/shortcuts.ts) where a keyboard user
// expects them, the standard Edit menu (without it, copy and paste in the page's inputs do
// not work on macOS), and developer tools only in an unpackaged build. A plain template so
// it is tested without Electron; main.ts hands it to Menu.buildFromTemplate.
import type { MenuItemConstructorOptions } from 'electron';
import { shortcut } from '../../shared/shortcuts.ts';

export interface MenuActions {
  isMac: boolean;
  /** Reload and developer tools; only for an unpackaged build. */
  developer: boolean;
  lock(): void;
  focusSearch(): void;
}

export function menuTemplate({
  isMac,
  developer,
  lock,
  focusSearch,
}: MenuActions): MenuItemConstructorOptions[] {
  const vault: MenuItemConstructorOptions = {
    label: 'Vault',
    submenu: [
      { label: 'Search', accelerator: shortcut('search').accelerator, click: () => focusSearch() },
      { type: 'separator' },
      { label: 'Lock', accelerator: shortcut('lock').accelerator, click: () => lock() },
      ...(isMac ? [] : ([{ type: 'separator' }, { role: 'quit' }] as MenuItemConstructorOptions[])),
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
      ...(developer
        ? ([
            { type: 'separator' },
            { role: 'reload' },
            { role: 'toggleDevTools' },
          ] as MenuItemConstructorOptions[])
        : []),
    ],
  };
  return [
    ...(isMac ? ([{ role: 'appMenu' }] as MenuItemConstructorOptions[]) : []),
    vault,
    { role: 'editMenu' },
    view,
    { role: 'windowMenu' },
  ];
}
