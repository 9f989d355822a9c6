// Process: main (Electron main process).
// The core's notify port on Electron's Notification. A click brings the window up (or opens
// it on the unlock screen) and lets the core say where to go. Electron's Notification comes in
// as a parameter, so this is tested in plain Node with a small fake.
import type { DueNotification, NotifyPort } from '../core/desktop/due-notice.ts';

export interface NotificationLike {
  on(event: 'click', listener: () => void): unknown;
  show(): void;
}

export interface NotificationClass {
  isSupported(): boolean;
  new (options: { title: string; body: string; silent?: boolean }): NotificationLike;
}

export function notifyPort(Notification: NotificationClass, showWindow: () => void): NotifyPort {
  return (n: DueNotification) => {
    // Some Linux desktops run no notification daemon; the Due screen and its badge remain.
    if (!Notification.isSupported()) return;
    const shown = new Notification({ title: n.title, body: n.body });
    shown.on('click', () => {
      showWindow();
      n.onClick();
    });
    shown.show();
  };
}
