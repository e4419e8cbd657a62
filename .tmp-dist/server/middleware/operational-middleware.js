import { corsPolicy } from './cors-policy.js';
import { rateLimitPerCaller } from './rate-limit.js';
import { requestId } from './request-id.js';
import { requestLogging } from './request-logging.js';
import { requestMetrics } from './request-metrics.js';
import { requestTimeout } from './request-timeout.js';
import { securityHeaders } from './security-headers.js';
export function installOperationalMiddleware(app, config, logger) {
    app.set('trust proxy', config.trustProxy);
    app.use(requestId(), requestLogging(logger), requestMetrics(), securityHeaders());
    const cors = corsPolicy(config.corsOrigins);
    if (cors)
        app.use(cors);
    app.use(requestTimeout(config.requestTimeoutMs));
    const limit = rateLimitPerCaller({ limit: config.rateLimit, windowMs: config.rateWindowMs, logger });
    if (limit)
        app.use(limit);
}
//# sourceMappingURL=operational-middleware.js.map