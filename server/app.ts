// Process: server (team server; plain Node).
// Builds the Fastify instance over an open database: schema migrations, the OPAQUE server
// setup, hardening (security headers, body limit, strict JSON, rate limits on the password
// routes), one error handler, the auth hook, and the routes: the API and the one-time link
// page. Tests call createApp directly; startServer wraps it with a listening socket.
import type { ServerResponse } from 'node:http';
import rateLimit from '@fastify/rate-limit';
import * as opaque from '@serenity-kit/opaque';
import Fastify, { type FastifyInstance } from 'fastify';
import { TesseraError } from '../shared/errors.ts';
import { installAuth } from './auth.ts';
import type { Database } from './db.ts';
import { serverSetup } from './data/users.ts';
import { installErrorHandler } from './errors.ts';
import { initChainCrypto } from './chain-crypto.ts';
import { migrate } from './migrate.ts';
import { databaseRateLimitStore } from './rate-limit-store.ts';
import { TeamNotifier } from './notify.ts';
import { authRoutes } from './routes/auth.ts';
import { itemRoutes } from './routes/items.ts';
import { linkRoutes } from './routes/links.ts';
import { offboardRoutes } from './routes/offboard.ts';
import { recipientPageRoutes } from './routes/recipient-page.ts';
import { auditRoutes } from './routes/audit.ts';
import { rotationFlagRoutes } from './routes/rotation-flags.ts';
import { breakGlassRoutes } from './routes/breakglass.ts';
import type { BreakGlassOptions } from './data/breakglass.ts';
import { BreakGlassSweeper } from './data/breakglass-sweep.ts';
import { purgeLinks } from './data/links.ts';
import { syncRoutes } from './routes/sync.ts';
import { teamRoutes } from './routes/teams.ts';
import { vaultRoutes } from './routes/vaults.ts';
import { installSecurityHeaders } from './security-headers.ts';

export interface AppOptions {
  /** Session lifetime; default 12 hours. */
  sessionTtlSeconds?: number;
  /** Signup and login attempts per minute per IP and email; default 10. */
  loginRateLimit?: number;
  /** Log requests (never bodies or Authorization headers); default off. */
  logger?: boolean;
  /** Where log lines go when logger is on; default stdout. */
  logStream?: { write(line: string): unknown };
  /** SSE heartbeat interval; default 15 s. */
  heartbeatMs?: number;
  /** Trust X-Forwarded-For (only behind a reverse proxy you control). */
  trustProxy?: boolean;
  /** One-time link peeks and opens per minute per IP; default 30. */
  linkOpenRateLimit?: number;
  /** How often expired and used-up links lose their ciphertext; default every minute. */
  linkPurgeMs?: number;
  /** The built one-time link page (default: dist/recipient in this checkout). */
  recipientDir?: string;
  /** The clock break-glass windows and signed times are judged by, and the optional webhook
   *  alerting approvers (docs/design.md "Break-glass"). */
  breakGlass?: BreakGlassOptions;
}

export const BODY_LIMIT = 32 * 1024 * 1024;

const LOGGER = {
  level: 'info',
  redact: {
    paths: ['req.headers.authorization', 'req.headers.cookie', 'req.body', 'body'],
    censor: '[redacted]',
  },
};

function installJson(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: BODY_LIMIT },
    (_req, body, done) => {
      const text = String(body);
      if (text.trim() === '') return done(null, undefined);
      // PostgreSQL cannot store NUL in text or jsonb; refuse it here as a client error.
      if (text.includes('\\u0000'))
        return done(new TesseraError('bad_request', 'body: strings may not contain NUL'));
      try {
        done(null, JSON.parse(text));
      } catch {
        done(new TesseraError('bad_request', 'body: malformed JSON'));
      }
    },
  );
}

export async function createApp(db: Database, options: AppOptions = {}): Promise<FastifyInstance> {
  await opaque.ready;
  await initChainCrypto();
  await migrate(db);
  const setup = await serverSetup(db, () => opaque.server.createSetup());

  const app = Fastify({
    logger: options.logger
      ? { ...LOGGER, ...(options.logStream ? { stream: options.logStream } : {}) }
      : false,
    bodyLimit: BODY_LIMIT,
    trustProxy: options.trustProxy ?? false,
    return503OnClosing: true,
  });
  installJson(app);
  installSecurityHeaders(app);
  await app.register(rateLimit, {
    global: false,
    store: databaseRateLimitStore(db),
    hook: 'preHandler',
    errorResponseBuilder: (_req, ctx) =>
      new TesseraError('rate_limited', `too many attempts; retry in ${ctx.after}`),
  });
  installErrorHandler(app);
  installAuth(app, db);

  const notifier = new TeamNotifier();
  await notifier.start(db);
  const streams = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    for (const res of streams) res.end();
    streams.clear();
  });
  app.addHook('onClose', async () => {
    await notifier.close();
  });

  authRoutes(app, db, {
    serverSetup: setup,
    sessionTtlSeconds: options.sessionTtlSeconds ?? 12 * 60 * 60,
    loginRateLimit: options.loginRateLimit ?? 10,
  });
  const breakGlass = options.breakGlass ?? {};
  const sweeper = new BreakGlassSweeper(db, breakGlass, (line) => app.log.warn(line));
  sweeper.start();
  app.addHook('onClose', async () => sweeper.close());
  teamRoutes(app, db, breakGlass, sweeper);
  offboardRoutes(app, db);
  breakGlassRoutes(app, db, breakGlass, sweeper);
  itemRoutes(app, db);
  vaultRoutes(app, db);
  rotationFlagRoutes(app, db);
  auditRoutes(app, db);
  linkRoutes(app, db, { openRateLimit: options.linkOpenRateLimit ?? 30 });
  recipientPageRoutes(app, { dir: options.recipientDir });
  const purge = setInterval(() => {
    purgeLinks(db).catch((err) => app.log.warn({ err }, 'link purge failed'));
  }, options.linkPurgeMs ?? 60_000);
  purge.unref();
  app.addHook('onClose', async () => clearInterval(purge));
  syncRoutes(app, db, { notifier, heartbeatMs: options.heartbeatMs ?? 15_000, streams });
  await app.ready();
  return app;
}
