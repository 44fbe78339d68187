import type { FastifyError, FastifyInstance } from 'fastify';

const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

/** The one error class: a status, a stable code and a message the caller can act on. */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const unauthorized = () => new AppError(401, 'unauthorized', 'missing or unknown bearer token');
export const overloaded = (retryAfterSeconds: number, why: string) =>
  new AppError(503, 'overloaded', why, undefined, { 'retry-after': String(retryAfterSeconds) });

/** One error shape for every route: {error: {code, message, details?}}; 4xx warn, 5xx error, 5xx details hidden. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500 && !(err instanceof AppError && status === 503)) req.log.error({ err }, 'request failed');
    else req.log.warn({ code: err.code, message: err.message }, 'request refused');
    if (err instanceof AppError) void reply.headers(err.headers);
    if (status === 413) {
      // Read and discard the rest of the body: closing with unread data makes the kernel reset the
      // connection, which can wipe the 413 from the client's buffer before it reads it. Beyond a cap,
      // close anyway rather than read a giant body.
      // (Fastify marks body-parser errors `connection: close`; we drain instead.)
      if (Number(req.headers['content-length'] ?? 0) <= MAX_DRAIN_BYTES) {
        req.raw.resume();
        reply.removeHeader('connection');
      } else void reply.header('connection', 'close');
    }
    const body =
      status >= 500 && !(err instanceof AppError)
        ? { code: 'internal', message: 'internal error' }
        : {
            code: err instanceof AppError ? err.code : codeFor(status, err),
            message: err.message,
            ...(err instanceof AppError && err.details !== undefined ? { details: err.details } : {}),
          };
    void reply.status(status).send({ error: body });
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send({ error: { code: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` } });
  });
}

function codeFor(status: number, err: FastifyError): string {
  if (status === 413) return 'payload_too_large';
  if (status === 415) return 'unsupported_media_type';
  if (status === 400) return err.validation ? 'invalid_request' : 'unreadable_body';
  return 'error';
}
