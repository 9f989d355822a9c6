// Process: core (trusted Node side; never imports electron).
// Item associated data as bytes, built into one reused buffer. Unlock authenticates every
// item against its AD, and building each as a string (formats.ts `ad.item`) and encoding it
// cost about as much per item as the AEAD itself. The bytes are exactly those of
// utf8(ad.item(...)): the vault's prefix comes from formats.ts `ad.itemPrefix`, encoded once
// per vault, and only the id and the two numbers are written per item; anything unusual (a
// non-ASCII id, a number that is not a plain counter) takes the string path instead.
import { utf8 } from '../../../shared/encoding.ts';
import { ad } from '../../../shared/formats.ts';

const BAR = 0x7c; // '|'
/** Prefixes kept (one per team and vault); more than this many just starts over. */
const MAX_PREFIXES = 1024;

let buf = new Uint8Array(256);
/** Views of buf by length, so a built AD costs no allocation once every length was seen. */
let views: Uint8Array[] = [];
const prefixes = new Map<string, Uint8Array>();
// Consecutive items nearly always share team and vault, usually as the very same string
// objects (item-log-codec.ts hands out one string per table entry), so check those first.
let lastTeam = '';
let lastVault = '';
let lastPrefix: Uint8Array | null = null;

const isCounter = (n: number) => Number.isSafeInteger(n) && n >= 0;

function prefixFor(team: string, vault: string): Uint8Array {
  if (lastPrefix && vault === lastVault && team === lastTeam) return lastPrefix;
  const text = ad.itemPrefix(team, vault);
  let p = prefixes.get(text);
  if (!p) {
    if (prefixes.size >= MAX_PREFIXES) prefixes.clear();
    p = utf8(text);
    prefixes.set(text, p);
  }
  lastTeam = team;
  lastVault = vault;
  lastPrefix = p;
  return p;
}

function writeCounter(at: number, n: number): number {
  let digits = 1;
  for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
  for (let i = at + digits - 1; i >= at; i--) {
    buf[i] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  }
  return at + digits;
}

/** The bytes of ad.item(team, vault, id, generation, version). The result may be a view of a
 *  shared buffer, valid only until the next call: pass it straight to the AEAD. */
export function itemAdBytes(
  team: string,
  vault: string,
  id: string,
  generation: number,
  version: number,
): Uint8Array {
  if (!isCounter(generation) || !isCounter(version))
    return utf8(ad.item(team, vault, id, generation, version));
  const prefix = prefixFor(team, vault);
  const need = prefix.length + id.length + 2 + 2 * 16;
  if (need > buf.length) {
    buf = new Uint8Array(need * 2);
    views = [];
  }
  buf.set(prefix, 0);
  let at = prefix.length;
  buf[at++] = BAR;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c > 0x7f) return utf8(ad.item(team, vault, id, generation, version));
    buf[at++] = c;
  }
  buf[at++] = BAR;
  at = writeCounter(at, generation);
  buf[at++] = BAR;
  at = writeCounter(at, version);
  let view = views[at];
  if (!view) {
    view = buf.subarray(0, at);
    views[at] = view;
  }
  return view;
}
