/**
 * Per-caller rate limiting (express-rate-limit): one caller cannot starve the others. Over
 * the limit a request gets `429 RATE_LIMITED` as problem+json with `Retry-After` (seconds) and
 * the standard `RateLimit`/`RateLimit-Policy` headers.
 *
 * The caller is the authenticated token's name (`res.locals.caller.name`) when auth has run;
 * before it, the SHA-256 of the presented bearer token, so the limit is per token wherever this
 * middleware sits; only requests without a token fall back to the client address.
 *
 * Counters live in this process: with N replicas behind a round-robin balancer a caller may
 * make up to N × limit requests per window in total.
 *
 * @example
 * const limit = rateLimitPerCaller({ limit: 600, windowMs: 60_000, logger });
 * if (limit) app.use(limit);
 */
import { bearerToken } from '../../auth/authenticate.js';
import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { Logger } from 'pino';
import { AirlockError } from '../../errors.js';
import { sendProblem } from '../error-handler.js';

export interface RateLimitOptions {
  /** Requests per caller per window; 0 turns limiting off. */
  limit: number;
  windowMs: number;
  logger: Logger;
  /** Paths never limited (load-balancer probes). */
  exempt?: readonly string[];
}

/** Who a request counts against. Exported for tests. */
export function callerKey(req: Request, res: Response): string {
  const name = (res.locals.caller as { name?: string } | undefined)?.name;
  if (name) return `caller:${name}`;
  const token = bearerToken(req.get('authorization'));
  if (token) return `token:${createHash('sha256').update(token).digest('hex')}`;
  return `ip:${ipKeyGenerator(req.ip ?? '')}`;
}

/** The limiter, or null when `limit` is 0. */
export function rateLimitPerCaller(opts: RateLimitOptions): RequestHandler | null {
  if (opts.limit <= 0) return null;
  const exempt = new Set(opts.exempt ?? ['/healthz', '/readyz']);
  return rateLimit({
    windowMs: opts.windowMs,
    limit: opts.limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: callerKey,
    skip: (req) => exempt.has(req.path),
    handler: (req, res) => {
      sendProblem(res, new AirlockError('RATE_LIMITED', `more than ${opts.limit} requests in ${Math.ceil(opts.windowMs / 1000)} s; retry after Retry-After seconds`), req.originalUrl);
    },
    logger: { error: (e, msg) => opts.logger.error({ err: e }, msg ?? 'rate limiter'), warn: (e, msg) => opts.logger.warn({ err: e }, msg ?? 'rate limiter') },
  });
}
