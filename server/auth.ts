// Process: server (team server; plain Node).
// Who is calling: every route not marked public needs `Authorization: Bearer <token>` for a
// live session of a user who is not suspended. The token is compared by its SHA-256 only,
// and it never reaches a log line (the header is redacted, the body is never logged).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TesseraError } from '../shared/errors.ts';
import type { Database } from './db.ts';
import { lookupSession, type SessionState, tokenHash } from './data/sessions.ts';

export interface Caller {
  userId: string;
  email: string;
  name: string;
  tokenHash: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
  interface FastifyContextConfig {
    /** No session needed (signup, login). */
    public?: boolean;
  }
}

const BEARER = /^Bearer ([A-Za-z0-9_-]{20,128})$/;

/** Turns a session row into the caller, or the precise 401 the client acts on. */
export function sessionCaller(s: SessionState | null, hash: string): Caller {
  if (!s) throw new TesseraError('unauthenticated', 'not logged in');
  if (s.revoked || s.suspended) throw new TesseraError('session_revoked', 'session revoked; log in again');
  if (s.expired) throw new TesseraError('session_expired', 'session expired; log in again');
  return { userId: s.user_id, email: s.email, name: s.name, tokenHash: hash };
}

export async function authenticate(db: Database, header: string | undefined): Promise<Caller> {
  const m = BEARER.exec(header ?? '');
  if (!m?.[1]) throw new TesseraError('unauthenticated', 'missing or malformed Authorization header');
  const hash = tokenHash(m[1]);
  return sessionCaller(await lookupSession(db, hash), hash);
}

export function installAuth(app: FastifyInstance, db: Database): void {
  app.decorateRequest('caller', null);
  app.addHook('preHandler', async (request) => {
    if (request.routeOptions.config?.public) return;
    request.caller = await authenticate(db, request.headers.authorization);
  });
}

export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new TesseraError('unauthenticated', 'not logged in');
  return request.caller;
}
