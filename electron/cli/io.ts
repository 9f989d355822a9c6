// Process: cli (plain Node; the `tessera` command).
// Terminal input and output. Passwords and secret values arrive as bytes from the
// environment or stdin, never from argv (which every user on the machine can read in the
// process list), and are wiped by the caller after use.
import { TesseraError } from '../../shared/errors.ts';

export async function readStdinBytes(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const all = Buffer.concat(chunks);
  for (const c of chunks) c.fill(0);
  let end = all.length;
  if (end > 0 && all[end - 1] === 0x0a) end--;
  if (end > 0 && all[end - 1] === 0x0d) end--;
  const out = new Uint8Array(all.subarray(0, end));
  all.fill(0);
  return out;
}

/** The password from TESSERA_PASSWORD (then removed from the environment, so a child
 *  started by `tessera run` does not inherit it) or from stdin with --password-stdin. */
export async function readPassword(fromStdin: boolean): Promise<Uint8Array> {
  if (fromStdin) return readStdinBytes();
  const env = process.env.TESSERA_PASSWORD;
  if (env !== undefined && env !== '') {
    delete process.env.TESSERA_PASSWORD;
    return new Uint8Array(Buffer.from(env, 'utf8'));
  }
  throw new TesseraError('usage', 'no password: set TESSERA_PASSWORD or pass --password-stdin');
}

export function parseDays(text: string): number {
  const m = /^(\d+)d$/.exec(text.trim());
  if (!m || Number(m[1]) < 1)
    throw new TesseraError('usage', `expected a number of days like 30d, got ${JSON.stringify(text)}`);
  return Number(m[1]);
}

export interface Output {
  json: boolean;
  /** Machine-readable result with --json, else the human lines. */
  result(value: unknown, human: () => string | string[]): void;
  note(text: string): void;
}

export function makeOutput(json: boolean): Output {
  return {
    json,
    result(value, human) {
      if (json) {
        process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
        return;
      }
      const lines = human();
      const text = Array.isArray(lines) ? lines.join('\n') : lines;
      if (text) process.stdout.write(`${text}\n`);
    },
    note(text) {
      process.stderr.write(`${text}\n`);
    },
  };
}
