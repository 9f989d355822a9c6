// Process: core (trusted Node side; never imports electron).
// The plaintext inside an item envelope: a small JSON header (name and metadata, which the
// core indexes), a zero byte, then the secret value as raw bytes. Keeping the value out of
// the JSON means it is never turned into a JS string, which could not be wiped; the value
// is copied into its own Uint8Array and the decrypted buffer is zeroed.
import { fromUtf8, utf8 } from '../../../shared/encoding.ts';
import { TesseraError } from '../../../shared/errors.ts';
import { wipe } from '../crypto/index.ts';

export interface ItemHeader {
  name: string;
  deleted?: boolean;
  /** Set on the copy kept when a push met a conflict: the item it conflicted with. */
  conflictOf?: string;
  rotateEveryDays?: number;
  updatedBy?: string;
}

export function encodeItem(header: ItemHeader, value: Uint8Array): Uint8Array {
  const head = utf8(JSON.stringify(header));
  const out = new Uint8Array(head.length + 1 + value.length);
  out.set(head, 0);
  out[head.length] = 0;
  out.set(value, head.length + 1);
  return out;
}

/** Splits a decrypted payload. Zeroes `plain`; the caller owns (and must wipe) `value`. */
export function decodeItem(
  plain: Uint8Array,
  wantValue: boolean,
): { header: ItemHeader; value: Uint8Array | null } {
  try {
    const sep = plain.indexOf(0);
    if (sep < 0) throw new TesseraError('tampered', 'item payload has no header separator');
    const header = JSON.parse(fromUtf8(plain.subarray(0, sep))) as ItemHeader;
    if (typeof header?.name !== 'string') throw new TesseraError('tampered', 'item payload has no name');
    const value = wantValue ? plain.slice(sep + 1) : null;
    return { header, value };
  } finally {
    wipe(plain);
  }
}
