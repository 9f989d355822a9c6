// Process: main (Electron main process).
// The window's one origin. The renderer is served from app://tessera/ (never a remote URL,
// never file://), so "is this our page?" is a string question every guard below can answer
// the same way: navigation, new windows, IPC senders and protocol requests.

export const APP_SCHEME = 'app';
export const APP_HOST = 'tessera';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/** True only for app://tessera/… exactly: no user info, no port, no look-alike host. */
export function isAppUrl(url: unknown): boolean {
  if (typeof url !== 'string' || !url.startsWith(`${APP_ORIGIN}/`)) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.host === APP_HOST &&
    parsed.username === '' &&
    parsed.password === '' &&
    parsed.port === ''
  );
}

/** A short, data-free description of where a URL points, for log lines. */
export function describeOrigin(url: unknown): string {
  if (typeof url !== 'string' || url === '') return 'no url';
  try {
    const u = new URL(url);
    return u.host ? `${u.protocol}//${u.host}` : u.protocol;
  } catch {
    return 'unparseable url';
  }
}
