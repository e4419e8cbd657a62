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
import type { CommentRequest, ReviewRequest, ReviewService } from '../../review/review-service.js';
import type { ReviewOutputs } from '../../review/review-outputs.js';
import { mayAccessProject } from '../../auth/authorize.js';
import { route } from '../route.js';

export interface ReviewRouteDeps {
  reviews: ReviewService;
  /** Authenticates a checker (`requireRole(tokens, 'checker')`). */
  checker: RequestHandler;
  /** Authenticates who may read review states (checkers and auditors). */
  reader: RequestHandler;
  /** Authenticates who may read a review's state: checkers, auditors, and submitters (the researcher's view: public comments once settled). */
  statusReader?: RequestHandler;
  /** The JSON body parser (with the configured limit). */
  json: RequestHandler;
  /** Outputs kept for checkers to preview, when the service keeps them. */
  outputs?: ReviewOutputs | null;
}

const validateReview = schemaValidator('ReviewRequest');
const validateComment = schemaValidator('CommentRequest');
const validateReturn = schemaValidator('ReturnRequest');
const requireJson: RequestHandler = (req, _res, next) => next(req.is('application/json') ? undefined : new AirlockError('UNSUPPORTED_MEDIA_TYPE', 'send application/json'));

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
      const project = typeof req.query.project === 'string' && req.query.project !== '' ? req.query.project : undefined;
      res.json(await deps.reviews.queue(callerOf(res), { cursor, limit: pageLimit(req.query.limit), ...(project ? { project } : {}) }));
    }),
  );
  app.get(
    '/v1/decisions/:id/reviews',
    deps.statusReader ?? deps.reader,
    route(async (req, res) => {
      res.json(await deps.reviews.status(callerOf(res), String(req.params.id)));
    }),
  );
  app.post(
    '/v1/decisions/:id/reviews',
    deps.checker,
    requireJson,
    deps.json,
    route(async (req, res) => {
      validateReview(req.body);
      res.status(201).json(await deps.reviews.review(callerOf(res), String(req.params.id), req.body as ReviewRequest));
    }),
  );
  app.post(
    '/v1/decisions/:id/comments',
    deps.checker,
    requireJson,
    deps.json,
    route(async (req, res) => {
      validateComment(req.body);
      res.status(201).json(await deps.reviews.comment(callerOf(res), String(req.params.id), req.body as CommentRequest));
    }),
  );
  app.post(
    '/v1/decisions/:id/return',
    deps.checker,
    requireJson,
    deps.json,
    route(async (req, res) => {
      validateReturn(req.body);
      res.status(201).json(await deps.reviews.giveBack(callerOf(res), String(req.params.id), req.body as { comment?: string }));
    }),
  );
  app.get(
    '/v1/decisions/:id/outputs/:name',
    deps.reader,
    route(async (req, res) => {
      const caller = callerOf(res);
      const id = String(req.params.id);
      const name = String(req.params.name);
      // NOT_FOUND for an unknown decision or one outside the caller's projects, as everywhere.
      const original = await deps.reviews.original(caller, id);
      const output = original.decision.outputs.find((o) => o.name === name);
      if (!output || !mayAccessProject(caller, original.decision.project)) throw new AirlockError('NOT_FOUND', `decision ${id} has no output "${name}"`);
      const kept = deps.outputs ? await deps.outputs.get(id, name, output.sha256) : null;
      if (!kept) throw new AirlockError('NOT_FOUND', `the output "${name}" is not kept for preview: the review is settled, the decision did not need review, it was too large or a streamed CSV upload`);
      res.setHeader('cache-control', 'no-store');
      res.json(kept);
    }),
  );
}
