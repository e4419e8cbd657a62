/**
 * The middleware every request passes before any route, in order: request id, request log,
 * latency metric, security headers, CORS (when configured), time budget, rate limit. The
 * order matters: the id comes first so every later log line carries it, the log and metric
 * wrap everything so even a 429 or a timeout is logged and measured.
 *
 * @example
 * const app = express();
 * installOperationalMiddleware(app, config, logger);
 * app.post('/v1/decisions', …);
 */
import type express from 'express';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import { corsPolicy } from './cors-policy.js';
import { rateLimitPerCaller, type RateLimitOptions } from './rate-limit.js';
import { requestId } from './request-id.js';
import { requestLogging } from './request-logging.js';
import { requestMetrics } from './request-metrics.js';
import { requestTimeout } from './request-timeout.js';
import { securityHeaders } from './security-headers.js';

export type OperationalConfig = Pick<Config, 'corsOrigins' | 'rateLimit' | 'rateWindowMs' | 'requestTimeoutMs' | 'trustProxy'>;

/**
 * Installs the middleware; `identify` (a bearer token → its caller's name, or null) lets the
 * rate limit tell callers from unauthenticated requests, which count against their address.
 */
export function installOperationalMiddleware(app: express.Express, config: Readonly<OperationalConfig>, logger: Logger, identify?: RateLimitOptions['identify']): void {
  app.set('trust proxy', config.trustProxy);
  app.use(requestId(), requestLogging(logger), requestMetrics(), securityHeaders());
  const cors = corsPolicy(config.corsOrigins);
  if (cors) app.use(cors);
  app.use(requestTimeout(config.requestTimeoutMs));
  const limit = rateLimitPerCaller({ limit: config.rateLimit, windowMs: config.rateWindowMs, logger, ...(identify ? { identify } : {}) });
  if (limit) app.use(limit);
}
