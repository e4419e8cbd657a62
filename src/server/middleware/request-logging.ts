/**
 * One JSON log line per finished request (pino-http): request id, method, path, status,
 * response time, and the trace id from the logger's mixin. Headers, query strings and bodies
 * are never serialised: a body is microdata, a header may be a token, and a query may name
 * things; the path and the request id are enough to find everything else in the audit trail.
 *
 * @example app.use(requestId(), requestLogging(logger));
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';

/** Probe paths polled every few seconds by load balancers: logged only when they fail. */
const PROBES = new Set(['/healthz', '/readyz']);

const pathOf = (url: string | undefined) => (url ?? '').split('?')[0] ?? '';

interface Locals {
  locals?: { requestId?: string };
}

export function requestLogging(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    // The request-id middleware has already chosen the id (caller's or generated).
    genReqId: (_req: IncomingMessage, res: ServerResponse) => (res as ServerResponse & Locals).locals?.requestId ?? '',
    wrapSerializers: false,
    serializers: {
      req: (req: IncomingMessage & { id?: unknown }) => ({ id: req.id, method: req.method, path: pathOf(req.url) }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
      err: (err: Error & { code?: string }) => ({ type: err.name, code: err.code }),
    },
    customLogLevel: (req, res, err) => {
      if (err || res.statusCode >= 500) return 'error';
      if (res.statusCode >= 400) return 'warn';
      return PROBES.has(pathOf(req.url)) ? 'silent' : 'info';
    },
    customSuccessMessage: () => 'request completed',
    customErrorMessage: () => 'request failed',
    quietReqLogger: true,
  }) as unknown as RequestHandler;
}
