// Process: test.
// The window's session denies every permission, device, download and network request. A
// FAKE session records the handlers the shell installs, and the test calls them the way
// Electron would.
import { describe, expect, it } from 'vitest';
import { BLOCKED_REQUEST_URLS, hardenSession, type SessionLike } from '../../electron/main/session.ts';

type RequestHandler = (
  webContents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
) => void;

/** FAKE Electron session: keeps every handler it is given. */
function fakeSession() {
  const h: {
    request?: RequestHandler;
    check?: (webContents: unknown, permission: string) => boolean;
    device?: () => boolean;
    download?: (event: { preventDefault(): void }) => void;
    network?: {
      urls: string[];
      listener: (d: { url: string }, cb: (r: { cancel: boolean }) => void) => void;
    };
  } = {};
  const session: SessionLike = {
    setPermissionRequestHandler: (handler) => (h.request = handler),
    setPermissionCheckHandler: (handler) => (h.check = handler),
    setDevicePermissionHandler: (handler) => (h.device = handler),
    on: (_event, listener) => (h.download = listener),
    webRequest: { onBeforeRequest: (filter, listener) => (h.network = { urls: filter.urls, listener }) },
  };
  return { session, h };
}

describe('window session', () => {
  it('denies every permission request and every permission check', () => {
    const { session, h } = fakeSession();
    hardenSession(session);
    for (const permission of [
      'media',
      'notifications',
      'clipboard-read',
      'geolocation',
      'openExternal',
      'hid',
      'unknown',
    ]) {
      const answers: boolean[] = [];
      h.request!({}, permission, (granted) => answers.push(granted));
      expect(answers, permission).toEqual([false]);
      expect(h.check!({}, permission), permission).toBe(false);
    }
    expect(h.device!()).toBe(false);
  });

  it('cancels downloads', () => {
    const { session, h } = fakeSession();
    hardenSession(session);
    let prevented = false;
    h.download!({ preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
  });

  it('cancels every network request from the window', () => {
    const { session, h } = fakeSession();
    hardenSession(session);
    expect(h.network!.urls).toEqual(BLOCKED_REQUEST_URLS);
    expect(BLOCKED_REQUEST_URLS).toEqual(
      expect.arrayContaining(['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*', 'file:///*']),
    );
    expect(BLOCKED_REQUEST_URLS.some((p) => p.startsWith('app:'))).toBe(false);
    const answers: { cancel: boolean }[] = [];
    h.network!.listener({ url: 'https://evil.example/?leak' }, (r) => answers.push(r));
    expect(answers).toEqual([{ cancel: true }]);
  });
});
