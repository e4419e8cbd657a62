/**
 * CORS, off unless `AIRLOCK_CORS_ORIGINS` lists origins: a browser portal on another origin may
 * then call the API with a bearer token (no cookies, so no credentials mode).
 *
 * @example
 * const cors = corsPolicy(config.corsOrigins);
 * if (cors) app.use(cors);
 */
import cors from 'cors';
import { REQUEST_ID_HEADER } from './request-id.js';
/** The CORS middleware for these origins, or null when CORS is off. */
export function corsPolicy(origins) {
    if (origins.length === 0)
        return null;
    return cors({
        origin: origins.includes('*') ? '*' : [...origins],
        methods: ['GET', 'POST'],
        allowedHeaders: ['Authorization', 'Content-Type', REQUEST_ID_HEADER],
        exposedHeaders: [REQUEST_ID_HEADER, 'Retry-After', 'RateLimit', 'RateLimit-Policy'],
        maxAge: 600,
    });
}
//# sourceMappingURL=cors-policy.js.map