// Process: core (trusted Node side; never imports electron).
// The profile's item store: an append-only file of encrypted frames, each holding the item
// records one save changed. A sync that brings one change appends one small frame instead
// of re-encrypting and rewriting every cached item. Each frame authenticates on its own, so
// a write torn by a crash shows up as a bad *last* frame and is dropped (the state file,
// written after the log, still points at the older sync cursor, so nothing is lost: the
// next pull brings those items again). When superseded records pile up the log is
// compacted into a fresh file, atomically.
//
// Format 2 starts with a magic line and holds binary frames (item-log-codec.ts) under their
// own associated data, so a format-1 frame (JSON plaintext) spliced into it does not open.
// A format-1 file (no magic) is still read; the caller rewrites it as format 2 at once.
import { closeSync, fstatSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { fromUtf8 } from '../../../shared/encoding.ts';
import { TesseraError } from '../../../shared/errors.ts';
import { openFrame, sealFrame, wipe } from '../crypto/index.ts';
import { readFileIfExists, writeFileAtomic } from './atomic-file.ts';
import { decodeEntry, encodeEntry, type LogEntry } from './item-log-codec.ts';

export type { LogEntry } from './item-log-codec.ts';

/** Read as a format-1 frame length these bytes say ~1.2 GB: no format-1 file starts so. */
const MAGIC = Uint8Array.of(0x89, 0x54, 0x4c, 0x47, 0x32, 0x0d, 0x0a, 0x0a); // \x89 T L G 2 \r \n \n
const FRAME_HEAD = 4;

export interface LoadedLog {
  entries: LogEntry[];
  frames: number;
  records: number;
  /** The last frame was torn (a crash mid-append); rewrite the log on the next save. */
  damagedTail: boolean;
  /** The file is in format 1; rewrite it (in format 2) before appending anything. */
  legacy: boolean;
}

const v2Ad = (ad: string) => `${ad}|v2`;

function hasMagic(bytes: Uint8Array): boolean {
  if (bytes.length < MAGIC.length) return false;
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) return false;
  return true;
}

function encodeFrames(key: Uint8Array, ad: string, entries: LogEntry[], withMagic: boolean): Uint8Array {
  const frames = entries.map((e) => sealFrame(key, encodeEntry(e), v2Ad(ad)));
  const total = frames.reduce((n, f) => n + FRAME_HEAD + f.length, withMagic ? MAGIC.length : 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let at = 0;
  if (withMagic) {
    out.set(MAGIC, 0);
    at = MAGIC.length;
  }
  for (const f of frames) {
    view.setUint32(at, f.length, true);
    out.set(f, at + FRAME_HEAD);
    at += FRAME_HEAD + f.length;
  }
  return out;
}

/** Format 1 frames held the LogEntry as JSON, wiped after parsing like any decrypted buffer. */
function decodeLegacy(plain: Uint8Array): LogEntry {
  try {
    return JSON.parse(fromUtf8(plain)) as LogEntry;
  } finally {
    wipe(plain);
  }
}

export function readLog(path: string, key: Uint8Array, ad: string): LoadedLog {
  const bytes = readFileIfExists(path);
  const loaded: LoadedLog = { entries: [], frames: 0, records: 0, damagedTail: false, legacy: false };
  if (!bytes || bytes.length === 0) return loaded;
  let at = 0;
  let frameAd = ad;
  let decode = decodeLegacy;
  if (hasMagic(bytes)) {
    at = MAGIC.length;
    frameAd = v2Ad(ad);
    decode = decodeEntry;
  } else if (bytes.length < MAGIC.length) {
    // Too short for a frame in either format: a first write torn before it finished.
    loaded.damagedTail = true;
    return loaded;
  } else {
    loaded.legacy = true;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  while (at < bytes.length) {
    const len = at + FRAME_HEAD <= bytes.length ? view.getUint32(at, true) : -1;
    const end = at + FRAME_HEAD + len;
    const last = len < 0 || end >= bytes.length;
    if (len < 0 || end > bytes.length) {
      loaded.damagedTail = true;
      break;
    }
    let plain: Uint8Array;
    try {
      plain = openFrame(key, bytes.subarray(at + FRAME_HEAD, end), frameAd);
    } catch {
      if (last) {
        loaded.damagedTail = true;
        break;
      }
      throw new TesseraError('tampered', `the profile's item store ${path} is damaged before its last write`);
    }
    const entry = decode(plain);
    loaded.entries.push(entry);
    loaded.frames++;
    loaded.records += entry.put.length + entry.drop.length;
    at = end;
  }
  return loaded;
}

/** Appends to a format-2 log (starting one if the file is missing or empty). Refuses a
 *  format-1 or damaged file: those are rewritten whole, never extended. */
export function appendLog(path: string, key: Uint8Array, ad: string, entries: LogEntry[]): void {
  if (entries.length === 0) return;
  const fd = openSync(path, 'a+', 0o600);
  try {
    const size = fstatSync(fd).size;
    if (size > 0) {
      const head = new Uint8Array(MAGIC.length);
      const got = readSync(fd, head, 0, head.length, 0);
      if (got !== head.length || !hasMagic(head)) {
        throw new TesseraError(
          'internal',
          `the item store ${path} must be rewritten before it can be appended to`,
        );
      }
    }
    const data = encodeFrames(key, ad, entries, size === 0);
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Replaces the log with one frame per team holding only the live records. */
export function rewriteLog(path: string, key: Uint8Array, ad: string, entries: LogEntry[]): void {
  writeFileAtomic(path, encodeFrames(key, ad, entries, true));
}
