/**
 * Per-caller rate limiting (express-rate-limit): one caller cannot starve the others. Over
 * the limit a request gets `429 RATE_LIMITED` as problem+json with `Retry-After` (seconds) and
 * the standard `RateLimit`/`RateLimit-Policy` headers.
 *
 * The caller is the authenticated token's name: `res.locals.caller.name` when auth has run,
 * or, before it, the name of the configured token the bearer token matches. Every request
 * that does not authenticate — no token, a malformed header, or a token airlock does not
 * know — counts against its client address (`trust proxy` decides which address that is;
 * IPv6 by /56), so random bearer tokens share one limit instead of each opening a new one.
 *
 * Memory is bounded: at most `maxKeys` counters (`BoundedRateStore`); beyond that, newcomers
 * share one overflow counter.
 *
 * Counters live in this process: with N replicas behind a round-robin balancer a caller may
 * make up to N × limit requests per window in total.
 *
 * @example
 * const limit = rateLimitPerCaller({ limit: 600, windowMs: 60_000, logger });
 * if (limit) app.use(limit);
 */
import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { Logger } from 'pino';
import { AirlockError } from '../../errors.js';
import { sendProblem } from '../error-handler.js';
import { BoundedRateStore } from './bounded-rate-store.js';

export interface RateLimitOptions {
  /** Requests per caller per window; 0 turns limiting off. */
  limit: number;
  windowMs: number;
  logger: Logger;
  /** Paths never limited (load-balancer probes). */
  exempt?: readonly string[];
  /** The configured token's name for an `Authorization` header value, or null when it does not authenticate. */
  identify?: (authorization: string | undefined) => string | null;
  /** Most counters kept (default `DEFAULT_MAX_RATE_KEYS`). */
  maxKeys?: number;
}

/**
 * Who a request counts against: `caller:NAME` for an authenticated caller, otherwise
 * `ip:ADDRESS`. Exported for tests.
 *
 * @example callerKey(req, res, identify) // 'ip:203.0.113.7' for a random bearer token
 */
export function callerKey(req: Request, res: Response, identify?: RateLimitOptions['identify']): string {
  const name = (res.locals.caller as { name?: string } | undefined)?.name ?? identify?.(req.get('authorization'));
  if (name) return `caller:${name}`;
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
    keyGenerator: (req, res) => callerKey(req, res, opts.identify),
    store: new BoundedRateStore(opts.maxKeys === undefined ? {} : { maxKeys: opts.maxKeys }),
    skip: (req) => exempt.has(req.path),
    handler: (req, res) => {
      sendProblem(res, new AirlockError('RATE_LIMITED', `more than ${opts.limit} requests in ${Math.ceil(opts.windowMs / 1000)} s; retry after Retry-After seconds`), req.originalUrl);
    },
    logger: { error: (e, msg) => opts.logger.error({ err: e }, msg ?? 'rate limiter'), warn: (e, msg) => opts.logger.warn({ err: e }, msg ?? 'rate limiter') },
  });
}
