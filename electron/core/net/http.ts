// Process: core (trusted Node side; never imports electron).
// The only way the core talks to a team server. Every answer is validated against the shared
// zod schema before anything reads it: a hostile server must not be able to crash the client
// or smuggle a field the code did not ask for. Failures become TesseraErrors so each shell
// (window, CLI, tests) reports them the same way.
import type { z } from 'zod';
import { isErrorCode, TesseraError } from '../../../shared/errors.ts';
import { isOperation, isTeamRole, isVaultRole, refusalWords } from '../../../shared/roles.ts';

export interface HttpOptions {
  baseUrl: string;
  token?: () => string | null;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export class HttpClient {
  readonly baseUrl: string;
  private readonly options: HttpOptions;

  constructor(options: HttpOptions) {
    this.options = options;
    this.baseUrl = normaliseServerUrl(options.baseUrl);
  }

  async request<S extends z.ZodType>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body: unknown,
    schema: S,
  ): Promise<z.infer<S>> {
    const res = await this.raw(method, path, body);
    const data = await readJson(res);
    if (!res.ok) throw errorFromAnswer(res.status, data);
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      throw new TesseraError('tampered', `the server's answer to ${method} ${stripQuery(path)} is malformed`);
    }
    return parsed.data;
  }

  /** Sends a request and returns the raw answer. The push channel passes `stream` so its
   *  long-lived answer is not cut by the request timeout. */
  async raw(
    method: string,
    path: string,
    body?: unknown,
    signal?: AbortSignal,
    stream = false,
  ): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = this.options.token?.();
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const doFetch = this.options.fetch ?? fetch;
    const signals = [
      signal,
      stream ? undefined : AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
    ].filter((x): x is AbortSignal => x !== undefined);
    try {
      return await doFetch(this.baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: signals.length > 0 ? AbortSignal.any(signals) : undefined,
      });
    } catch {
      throw new TesseraError('unreachable', `cannot reach the team server at ${this.baseUrl}`);
    }
  }
}

export function normaliseServerUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TesseraError('usage', `not a server URL: ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new TesseraError('usage', `server URL must be http(s): ${parsed.protocol}`);
  }
  return parsed.origin;
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function errorFromAnswer(status: number, data: unknown): TesseraError {
  const err = (data as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  const message = typeof err?.message === 'string' ? err.message.slice(0, 500) : `server answered ${status}`;
  const code = isErrorCode(err?.code) ? err.code : statusCode(status);
  // A role refusal is told in the client's words, from the operation the answer names: the
  // server's own text is not what the person should act on.
  const refusal = (data as { refusal?: { operation?: unknown; role?: unknown } } | null)?.refusal;
  if (code === 'forbidden' && isOperation(refusal?.operation))
    return new TesseraError(
      code,
      refusalWords(
        refusal.operation,
        isTeamRole(refusal.role) || isVaultRole(refusal.role) ? refusal.role : null,
      ),
    );
  return new TesseraError(code, message, (data as { current?: unknown } | null)?.current);
}

function statusCode(status: number) {
  if (status === 401) return 'unauthenticated' as const;
  if (status === 403) return 'forbidden' as const;
  if (status === 404) return 'not_found' as const;
  if (status === 409) return 'conflict' as const;
  if (status === 429) return 'rate_limited' as const;
  if (status === 502 || status === 503 || status === 504) return 'unreachable' as const;
  if (status >= 500) return 'internal' as const;
  return 'bad_request' as const;
}

function stripQuery(path: string): string {
  return path.split('?')[0] ?? path;
}
