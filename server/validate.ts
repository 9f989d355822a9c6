// Process: server (team server; plain Node).
// Every body, query and path parameter goes through a shared zod schema before a route reads
// it, and a failure names the field ('email: Invalid email address') so a client developer
// can fix the request without reading server code.
import { z } from 'zod';
import { TesseraError } from '../shared/errors.ts';

export function parse<S extends z.ZodType>(schema: S, value: unknown, what = 'body'): z.infer<S> {
  const r = schema.safeParse(value ?? (what === 'body' ? undefined : {}));
  if (r.success) return r.data;
  throw new TesseraError('bad_request', describe(r.error, what));
}

export function describe(error: z.ZodError, what: string): string {
  const issue = error.issues[0];
  if (!issue) return `${what}: invalid`;
  const path = issue.path.map(String).join('.');
  return `${path || what}: ${issue.message}`.slice(0, 300);
}

const uuid = z.uuid();

/** Path parameters are ids; anything else is a bad request, not a database error. */
export function ids<K extends string>(params: unknown, ...names: K[]): Record<K, string> {
  const p = (params ?? {}) as Record<string, unknown>;
  const out = {} as Record<K, string>;
  for (const name of names) {
    const r = uuid.safeParse(p[name]);
    if (!r.success) throw new TesseraError('bad_request', `${name}: Invalid UUID`);
    out[name] = r.data.toLowerCase();
  }
  return out;
}
