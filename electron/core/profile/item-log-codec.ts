// Process: core (trusted Node side; never imports electron).
// The plaintext of one binary item-log frame (format 2). Unlock reads every cached record,
// and as JSON that meant parsing ~5 MB whose bulk was base64 nonces and ciphertexts, then
// decoding that base64 again to decrypt. Here a record is a few varints, indexes into a
// per-frame string table (ids, vault ids and timestamps, decoded with one TextDecoder call)
// and its raw nonce || ciphertext, which the loaded record keeps as a StoredEnvelope view.
// Anything that does not fit the compact shape is stored as JSON, so nothing is ever lost.
//
// Layout (uint = unsigned LEB128, at most a safe integer):
//   uint strings, uint tableBytes, uint charLength * strings, UTF-8 table
//   uint team, uint puts, put * puts, uint drops, uint id * drops
//   put = 1 (compact): uint id, vault, version, generation, byte deleted, uint revision,
//         updatedBy, updatedAt, uint envelopeBytes, nonce || ciphertext
//       | 0 (JSON):    uint bytes, UTF-8 JSON of the ItemRecord
import type { ItemRecord } from '../../../shared/api.ts';
import { fromUtf8, utf8 } from '../../../shared/encoding.ts';
import { TesseraError } from '../../../shared/errors.ts';
import { envelopeBytes, StoredEnvelope } from '../crypto/index.ts';

export interface LogEntry {
  team: string;
  put: ItemRecord[];
  drop: string[];
}

const COMPACT = 1;
const JSON_RECORD = 0;
/** The keys of an ItemRecord the compact form carries; a record with others goes as JSON. */
const RECORD_KEYS = 9;

class Writer {
  buf = new Uint8Array(1 << 12);
  at = 0;

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.at + n));
    next.set(this.buf.subarray(0, this.at));
    this.buf = next;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.at++] = b;
  }

  uint(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) throw new TesseraError('internal', 'item log: bad integer');
    this.room(8);
    while (n >= 0x80) {
      this.buf[this.at++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.at++] = n;
  }

  raw(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.buf.set(bytes, this.at);
    this.at += bytes.length;
  }

  done(): Uint8Array {
    return this.buf.subarray(0, this.at);
  }
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

export function encodeEntry(e: LogEntry): Uint8Array {
  const strings: string[] = [];
  const ids = new Map<string, number>();
  const str = (s: string): number => {
    let i = ids.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      ids.set(s, i);
    }
    return i;
  };
  const body = new Writer();
  body.uint(str(e.team));
  body.uint(e.put.length);
  for (const r of e.put) {
    const env = compactable(r) ? envelopeBytes(r.envelope) : null;
    if (!env) {
      const json = utf8(JSON.stringify(r));
      body.byte(JSON_RECORD);
      body.uint(json.length);
      body.raw(json);
      continue;
    }
    body.byte(COMPACT);
    body.uint(str(r.id));
    body.uint(str(r.vault));
    body.uint(r.version);
    body.uint(r.generation);
    body.byte(r.deleted ? 1 : 0);
    body.uint(r.revision);
    body.uint(str(r.updatedBy));
    body.uint(str(r.updatedAt));
    body.uint(env.length);
    body.raw(env);
  }
  body.uint(e.drop.length);
  for (const id of e.drop) body.uint(str(id));

  const table = utf8(strings.join(''));
  if (fromUtf8(table).length !== strings.reduce((n, s) => n + s.length, 0)) {
    // A lone surrogate would not survive UTF-8; ids and timestamps never hold one.
    throw new TesseraError('internal', 'item log: a record holds a string that is not valid Unicode');
  }
  const head = new Writer();
  head.uint(strings.length);
  head.uint(table.length);
  for (const s of strings) head.uint(s.length);
  head.raw(table);
  head.raw(body.done());
  return head.done();
}

function compactable(r: ItemRecord): boolean {
  return (
    typeof r.id === 'string' &&
    typeof r.vault === 'string' &&
    typeof r.updatedBy === 'string' &&
    typeof r.updatedAt === 'string' &&
    typeof r.deleted === 'boolean' &&
    isCount(r.version) &&
    isCount(r.generation) &&
    isCount(r.revision) &&
    Object.keys(r).length === RECORD_KEYS
  );
}

/** Decodes one frame's plaintext. Envelopes stay views into `plain`, which the caller must
 *  therefore neither wipe nor reuse. The frame authenticated, so a malformed body means a
 *  bug or a forger holding the profile key: refused either way. */
export function decodeEntry(plain: Uint8Array): LogEntry {
  let at = 0;
  const bad = (): never => {
    throw new TesseraError('tampered', 'the profile item store holds a malformed record');
  };
  const uint = (): number => {
    let n = 0;
    let scale = 1;
    for (;;) {
      if (at >= plain.length || scale > 2 ** 49) bad();
      const b = plain[at++]!;
      n += (b & 0x7f) * scale;
      if (b < 0x80) return Number.isSafeInteger(n) ? n : bad();
      scale *= 0x80;
    }
  };
  const span = (len: number): number => {
    const start = at;
    if (len > plain.length - at) bad();
    at += len;
    return start;
  };

  const count = uint();
  const tableBytes = uint();
  if (count > plain.length) bad();
  const lengths = new Array<number>(count);
  for (let i = 0; i < count; i++) lengths[i] = uint();
  const tableAt = span(tableBytes);
  let text: string;
  try {
    text = fromUtf8(plain.subarray(tableAt, tableAt + tableBytes));
  } catch {
    return bad();
  }
  const strings = new Array<string>(count);
  let c = 0;
  for (let i = 0; i < count; i++) {
    const end = c + lengths[i]!;
    if (end > text.length) bad();
    strings[i] = text.slice(c, end);
    c = end;
  }
  if (c !== text.length) bad();
  const s = (): string => strings[uint()] ?? bad();

  const team = s();
  const puts = uint();
  if (puts > plain.length) bad();
  const put: ItemRecord[] = new Array(puts);
  for (let i = 0; i < puts; i++) {
    const kind = plain[span(1)];
    if (kind === COMPACT) {
      const id = s();
      const vault = s();
      const version = uint();
      const generation = uint();
      const deleted = plain[span(1)] === 1;
      const revision = uint();
      const updatedBy = s();
      const updatedAt = s();
      const len = uint();
      const envelope = new StoredEnvelope(plain, span(len), len);
      put[i] = { id, vault, version, generation, envelope, deleted, revision, updatedBy, updatedAt };
    } else if (kind === JSON_RECORD) {
      const len = uint();
      const start = span(len);
      try {
        put[i] = JSON.parse(fromUtf8(plain.subarray(start, start + len))) as ItemRecord;
      } catch {
        bad();
      }
    } else bad();
  }
  const drops = uint();
  if (drops > plain.length) bad();
  const drop = new Array<string>(drops);
  for (let i = 0; i < drops; i++) drop[i] = s();
  if (at !== plain.length) bad();
  return { team, put, drop };
}
