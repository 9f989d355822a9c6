// Process: shared (imports nothing from Node or the DOM).
// What a vault's name envelope holds: its name and the settings only its readers may see,
// today the default rotation interval. They travel together because both must stay hidden
// from the server and both must survive a rename and a re-key: whoever re-seals the name
// re-seals the settings with it. Encoded as the UTF-8 name, then, only when a setting is set,
// a NUL and a JSON object, so a vault without settings stores exactly what it always did.
import { fromUtf8, utf8 } from './encoding.ts';

export interface VaultLabel {
  name: string;
  /** Secrets of the vault that have no interval of their own are due this often. */
  rotateEveryDays?: number;
}

export const MAX_ROTATE_DAYS = 3650;

export function isRotateDays(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MAX_ROTATE_DAYS;
}

export function encodeVaultLabel(l: VaultLabel): Uint8Array {
  if (l.name.includes('\0')) throw new Error('a vault name cannot hold a NUL character');
  if (l.rotateEveryDays === undefined) return utf8(l.name);
  if (!isRotateDays(l.rotateEveryDays))
    throw new Error(`rotation interval must be 1 to ${MAX_ROTATE_DAYS} days`);
  return utf8(`${l.name}\0${JSON.stringify({ rotateEveryDays: l.rotateEveryDays })}`);
}

/** Tolerant: settings it cannot read are dropped rather than costing the vault its name, so a
 *  newer client's additions never lock an older one out of the vault. */
export function decodeVaultLabel(bytes: Uint8Array): VaultLabel {
  const text = fromUtf8(bytes);
  const cut = text.indexOf('\0');
  if (cut < 0) return { name: text };
  const label: VaultLabel = { name: text.slice(0, cut) };
  try {
    const settings: unknown = JSON.parse(text.slice(cut + 1));
    const days = (settings as { rotateEveryDays?: unknown } | null)?.rotateEveryDays;
    if (isRotateDays(days)) label.rotateEveryDays = days;
  } catch {
    // Unreadable settings: the name alone.
  }
  return label;
}
