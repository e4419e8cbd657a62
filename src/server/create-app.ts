/**
 * Express wiring only: parsers with limits, routes, and the error handler. Every route hands
 * its work to the pipeline; nothing here knows what a rule says.
 *
 * @example
 * const app = createApp({ config, ruleset: () => rules, logger, finalize });
 * app.listen(8080);
 */
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { AirlockError } from '../errors.js';
import type { Limits } from '../limits.js';
import type { PipelineDeps } from '../pipeline/make-decision.js';
import { makeDecision } from '../pipeline/make-decision.js';
import type { Ruleset } from '../rules/load-ruleset.js';
import { errorHandler, notFound } from './error-handler.js';
import { installOperationalMiddleware } from './middleware/operational-middleware.js';
import { registerCsvDecisions } from './routes/csv-decisions.js';
import type { AuditStore } from '../audit/audit-store.js';
import { requireAnyRole, requireRole, type TokenSource } from '../auth/require-role.js';
import type { Jwks } from '../signing/jwks.js';
import { callerOptions } from './caller-options.js';
import { registerAuditRoutes } from './routes/audit-routes.js';
import { route } from './route.js';
import type { ReviewService } from '../review/review-service.js';
import { registerReviewRoutes } from './routes/review-routes.js';
import { registerRulesetRoutes } from './routes/ruleset-routes.js';

export interface AppDeps {
  config: Readonly<Config>;
  ruleset(): Ruleset;
  logger: Logger;
  finalize?: PipelineDeps['finalize'];
  /** The release history differencing reads (the audit store). */
  history?: PipelineDeps['history'];
  /** The keys of unit-mode differencing. */
  unitKeys?: PipelineDeps['unitKeys'];
  /** Named readiness probes (store reachable, key loaded, …); all must be true. */
  readiness?: Record<string, () => boolean | Promise<boolean>>;
  /** Extra routers mounted before the 404 handler. */
  extend?(app: express.Express): void;
  /** API tokens. Every route but health, readiness and the JWKS requires one. */
  tokens: TokenSource;
  /** The audit store and published keys, for the auditors' API. */
  audit?: { store: AuditStore; jwks(): Jwks };
  /** Human review of `review` decisions (the checkers' API). */
  reviews?: ReviewService;
}


export function limitsOf(config: Readonly<Config>): Limits {
  return { maxRows: config.maxRows, maxCells: config.maxCells, maxOutputs: config.maxOutputs };
}


/** Refuses bodies that are not JSON before anything reads them. */
function requireJson(req: Request, _res: Response, next: NextFunction): void {
  if (!req.is('application/json')) next(new AirlockError('UNSUPPORTED_MEDIA_TYPE', 'send application/json'));
  else next();
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  installOperationalMiddleware(app, deps.config, deps.logger);
  const limits = limitsOf(deps.config);
  const pipeline: PipelineDeps = { ruleset: deps.ruleset, limits, finalize: deps.finalize, history: deps.history, ...(deps.unitKeys ? { unitKeys: deps.unitKeys } : {}) };
  const json = express.json({ limit: deps.config.jsonLimit, strict: true });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get(
    '/readyz',
    route(async (_req, res) => {
      const checks: Record<string, boolean> = { rules: Boolean(deps.ruleset()) };
      for (const [name, probe] of Object.entries(deps.readiness ?? {})) {
        try {
          checks[name] = await probe();
        } catch {
          checks[name] = false;
        }
      }
      const ready = Object.values(checks).every(Boolean);
      res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks, ruleset: deps.ruleset().digest });
    }),
  );
  const submitter = requireRole(deps.tokens, 'submitter');
  const admin = requireRole(deps.tokens, 'admin');
  app.get('/v1/rulesets/active', admin, (_req, res) => {
    const r = deps.ruleset();
    res.json({ name: r.name, version: r.version, digest: r.digest, content: r.content });
  });
  app.post(
    '/v1/decisions',
    submitter,
    requireJson,
    json,
    route(async (req, res) => {
      const result = await makeDecision(req.body, pipeline, { deadline: res.locals.deadline, ...callerOptions(res) });
      res.status(201).json(result);
    }),
  );
  registerCsvDecisions(app, { pipeline, csvLimit: deps.config.csvLimit, before: [submitter] });
  if (deps.audit) registerAuditRoutes(app, { ...deps.audit, auditor: requireRole(deps.tokens, 'auditor') });
  if (deps.audit) registerRulesetRoutes(app, { store: deps.audit.store, ruleset: deps.ruleset, reader: requireAnyRole(deps.tokens, ['admin', 'auditor']) });
  if (deps.reviews) {
    registerReviewRoutes(app, { reviews: deps.reviews, checker: requireRole(deps.tokens, 'checker'), reader: requireAnyRole(deps.tokens, ['checker', 'auditor']), json });
  }
  deps.extend?.(app);
  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}
