// Process: core (trusted Node side; never imports electron).
// The profile's item store: an append-only file of encrypted frames, each holding the item
// records one save changed. A sync that brings one change appends one small frame instead
// of re-encrypting and rewriting every cached item. Each frame authenticates on its own, so
// a write torn by a crash shows up as a bad *last* frame and is dropped (the state file,
// written after the log, still points at the older sync cursor, so nothing is lost: the
// next pull brings those items again). When superseded records pile up the log is
// compacted into a fresh file, atomically.
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import type { ItemRecord } from '../../../shared/api.ts';
import { fromUtf8, utf8 } from '../../../shared/encoding.ts';
import { TesseraError } from '../../../shared/errors.ts';
import { openFrame, sealFrame, wipe } from '../crypto/index.ts';
import { readFileIfExists, writeFileAtomic } from './atomic-file.ts';

export interface LogEntry {
  team: string;
  put: ItemRecord[];
  drop: string[];
}

export interface LoadedLog {
  entries: LogEntry[];
  frames: number;
  records: number;
  /** The last frame was torn (a crash mid-append); rewrite the log on the next save. */
  damagedTail: boolean;
}

function encodeFrames(key: Uint8Array, ad: string, entries: LogEntry[]): Uint8Array {
  const frames = entries.map((e) => {
    const plain = utf8(JSON.stringify(e));
    const f = sealFrame(key, plain, ad);
    wipe(plain);
    return f;
  });
  const total = frames.reduce((n, f) => n + 4 + f.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const f of frames) {
    view.setUint32(at, f.length, true);
    out.set(f, at + 4);
    at += 4 + f.length;
  }
  return out;
}

export function readLog(path: string, key: Uint8Array, ad: string): LoadedLog {
  const bytes = readFileIfExists(path);
  const loaded: LoadedLog = { entries: [], frames: 0, records: 0, damagedTail: false };
  if (!bytes) return loaded;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (at < bytes.length) {
    const len = at + 4 <= bytes.length ? view.getUint32(at, true) : -1;
    const end = at + 4 + len;
    const last = len < 0 || end >= bytes.length;
    if (len < 0 || end > bytes.length) {
      loaded.damagedTail = true;
      break;
    }
    let plain: Uint8Array;
    try {
      plain = openFrame(key, bytes.subarray(at + 4, end), ad);
    } catch {
      if (last) {
        loaded.damagedTail = true;
        break;
      }
      throw new TesseraError('tampered', `the profile's item store ${path} is damaged before its last write`);
    }
    const entry = JSON.parse(fromUtf8(plain)) as LogEntry;
    wipe(plain);
    loaded.entries.push(entry);
    loaded.frames++;
    loaded.records += entry.put.length + entry.drop.length;
    at = end;
  }
  return loaded;
}

export function appendLog(path: string, key: Uint8Array, ad: string, entries: LogEntry[]): void {
  if (entries.length === 0) return;
  const data = encodeFrames(key, ad, entries);
  const fd = openSync(path, 'a', 0o600);
  try {
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Replaces the log with one frame per team holding only the live records. */
export function rewriteLog(path: string, key: Uint8Array, ad: string, entries: LogEntry[]): void {
  writeFileAtomic(path, encodeFrames(key, ad, entries));
}
