// Process: shared. Error codes shared by the server's answers, the service and the CLI's exit
// codes (docs/design.md "The command line": 0 ok, 1 usage, 2 auth or permission denied, 3 not found, 4 conflict,
// 5 server unreachable). A message never contains a secret, a key or a password.

export const ERRORS = {
  bad_request: { status: 400, exit: 1 },
  usage: { status: 400, exit: 1 },
  unauthenticated: { status: 401, exit: 2 },
  wrong_password: { status: 401, exit: 2 },
  session_expired: { status: 401, exit: 2 },
  session_revoked: { status: 401, exit: 2 },
  forbidden: { status: 403, exit: 2 },
  locked: { status: 401, exit: 2 },
  /** The client refused what the server sent: bad signature, swapped or rolled-back blob. */
  tampered: { status: 502, exit: 2 },
  not_found: { status: 404, exit: 3 },
  conflict: { status: 409, exit: 4 },
  /** A one-time link that can no longer be opened, and why. */
  link_expired: { status: 410, exit: 3 },
  link_used_up: { status: 410, exit: 3 },
  link_revoked: { status: 410, exit: 3 },
  rate_limited: { status: 429, exit: 2 },
  unreachable: { status: 503, exit: 5 },
  internal: { status: 500, exit: 1 },
} as const satisfies Record<string, { status: number; exit: number }>;
export type ErrorCode = keyof typeof ERRORS;

export function isErrorCode(x: unknown): x is ErrorCode {
  return typeof x === 'string' && Object.hasOwn(ERRORS, x);
}

/** The one error type that crosses layers: server routes throw it, the HTTP client rebuilds
 *  it from the answer body, the CLI turns it into an exit code. */
export class TesseraError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'TesseraError';
    this.code = code;
    this.details = details;
  }
  get status(): number {
    return ERRORS[this.code].status;
  }
  get exitCode(): number {
    return ERRORS[this.code].exit;
  }
}

/** Body of every non-2xx answer from the team server. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string };
  /** With `conflict`: the item as the server holds it now. */
  current?: unknown;
  /** With a role refusal: what was refused, so the client can say it in its own words. */
  refusal?: { operation: string; role: string };
}

/** What each exit code of `tessera` means, for its help and the README (docs/design.md "The
 *  command line"); ERRORS above maps every error code onto one of them. */
export const EXIT_CODES = [
  [0, 'done (a write queued while the server is unreachable counts: it says so)'],
  [1, 'usage error: a mistyped command, option or value'],
  [2, 'wrong password, not logged in, or not allowed'],
  [3, 'not found'],
  [4, 'conflict: the name is taken, or someone else changed it first'],
  [5, 'team server unreachable'],
  [6, '`due` only: a secret is overdue or needs rotation'],
] as const;
