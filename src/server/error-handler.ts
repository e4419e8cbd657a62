/**
 * The last middleware: every error becomes an RFC 9457 problem document with a stable code.
 * Body-parser failures are mapped to their catalogue codes; anything unexpected is logged
 * (by code and request id, never the body) and answered as `INTERNAL` without internals.
 *
 * @example app.use(errorHandler(logger));
 */
import type { ErrorRequestHandler, Express, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { AirlockError, toProblem } from '../errors.js';

interface BodyParserError {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
}

function asAirlockError(err: unknown): AirlockError | null {
  if (err instanceof AirlockError) return err;
  // The router's decodeURIComponent of a path parameter (`/v1/decisions/%E0%A4%A`).
  if (err instanceof URIError) return new AirlockError('INVALID_PATH', 'a path segment has a malformed percent-escape (% must be followed by two hex digits of valid UTF-8)');
  const e = err as BodyParserError | null | undefined;
  switch (e?.type) {
    case 'entity.parse.failed':
      return new AirlockError('INVALID_JSON', 'the body is not valid JSON (NaN and Infinity are not JSON either)');
    case 'entity.too.large':
      return new AirlockError('BODY_TOO_LARGE');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AirlockError('UNSUPPORTED_MEDIA_TYPE', 'only UTF-8 bodies are accepted');
    case 'request.aborted':
    case 'stream.not.readable':
      return new AirlockError('INVALID_REQUEST', 'the request body was not received completely');
    case 'request.size.invalid':
      return new AirlockError('INVALID_REQUEST', 'the body is not as long as its Content-Length says');
    default: {
      // Any other client error raised by express or a parser (http-errors with a 4xx status):
      // the client's fault, so a 4xx, but with a fixed message rather than the library's.
      const status = e?.status ?? e?.statusCode;
      if (typeof status === 'number' && status >= 400 && status < 500) return new AirlockError(status === 413 ? 'BODY_TOO_LARGE' : 'INVALID_REQUEST', status === 413 ? undefined : 'the request could not be read');
      return null;
    }
  }
}

/** Sends a problem document. */
export function sendProblem(res: Parameters<RequestHandler>[1], err: unknown, instance?: string): void {
  const problem = toProblem(err, instance);
  if (problem.code === 'RATE_LIMITED' && err instanceof AirlockError && err.details[0]?.message) res.setHeader('Retry-After', err.details[0].message);
  // The store is away (a failover, a restart): nothing was recorded, and retrying soon is right.
  if (problem.code === 'STORE_UNAVAILABLE') res.setHeader('Retry-After', '1');
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known = asAirlockError(err);
    if (!known) {
      // Anything can be thrown, null included: read it as a possibly missing, partial Error.
      const e = err as Partial<Error> | null | undefined;
      logger.error({ err: { name: e?.name, message: e?.message, stack: e?.stack }, path: req.path }, 'unhandled error');
    } else if (known.status >= 500) logger.error({ code: known.code, path: req.path }, known.message);
    if (res.headersSent) return;
    sendProblem(res, known ?? err, req.originalUrl);
  };
}

/** 404 for unknown routes, as a problem document. */
export const notFound: RequestHandler = (req, _res, next) => {
  next(new AirlockError('ROUTE_NOT_FOUND', `no route ${req.method} ${req.path}`));
};

interface RouteLayer {
  match(path: string): boolean;
  route?: { _methods(): string[] };
}

/**
 * 405 `METHOD_NOT_ALLOWED` with an `Allow` header for a known path asked with a method it
 * does not serve (`DELETE /v1/decisions`), so a client learns what the path takes; unknown
 * paths fall through to `notFound`. Mount it after every route, before `notFound`.
 *
 * @example app.use(methodNotAllowed(app)); app.use(notFound);
 */
export function methodNotAllowed(app: Express): RequestHandler {
  return (req, res, next) => {
    const stack = (app.router as unknown as { stack: RouteLayer[] }).stack;
    const allowed = new Set<string>();
    for (const layer of stack) {
      if (layer.route && layer.match(req.path)) for (const m of layer.route._methods()) allowed.add(m);
    }
    if (allowed.size === 0 || allowed.has(req.method)) return next();
    const allow = [...allowed].sort().join(', ');
    res.setHeader('Allow', allow);
    next(new AirlockError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${req.path}; allowed: ${allow}`));
  };
}
