/**
 * CORS, off unless `AIRLOCK_CORS_ORIGINS` lists origins: a browser portal on another origin may
 * then call the API with a bearer token (no cookies, so no credentials mode).
 *
 * @example
 * const cors = corsPolicy(config.corsOrigins);
 * if (cors) app.use(cors);
 */
import cors from 'cors';
import type { RequestHandler } from 'express';
import { REQUEST_ID_HEADER } from './request-id.js';

/** The CORS middleware for these origins, or null when CORS is off. */
export function corsPolicy(origins: readonly string[]): RequestHandler | null {
  if (origins.length === 0) return null;
  return cors({
    origin: origins.includes('*') ? '*' : [...origins],
    methods: ['GET', 'POST'],
    allowedHeaders: ['Authorization', 'Content-Type', REQUEST_ID_HEADER, 'Idempotency-Key'],
    exposedHeaders: [REQUEST_ID_HEADER, 'Retry-After', 'RateLimit', 'RateLimit-Policy', 'Idempotent-Replayed'],
    maxAge: 600,
  });
}
