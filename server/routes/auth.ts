// Process: server (team server; plain Node).
// Signup and login with OPAQUE: the password never reaches the server, and the record it
// stores cannot be tested offline without the server's OPRF key. An unknown email gets a
// login answer built from the library's dummy record, shaped exactly like a real one, and
// fails at finish with the same 401 as a wrong password.
//
// Signup does not tell whether an email has an account either. signup/start never looks the
// email up (its answer depends only on the server setup, the email and the request), and
// signup/finish for a taken email answers exactly as for a free one, 200 with a fresh random
// userId, from the same single INSERT ... ON CONFLICT DO NOTHING, so the status, the shape
// and the work done are the same. The existing account is left untouched: nothing of the
// second signup (record, name, keyset) is stored, and that userId names no account. The one
// place the difference shows is the login that follows: on an account it does not own, the
// new password gets the usual 401 wrong_password, same as any wrong password. Without an
// out-of-band channel (a mail to the address) that cannot be hidden: whoever signs up and then
// logs in learns whether the account became theirs. But it costs the prober a full signup and
// a login, both limited per address and email, and no single answer gives it away. A person
// who signs up again with their own password just logs in to their existing account.
import { randomUUID } from 'node:crypto';
import * as opaque from '@serenity-kit/opaque';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  loginFinishBody,
  loginStartBody,
  paths,
  signupFinishBody,
  signupStartBody,
} from '../../shared/api.ts';
import { TesseraError } from '../../shared/errors.ts';
import { callerOf } from '../auth.ts';
import type { Database } from '../db.ts';
import {
  createLoginAttempt,
  createSession,
  loginAttemptEmail,
  revokeSession,
  takeLoginAttempt,
} from '../data/sessions.ts';
import { findUserByEmail, findUserById, insertUser } from '../data/users.ts';
import { listMyTeams } from '../data/teams.ts';
import { recordForUser } from '../data/audit.ts';
import { parse } from '../validate.ts';

export interface AuthOptions {
  serverSetup: string;
  sessionTtlSeconds: number;
  loginRateLimit: number;
}

const WRONG = () => new TesseraError('wrong_password', 'wrong email or password');

function opaqueInput<T>(field: string, fn: () => T): T {
  try {
    return fn();
  } catch {
    throw new TesseraError('bad_request', `${field}: not a valid OPAQUE message`);
  }
}

export function authRoutes(app: FastifyInstance, db: Database, o: AuthOptions): void {
  const ip = (req: FastifyRequest) => req.ip;
  const bodyEmail = (req: FastifyRequest) => {
    const e = (req.body as { email?: unknown } | null)?.email;
    return typeof e === 'string' ? e.trim().toLowerCase().slice(0, 254) : '';
  };
  const limit = (keyGenerator: (req: FastifyRequest) => string | Promise<string>) => ({
    public: true,
    rateLimit: { max: o.loginRateLimit, timeWindow: 60_000, keyGenerator },
  });
  const byEmail = limit((req) => `${ip(req)}|${bodyEmail(req)}`);

  app.post(paths.signupStart, { config: byEmail }, async (req) => {
    const body = parse(signupStartBody, req.body);
    const { registrationResponse } = opaqueInput('registrationRequest', () =>
      opaque.server.createRegistrationResponse({
        serverSetup: o.serverSetup,
        userIdentifier: body.email,
        registrationRequest: body.registrationRequest,
      }),
    );
    return { registrationResponse };
  });

  app.post(paths.signupFinish, { config: byEmail }, async (req) => {
    const body = parse(signupFinishBody, req.body);
    // A record that the login code cannot use is refused now rather than at first login.
    const probe = opaque.client.startLogin({ password: 'probe' });
    opaqueInput('registrationRecord', () =>
      opaque.server.startLogin({
        serverSetup: o.serverSetup,
        registrationRecord: body.registrationRecord,
        startLoginRequest: probe.startLoginRequest,
        userIdentifier: body.email,
      }),
    );
    // Taken or free, the answer is the same (see the top of this file): when the email is
    // taken, nothing is stored and the id names no account.
    const id = randomUUID();
    await insertUser(db, { id, ...body });
    return { userId: id };
  });

  app.post(paths.loginStart, { config: byEmail }, async (req) => {
    const body = parse(loginStartBody, req.body);
    const user = await findUserByEmail(db, body.email);
    const { serverLoginState, loginResponse } = opaqueInput('startLoginRequest', () =>
      opaque.server.startLogin({
        serverSetup: o.serverSetup,
        registrationRecord: user?.registration_record ?? null,
        startLoginRequest: body.startLoginRequest,
        userIdentifier: body.email,
      }),
    );
    const loginId = randomUUID();
    await createLoginAttempt(db, {
      id: loginId,
      userId: user?.id ?? null,
      email: body.email,
      state: serverLoginState,
    });
    return { loginId, loginResponse };
  });

  const byAttempt = limit(async (req) => {
    const id = (req.body as { loginId?: unknown } | null)?.loginId;
    const ok = typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id);
    return `${ip(req)}|${ok ? ((await loginAttemptEmail(db, id)) ?? '') : ''}`;
  });

  app.post(paths.loginFinish, { config: byAttempt }, async (req) => {
    const body = parse(loginFinishBody, req.body);
    const attempt = await takeLoginAttempt(db, body.loginId);
    if (!attempt || attempt.expired) throw WRONG();
    try {
      opaque.server.finishLogin({
        serverLoginState: attempt.server_login_state,
        finishLoginRequest: body.finishLoginRequest,
      });
    } catch {
      // docs/design.md "Audit": a wrong password for a real account goes into that user's
      // teams. Not awaited, so the answer takes as long as for an unknown email, and the
      // refusal stands whether or not the entry could be written.
      const userId = attempt.user_id;
      if (userId) void db.transaction((tx) => recordForUser(tx, userId, 'auth.login_failed')).catch(() => {});
      throw WRONG();
    }
    // A dummy record never authenticates, so reaching here means a real account.
    const user = attempt.user_id ? await findUserById(db, attempt.user_id) : null;
    if (!user) throw WRONG();
    if (user.suspended_at) throw new TesseraError('forbidden', 'this account is suspended');
    // The session and the login's audit entries commit together (docs/design.md "Audit").
    const session = await db.transaction(async (tx) => {
      const s = await createSession(tx, user.id, o.sessionTtlSeconds);
      await recordForUser(tx, user.id, 'auth.login');
      return s;
    });
    return {
      token: session.token,
      expiresAt: session.expiresAt,
      user: { id: user.id, email: user.email, name: user.name },
      keyset: user.keyset,
    };
  });

  app.post(paths.logout, async (req) => {
    await revokeSession(db, callerOf(req).tokenHash);
    return { ok: true };
  });

  app.get(paths.me, async (req) => {
    const caller = callerOf(req);
    const user = await findUserById(db, caller.userId);
    if (!user) throw new TesseraError('unauthenticated', 'not logged in');
    const { teams, invitations } = await listMyTeams(db, caller.userId, caller.email);
    return {
      user: { id: user.id, email: user.email, name: user.name },
      keyset: user.keyset,
      teams,
      invitations,
    };
  });
}
