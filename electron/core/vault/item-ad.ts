// Process: core (trusted Node side; never imports electron).
// Item associated data as bytes, built into one reused buffer. Unlock authenticates every
// item against its AD, and building each as a string (formats.ts `ad.item`) and encoding it
// cost about as much per item as the AEAD itself. The bytes are exactly those of
// utf8(ad.item(...)): the team/vault prefix is taken from ad.item itself, once per vault,
// and only the id and the two numbers are written per item; anything unusual (a non-ASCII
// id, a number that is not a plain counter) takes the string path instead.
import { utf8 } from '../../../shared/encoding.ts';
import { ad } from '../../../shared/formats.ts';

const BAR = 0x7c; // '|'
/** Prefixes kept per team and vault; more than this many vaults just rebuilds them. */
const MAX_PREFIXES = 1024;

let buf = new Uint8Array(256);
/** Views of buf by length, so a built AD costs no allocation once every length was seen. */
let views: Uint8Array[] = [];
const prefixes = new Map<string, Map<string, Uint8Array | null>>();
let prefixCount = 0;
// Consecutive items nearly always share team and vault, usually as the very same string
// objects (item-log-codec.ts hands out one string per table entry), so check those first.
let lastTeam = '';
let lastVault = '';
let lastPrefix: Uint8Array | null = null;

const isCounter = (n: number) => Number.isSafeInteger(n) && n >= 0;

function tailOf(id: string, generation: number, version: number): string {
  return `|${id}|${generation}|${version}`;
}

function prefixFor(team: string, vault: string, id: string, generation: number, version: number) {
  if (vault === lastVault && team === lastTeam) return lastPrefix;
  const p = lookupPrefix(team, vault, id, generation, version);
  lastTeam = team;
  lastVault = vault;
  lastPrefix = p;
  return p;
}

function lookupPrefix(team: string, vault: string, id: string, generation: number, version: number) {
  let byVault = prefixes.get(team);
  let p = byVault?.get(vault);
  if (p !== undefined) return p;
  const full = ad.item(team, vault, id, generation, version);
  const tail = tailOf(id, generation, version);
  // The layout is checked, not assumed: a format that does not end in |id|gen|version
  // leaves this vault on the string path.
  p = full.endsWith(tail) ? utf8(full.slice(0, full.length - tail.length)) : null;
  if (prefixCount >= MAX_PREFIXES) {
    prefixes.clear();
    prefixCount = 0;
  }
  if (!byVault) {
    byVault = new Map();
    prefixes.set(team, byVault);
  }
  byVault.set(vault, p);
  prefixCount++;
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
  const prefix =
    isCounter(generation) && isCounter(version) ? prefixFor(team, vault, id, generation, version) : null;
  if (!prefix) return utf8(ad.item(team, vault, id, generation, version));
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
