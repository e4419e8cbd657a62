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
import { schemaValidator, type ApiSchemas, type SchemaAssertion, type SchemaName } from '../../api/openapi.js';
import type { ReviewService } from '../../review/review-service.js';
import type { ReviewOutputs } from '../../review/review-outputs.js';
import { mayAccessProject } from '../../auth/authorize.js';
import { requireJson, route } from '../route.js';

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

const validateReview: SchemaAssertion<'ReviewRequest'> = schemaValidator('ReviewRequest');
const validateComment: SchemaAssertion<'CommentRequest'> = schemaValidator('CommentRequest');
const validateReturn: SchemaAssertion<'ReturnRequest'> = schemaValidator('ReturnRequest');


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
  // A checker's signed act on a decision under review: a vote, a comment, a return to the researcher.
  const act = <N extends SchemaName>(path: string, validate: SchemaAssertion<N>, fn: (caller: ReturnType<typeof callerOf>, id: string, body: ApiSchemas[N]) => Promise<unknown>) =>
    app.post(
      path,
      deps.checker,
      requireJson,
      deps.json,
      route(async (req, res) => {
        const body: unknown = req.body;
        validate(body);
        res.status(201).json(await fn(callerOf(res), String(req.params.id), body));
      }),
    );
  act('/v1/decisions/:id/reviews', validateReview, (caller, id, body) => deps.reviews.review(caller, id, body));
  act('/v1/decisions/:id/comments', validateComment, (caller, id, body) => deps.reviews.comment(caller, id, body));
  act('/v1/decisions/:id/return', validateReturn, (caller, id, body) => deps.reviews.giveBack(caller, id, body));
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
