/**
 * The output checkers' API: the queue of decisions that need a human (`GET /v1/reviews`), a
 * decision's review state (`GET /v1/decisions/{id}/reviews`), and a checker's signed verdict
 * (`POST /v1/decisions/{id}/reviews` with `{ verdict, justification }`). The work is in
 * `review-service.ts`; this file is HTTP only.
 *
 * @example registerReviewRoutes(app, { reviews, checker: requireRole(tokens, 'checker'), reader, json });
 */
import type { Express, RequestHandler } from 'express';
import { MAX_PAGE_LIMIT } from '../../audit/audit-store.js';
import { callerOf } from '../../auth/require-role.js';
import { AirlockError } from '../../errors.js';
import { schemaValidator } from '../../api/openapi.js';
import type { ReviewRequest, ReviewService } from '../../review/review-service.js';
import { route } from '../route.js';

export interface ReviewRouteDeps {
  reviews: ReviewService;
  /** Authenticates a checker (`requireRole(tokens, 'checker')`). */
  checker: RequestHandler;
  /** Authenticates who may read review states (checkers and auditors). */
  reader: RequestHandler;
  /** The JSON body parser (with the configured limit). */
  json: RequestHandler;
}

const validateReview = schemaValidator('ReviewRequest');

function pageLimit(q: unknown): number {
  if (q === undefined) return 50;
  const n = Number(q);
  if (typeof q !== 'string' || !Number.isInteger(n) || n < 1 || n > MAX_PAGE_LIMIT) {
    throw new AirlockError('INVALID_REQUEST', `limit must be an integer from 1 to ${MAX_PAGE_LIMIT}`, [{ pointer: 'limit', message: 'out of range' }]);
  }
  return n;
}

export function registerReviewRoutes(app: Express, deps: ReviewRouteDeps): void {
  app.get(
    '/v1/reviews',
    deps.checker,
    route(async (req, res) => {
      const cursor = typeof req.query.cursor === 'string' ? req.query.cursor : null;
      res.json(await deps.reviews.queue(callerOf(res), { cursor, limit: pageLimit(req.query.limit) }));
    }),
  );
  app.get(
    '/v1/decisions/:id/reviews',
    deps.reader,
    route(async (req, res) => {
      res.json(await deps.reviews.status(callerOf(res), String(req.params.id)));
    }),
  );
  app.post(
    '/v1/decisions/:id/reviews',
    deps.checker,
    (req, _res, next) => next(req.is('application/json') ? undefined : new AirlockError('UNSUPPORTED_MEDIA_TYPE', 'send application/json')),
    deps.json,
    route(async (req, res) => {
      validateReview(req.body);
      res.status(201).json(await deps.reviews.review(callerOf(res), String(req.params.id), req.body as ReviewRequest));
    }),
  );
}
