// Process: main (Electron main process).
// The window's session says no to everything the page might ask of the browser: every
// permission request and permission check (camera, notifications, clipboard-read, HID, ...),
// every device, every download, and every network request. The core talks to the team
// server from Node, never through the renderer, so a renderer request to http(s), ws(s),
// ftp or file can only be a compromised page trying to send data out or read local files.

/** URL patterns the renderer must never load. app:// is ours and is not in the list. */
export const BLOCKED_REQUEST_URLS = [
  'http://*/*',
  'https://*/*',
  'ws://*/*',
  'wss://*/*',
  'ftp://*/*',
  'file:///*',
];

export interface SessionLike {
  setPermissionRequestHandler(
    handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
  setDevicePermissionHandler(handler: () => boolean): void;
  on(event: 'will-download', listener: (event: { preventDefault(): void }) => void): unknown;
  readonly webRequest: {
    onBeforeRequest(
      filter: { urls: string[] },
      listener: (details: { url: string }, callback: (response: { cancel: boolean }) => void) => void,
    ): void;
  };
}

export function hardenSession(session: SessionLike, log: (line: string) => void = () => {}): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    log(`denied permission request: ${permission}`);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.on('will-download', (event) => {
    event.preventDefault();
    log('blocked a download');
  });
  session.webRequest.onBeforeRequest({ urls: BLOCKED_REQUEST_URLS }, (_details, callback) => {
    log('blocked a network request from the window');
    callback({ cancel: true });
  });
}
