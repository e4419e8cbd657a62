/**
 * Express wiring only: parsers with limits, routes, and the error handler. Every route hands
 * its work to the pipeline; nothing here knows what a rule says.
 *
 * @example
 * const app = createApp({ config, ruleset: () => rules, logger, finalize });
 * app.listen(8080);
 */
import express from 'express';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Limits } from '../limits.js';
import { DEFAULT_LIMITS } from '../limits.js';
import type { PipelineDeps } from '../pipeline/make-decision.js';
import { makeDecision } from '../pipeline/make-decision.js';
import type { Ruleset } from '../rules/load-ruleset.js';
import { errorHandler, methodNotAllowed, notFound } from './error-handler.js';
import { jsonBody } from './middleware/json-body.js';
import { installOperationalMiddleware } from './middleware/operational-middleware.js';
import { registerCsvDecisions } from './routes/csv-decisions.js';
import type { AuditStore } from '../audit/audit-store.js';
import { identifyCaller, requireAnyRole, requireRole, type TokenSource } from '../auth/require-role.js';
import type { Jwks } from '../signing/jwks.js';
import { callerOptions } from './caller-options.js';
import { answerIdempotently } from './idempotency.js';
import { registerPackageRoutes } from './routes/package-routes.js';
import { registerWebhookRoutes } from './routes/webhook-routes.js';
import { registerAcroImport } from './routes/acro-import-routes.js';
import type { SigningKey } from '../signing/signing-keys.js';
import { registerAuditRoutes } from './routes/audit-routes.js';
import { registerLogRoutes } from './routes/log-routes.js';
import type { LogKey } from '../audit/log-key.js';
import { csvHint, requireJson, route } from './route.js';
import type { ReviewService } from '../review/review-service.js';
import { registerReviewRoutes } from './routes/review-routes.js';
import { registerRulesetRoutes } from './routes/ruleset-routes.js';
import type { RecordActor } from '../domain.js';
import type { ReloadEvent } from '../rules/live-rules.js';
import { registerSessionRoutes } from './routes/session-routes.js';
import { registerConsoleRoutes } from './routes/console-routes.js';
import { registerContractRoutes } from './routes/contract-routes.js';
import { buildInfo } from '../build-info.js';
import { createAuthenticator } from '../identity/authenticator.js';
import type { OidcSignIn } from '../identity/oidc-sign-in.js';
import type { SessionStore } from '../identity/session-store.js';
import type { ReviewOutputs } from '../review/review-outputs.js';

export interface AppDeps {
  config: Readonly<Config>;
  ruleset(): Ruleset;
  /** Reloads the rules for an admin (`POST /v1/rulesets/reload`); the load is recorded naming them. */
  reloadRules?(by: RecordActor): Promise<ReloadEvent>;
  logger: Logger;
  finalize?: PipelineDeps['finalize'];
  /** The release history differencing reads (the audit store). */
  history?: PipelineDeps['history'];
  /** The keys of unit-mode differencing. */
  unitKeys?: PipelineDeps['unitKeys'];
  /** Seals protected versions' resubmit forms and verifies the tokens they carry back. */
  protection?: PipelineDeps['protection'];
  /** Where failing tables are protected (the worker pool); default on the event loop. */
  protector?: PipelineDeps['protector'];
  /** Named readiness probes (store reachable, key loaded, …); all must be true. */
  readiness?: Record<string, () => boolean | Promise<boolean>>;
  /** Extra routers mounted before the 404 handler. */
  extend?(app: express.Express): void;
  /** API tokens. Every route but health, readiness and the JWKS requires one. */
  tokens: TokenSource;
  /** The audit store and published keys, for the auditors' API; the transparency log's key, when it has one; the key that signs release package manifests (absent = no package route). */
  audit?: { store: AuditStore; jwks(): Jwks; logKey?: LogKey; key?: Pick<SigningKey, 'kid' | 'privateKey'> };
  /** Human review of `review` decisions (the checkers' API). */
  reviews?: ReviewService;
  /** Outputs of decisions needing review, kept for checkers to preview. */
  reviewOutputs?: ReviewOutputs | null;
  /** People: console sessions and the IdP (sign-in, access tokens). */
  identity?: { sessions: SessionStore; oidc: OidcSignIn | null };
  /** The built console to serve at /ui (`ui/dist`); absent = no console routes. */
  consoleDir?: string;
}


export function limitsOf(config: Readonly<Config>): Limits {
  return {
    ...DEFAULT_LIMITS,
    maxRows: config.maxRows,
    maxCells: config.maxCells,
    maxOutputs: config.maxOutputs,
    maxBytes: config.jsonLimit,
    maxRequestCells: config.maxRequestCells,
    maxProtectedCells: config.maxProtectedCells,
    maxResponseBytes: config.maxResponseBytes,
    maxEvidenceBytes: config.maxEvidenceBytes,
  };
}



export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  installOperationalMiddleware(app, deps.config, deps.logger, identifyCaller(deps.tokens));
  const limits = limitsOf(deps.config);
  const pipeline: PipelineDeps = {
    ruleset: deps.ruleset,
    limits,
    ...(deps.finalize ? { finalize: deps.finalize } : {}),
    ...(deps.history ? { history: deps.history } : {}),
    ...(deps.unitKeys ? { unitKeys: deps.unitKeys } : {}),
    ...(deps.protection ? { protection: deps.protection } : {}),
    ...(deps.protector ? { protector: deps.protector } : {}),
  };
  const json = jsonBody(deps.config.jsonLimit);
  // Keys live in the audit store; without one (bare test apps) the header is ignored.
  const idempotency = deps.audit ? { store: deps.audit.store, ttlMs: deps.config.idempotencyTtlMs } : null;

  const { version, commit } = buildInfo();
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', version, commit });
  });
  registerContractRoutes(app);
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
  // One way to say who is calling for every route: static tokens, IdP access tokens, console sessions.
  const auth = createAuthenticator({ tokens: deps.tokens, sessions: deps.identity?.sessions ?? null, oidc: deps.identity?.oidc ?? null, publicUrl: deps.config.publicUrl });
  const submitter = requireRole(auth, 'submitter');
  const admin = requireRole(auth, 'admin');
  if (deps.identity) registerSessionRoutes(app, { ...deps.identity, config: deps.config, json, logger: deps.logger });
  if (deps.consoleDir) registerConsoleRoutes(app, { dir: deps.consoleDir });
  app.get('/v1/rulesets/active', admin, (_req, res) => {
    const r = deps.ruleset();
    res.json({ name: r.name, version: r.version, digest: r.digest, content: r.content });
  });
  app.post(
    '/v1/decisions',
    submitter,
    csvHint,
    requireJson,
    json,
    route(async (req, res) => {
      await answerIdempotently(req, res, idempotency, { route: 'POST /v1/decisions', body: req.body as unknown }, (claim) =>
        makeDecision(req.body, pipeline, { deadline: res.locals.deadline, ...callerOptions(res), ...(claim ? { idempotency: claim } : {}) }),
      );
    }),
  );
  registerCsvDecisions(app, { pipeline, csvLimit: deps.config.csvLimit, before: [submitter], idempotency });
  registerAcroImport(app, { pipeline, limit: deps.config.csvLimit, before: [submitter] });
  const reviews = deps.reviews;
  if (deps.audit) registerAuditRoutes(app, { ...deps.audit, auditor: requireRole(auth, 'auditor'), ...(reviews ? { hidden: (caller, records) => reviews.hiddenFrom(caller, records) } : {}) });
  if (deps.audit?.logKey) registerLogRoutes(app, { store: deps.audit.store, auditor: requireRole(auth, 'auditor'), logKey: deps.audit.logKey });
  if (deps.audit?.key) registerPackageRoutes(app, { store: deps.audit.store, key: deps.audit.key, reader: requireAnyRole(auth, ['submitter', 'auditor']) });
  if (deps.audit) {
    const store = deps.audit.store;
    registerWebhookRoutes(app, { outbox: () => store.webhooks(), admin, reader: requireAnyRole(auth, ['admin', 'auditor']), json });
  }
  if (deps.audit) registerRulesetRoutes(app, { store: deps.audit.store, ruleset: deps.ruleset, reader: requireAnyRole(auth, ['admin', 'auditor']), json, admin, ...(deps.reloadRules ? { reload: deps.reloadRules } : {}) });
  if (reviews) {
    registerReviewRoutes(app, { reviews, checker: requireRole(auth, 'checker'), reader: requireAnyRole(auth, ['checker', 'auditor']), statusReader: requireAnyRole(auth, ['checker', 'auditor', 'submitter']), json, outputs: deps.reviewOutputs ?? null });
  }
  deps.extend?.(app);
  app.use(methodNotAllowed(app));
  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}
