// Process: renderer (sandboxed window; talks to the core only through window.tessera).
// Copies text the window already shows (an invite code, never a secret: secret values go from
// the core to the clipboard without passing through here). The async Clipboard API comes
// first; the Electron session refuses every permission, so the copy command, which needs only
// the click that asked for it, is the way that works in the app.

export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Refused or unavailable: fall back to the copy command below.
  }
  const before = document.activeElement as HTMLElement | null;
  const area = document.createElement('textarea');
  area.value = text;
  area.readOnly = true;
  area.className = 'visually-hidden';
  document.body.append(area);
  try {
    area.select();
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
    before?.focus();
  }
}
