// Process: server (team server; plain Node).
// The single error handler: every failure leaves as `{error: {code, message}}` (plus
// `current` for conflicts) with the status shared/errors.ts assigns. Client mistakes are 4xx
// with a message that says what to fix; only genuine bugs are 500, logged with their stack
// but never with the request body or headers.
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { type ErrorBody, type ErrorCode, ERRORS, TesseraError } from '../shared/errors.ts';

function send(
  reply: FastifyReply,
  status: number,
  code: ErrorCode,
  message: string,
  current?: unknown,
  refusal?: ErrorBody['refusal'],
) {
  const body: ErrorBody = { error: { code, message } };
  if (current !== undefined) body.current = current;
  if (refusal !== undefined) body.refusal = refusal;
  return reply.status(status).type('application/json; charset=utf-8').send(body);
}

/** Fastify's own client errors: bad JSON, wrong content type, body too large, and so on. */
function frameworkMessage(err: FastifyError): string {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'request body is too large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported content type; send application/json';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'body: empty JSON body';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'body: malformed JSON';
    default:
      if (err instanceof SyntaxError) return 'body: malformed JSON';
      return err.message.slice(0, 200);
  }
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | TesseraError | Error, request, reply) => {
    if (err instanceof TesseraError) {
      if (err.code === 'internal') request.log.error({ err }, 'internal error');
      return send(
        reply,
        err.status,
        err.code,
        err.message,
        err.code === 'conflict' ? err.details : undefined,
        err.code === 'forbidden' ? (err.details as ErrorBody['refusal']) : undefined,
      );
    }
    const status = (err as FastifyError).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const code: ErrorCode = status === 429 ? 'rate_limited' : status === 404 ? 'not_found' : 'bad_request';
      return send(reply, status, code, frameworkMessage(err as FastifyError));
    }
    // A value PostgreSQL refused (class 22: data exception) is the client's mistake.
    const pgCode = (err as { code?: unknown }).code;
    if (typeof pgCode === 'string' && /^22[0-9A-Z]{3}$/.test(pgCode)) {
      return send(reply, 400, 'bad_request', 'body: a value is out of range or not storable');
    }
    request.log.error({ err }, 'internal error');
    return send(reply, ERRORS.internal.status, 'internal', 'internal server error');
  });

  app.setNotFoundHandler((request, reply) =>
    send(
      reply,
      404,
      'not_found',
      `no route ${request.method} ${(request.url.split('?')[0] ?? '').slice(0, 200)}`,
    ),
  );
}
