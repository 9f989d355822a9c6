// Process: server (team server; plain Node).
// Sessions and pending logins. A session token is 32 random bytes the client holds; the
// database keeps only its SHA-256, so a stolen database yields no usable token. A login
// attempt lives 60 seconds and is consumed by the first finish, right or wrong.
import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../db.ts';

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export async function createSession(q: Queryable, userId: string, ttlSeconds: number) {
  const token = newToken();
  const r = await q.query<{ expires_at: Date }>(
    `INSERT INTO sessions (token_hash, user_id, expires_at)
     VALUES (decode($1, 'hex'), $2, now() + make_interval(secs => $3)) RETURNING expires_at`,
    [tokenHash(token), userId, ttlSeconds],
  );
  return { token, expiresAt: new Date(r.rows[0]!.expires_at).toISOString() };
}

export interface SessionState {
  user_id: string;
  email: string;
  name: string;
  expired: boolean;
  revoked: boolean;
  suspended: boolean;
}

// Expiry is compared here, on this process's clock, rather than with now() in SQL. Nothing
// keeps the answer: every request reads the session row afresh.
export async function lookupSession(q: Queryable, hash: string): Promise<SessionState | null> {
  const r = await q.query<Omit<SessionState, 'expired'> & { expires_at: Date }>(
    `SELECT s.user_id, u.email, u.name, s.expires_at, s.revoked_at IS NOT NULL AS revoked,
            u.suspended_at IS NOT NULL AS suspended
       FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = decode($1, 'hex')`,
    [hash],
  );
  const row = r.rows[0];
  if (!row) return null;
  return {
    user_id: row.user_id,
    email: row.email,
    name: row.name,
    expired: new Date(row.expires_at).getTime() <= Date.now(),
    revoked: row.revoked,
    suspended: row.suspended,
  };
}

export async function revokeSession(q: Queryable, hash: string): Promise<void> {
  await q.query(
    `UPDATE sessions SET revoked_at = now() WHERE token_hash = decode($1, 'hex') AND revoked_at IS NULL`,
    [hash],
  );
}

export async function createLoginAttempt(
  q: Queryable,
  a: { id: string; userId: string | null; email: string; state: string },
): Promise<void> {
  await q.query('DELETE FROM login_attempts WHERE expires_at < now()');
  await q.query(
    `INSERT INTO login_attempts (id, user_id, email, server_login_state, expires_at)
     VALUES ($1, $2, $3, $4, now() + interval '60 seconds')`,
    [a.id, a.userId, a.email, a.state],
  );
}

/** Removes and returns the attempt: single use, whether the finish succeeds or not. */
export async function takeLoginAttempt(q: Queryable, id: string) {
  const r = await q.query<{
    user_id: string | null;
    email: string;
    server_login_state: string;
    expired: boolean;
  }>(
    `DELETE FROM login_attempts WHERE id = $1
     RETURNING user_id, email, server_login_state, expires_at < now() AS expired`,
    [id],
  );
  return r.rows[0] ?? null;
}

export async function loginAttemptEmail(q: Queryable, id: string): Promise<string | null> {
  const r = await q.query<{ email: string }>('SELECT email FROM login_attempts WHERE id = $1', [id]);
  return r.rows[0]?.email ?? null;
}
