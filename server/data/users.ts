// Process: server (team server; plain Node).
// Accounts: the OPAQUE registration record (useless for offline guessing without the server's
// OPRF key) and the client-encrypted keyset. Emails are stored lower-case so lookups and the
// unique index agree.
import type { EncryptedKeyset, PublicKeyset } from '../../shared/formats.ts';
import type { Queryable } from '../db.ts';

export interface UserRow {
  id: string;
  email: string;
  name: string;
  registration_record: string;
  keyset: EncryptedKeyset;
  suspended_at: Date | null;
}

export async function findUserByEmail(q: Queryable, email: string): Promise<UserRow | null> {
  const r = await q.query<UserRow>('SELECT * FROM users WHERE email = $1', [email.toLowerCase()]);
  return r.rows[0] ?? null;
}

export async function findUserById(q: Queryable, id: string): Promise<UserRow | null> {
  const r = await q.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
  return r.rows[0] ?? null;
}

/**
 * Inserts the account; returns false when the email is taken, and then changes nothing.
 * Signup answers the same either way (routes/auth.ts), so the two paths should also cost the
 * same: a taken email goes through DO UPDATE ... WHERE false, which updates nothing but locks
 * the existing row, so that statement too writes WAL and commits with a flush, as an insert
 * does, rather than returning measurably sooner as DO NOTHING would.
 */
export async function insertUser(
  q: Queryable,
  u: { id: string; email: string; name: string; registrationRecord: string; keyset: EncryptedKeyset },
): Promise<boolean> {
  const r = await q.query(
    `INSERT INTO users AS x (id, email, name, registration_record, keyset) VALUES ($1, $2, $3, $4, $5::jsonb)
     ON CONFLICT (email) DO UPDATE SET email = x.email WHERE false RETURNING id`,
    [u.id, u.email.toLowerCase(), u.name, u.registrationRecord, JSON.stringify(u.keyset)],
  );
  return r.rows.length === 1;
}

export function publicKeys(u: UserRow): PublicKeyset {
  return { boxPublicKey: u.keyset.public.boxPublicKey, signPublicKey: u.keyset.public.signPublicKey };
}

/** The OPAQUE server setup: created once on first start, then read forever after. */
export async function serverSetup(q: Queryable, create: () => string): Promise<string> {
  await q.query(
    `INSERT INTO server_settings (key, value) VALUES ('opaque_server_setup', $1) ON CONFLICT (key) DO NOTHING`,
    [create()],
  );
  const r = await q.query<{ value: string }>(
    `SELECT value FROM server_settings WHERE key = 'opaque_server_setup'`,
  );
  const value = r.rows[0]?.value;
  if (!value) throw new Error('server setup missing');
  return value;
}
