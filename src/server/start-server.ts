/**
 * Starts airlock from a configuration: loads the rules, opens what the decisions need, builds
 * the app and listens. `serve`, the tests and the conformance runner all start it this way, so
 * they exercise the same start-up path.
 *
 * @example
 * const s = await startServer(loadConfig({ PORT: '0', AIRLOCK_DATA_DIR: tmp }));
 * await fetch(`${s.url}/healthz`);
 * await s.close();
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { productionGaps, type Config } from '../config.js';
import { createLogger } from '../logger.js';
import type { Ruleset } from '../rules/load-ruleset.js';
import type { LiveRules } from '../rules/live-rules.js';
import { liveRules } from '../rules/live-rules.js';
import { loadRuleset } from '../rules/load-ruleset.js';
import { rulesetLoadRecorder } from '../governance/record-ruleset-load.js';
import type { AuditStore } from '../audit/audit-store.js';
import { openStore } from '../audit/open-store.js';
import { postgresDatasetLock } from '../audit/postgres-dataset-lock.js';
import { resolveTokens } from '../auth/tokens.js';
import { decisionRecorder } from '../pipeline/record-decision.js';
import { createReviewService } from '../review/review-service.js';
import { publicJwks } from '../signing/jwks.js';
import { protectionSeal } from '../pipeline/protection-token.js';
import type { KeyRing } from '../signing/signing-keys.js';
import { loadKeyRing } from '../signing/signing-keys.js';
import { loadLogKey, logOrigin, type LogKey } from '../audit/log-key.js';
import { witnessPublisher, type WitnessPublisher } from '../audit/witness-publisher.js';
import { instrumentStore } from '../telemetry/instrument-store.js';
import { createApp } from './create-app.js';
import type { ProtectionRunner } from '../pipeline/protection-runner.js';
import { protectionPool } from '../pipeline/protection-runner.js';
import type { DifferencingHistory } from '../history/history-index.js';
import { loadUnitKeys } from '../history/unit-keys.js';
import { createLifecycle, drainBudget } from './lifecycle.js';
import { applyServerTimeouts } from './middleware/request-timeout.js';
import { openSideStore, type SideStore } from '../audit/side-store.js';
import { SESSION_TABLES, createSessionStore } from '../identity/session-store.js';
import { REVIEW_OUTPUT_TABLES, reviewOutputs } from '../review/review-outputs.js';
import { claimMapping } from '../identity/claim-mapping.js';
import { oidcSignIn, type OidcSignIn } from '../identity/oidc-sign-in.js';
import { consoleDir } from './routes/console-routes.js';
import { readFile } from 'node:fs/promises';
import { AirlockError } from '../errors.js';
import { parse as parseYaml } from 'yaml';
import { webhookDispatcher } from '../webhooks/webhook-dispatcher.js';
import { subscriptionInput } from './routes/webhook-routes.js';

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  logger: Logger;
  ruleset(): Ruleset;
  /** The live rule set: reloads on file changes and SIGHUP (`nextReload` for tests). */
  rules: LiveRules;
  /** The audit store every decision is recorded in. */
  store: AuditStore;
  /** The signing key and the keys the JWKS publishes. */
  keys: KeyRing;
  /** The transparency log's key. */
  logKey: LogKey;
  /** Where new checkpoints go (the configured witnesses). */
  witnesses: WitnessPublisher;
  /** A plaintext dev token with the role, when the server generated dev tokens. */
  devToken?(role: string): string | undefined;
  /**
   * Drains (stops accepting, lets in-flight requests and their commits finish, cutting what is
   * left after most of `AIRLOCK_SHUTDOWN_GRACE_MS`) and closes; resolves true when nothing was cut.
   */
  close(): Promise<boolean>;
}

/** The store as a differencing history whose `exclusive` is the PostgreSQL lock shared by replicas. */
function withLock(store: AuditStore, lock: { exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> }): DifferencingHistory {
  return {
    historyEntries: (q) => store.historyEntries(q),
    settledReviews: (q) => store.settledReviews(q),
    historyUnits: (k) => store.historyUnits(k),
    unitIds: (ns, d) => store.unitIds(ns, d),
    unitCoverage: (ns) => store.unitCoverage(ns),
    saveUnitCoverage: (row) => store.saveUnitCoverage(row),
    exclusive: (key, fn) => lock.exclusive(key, fn),
  };
}

export interface StartOptions {
  logger?: Logger;
  /**
   * Record the start-up load of the rule set in the audit chain (default true; `serve` always
   * does). Only tests that count records from seq 1 turn it off; reloads are always recorded.
   */
  recordStartupLoad?: boolean;
  /** Where one-time notices (dev tokens, dev key warnings) are printed; default stderr. */
  console?: (text: string) => void;
  /**
   * Test hook: the worker pool holds each output evaluation while `workerHold[0]` is 1 (see
   * `OutputTask.hold`), so a test knows a large request is still running at its deadline.
   */
  workerHold?: Int32Array;
}

export async function startServer(config: Readonly<Config>, opts: StartOptions = {}): Promise<RunningServer> {
  const gaps = productionGaps(config);
  if (gaps.length) throw new AirlockError('CONFIG_INVALID', `NODE_ENV=production needs ${gaps.length} more setting(s): ${gaps.map((g) => g.message).join('; ')}`, gaps);
  const logger = opts.logger ?? createLogger(config.logLevel);
  // Read once before anything opens, so broken rules stop start-up first; watched once the store can record loads.
  loadRuleset(config.rulesDir, { floorsFile: config.floorsFile });
  let rules: LiveRules | null = null;
  const say = opts.console ?? ((text: string) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`));
  let store: AuditStore | null = null;
  let side: SideStore | null = null;
  let closeLock: () => Promise<void> = () => Promise.resolve();
  let witnesses: WitnessPublisher | null = null;
  let protector: ProtectionRunner | null = null;
  let stopDispatcher: () => Promise<void> = () => Promise.resolve();
  try {
    const keys = await loadKeyRing({
      signingKeyFile: config.signingKeyFile,
      verificationKeys: config.verificationKeys?.includes(',') ? config.verificationKeys.split(',').map((k) => k.trim()) : config.verificationKeys,
      dataDir: config.dataDir,
      production: config.production,
    });
    if (keys.notice) {
      logger.warn({ kid: keys.signing.kid, dev: true }, keys.notice);
      say(`\n*** ${keys.notice} ***\n`);
    }
    const unit = await loadUnitKeys({ keyFile: config.unitKeyFile, dataDir: config.dataDir, production: config.production, signingKeyFile: config.signingKeyFile });
    if (unit.notice) {
      logger.warn({ dev: true, unit_key: unit.keys.source }, unit.notice);
      say(`\n*** ${unit.notice} ***\n`);
    }
    const tokens = await resolveTokens({ tokensFile: config.tokensFile, dataDir: config.dataDir, production: config.production });
    // The plaintext dev tokens go to the console once, never into the structured log.
    if (tokens.notice) say(tokens.notice);
    const logKey = await loadLogKey({ file: config.logKeyFile, fallback: keys.signing, origin: logOrigin(config) });
    witnesses = witnessPublisher({ urls: config.witnessUrls, dirs: config.witnessDirs, logger });
    const publish = witnesses;
    store = instrumentStore(
      await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, schema: config.databaseSchema, logger, log: logKey.signer, onCheckpoint: (note) => publish.publish(note) }),
    );
    const auditStore = store;
    logger.info({ backend: store.backend, kid: keys.signing.kid, tokens: tokens.tokens.length, dev_tokens: tokens.dev }, 'audit store and keys ready');
    // Every load is a record of the chain naming who loaded it (issue 13); a reload goes into force only once recorded.
    const recordLoad = rulesetLoadRecorder({ store: auditStore, key: keys.signing, rulesDir: config.rulesDir, floorsFile: config.floorsFile, operator: config.rulesOperator });
    rules = liveRules(config.rulesDir, { logger, watch: config.rulesWatch, floorsFile: config.floorsFile, record: async (a) => ({ id: (await recordLoad(a)).decision.id }) });
    const live = rules;
    const current = live.current;
    if (opts.recordStartupLoad !== false) await recordLoad({ trigger: 'startup', next: current(), previous: null, weakens: [] });
    // Replicas sharing PostgreSQL serialise differencing per dataset across instances.
    const datasetLock = config.databaseUrl ? postgresDatasetLock({ connectionString: config.databaseUrl, schema: config.databaseSchema, logger }) : null;
    closeLock = () => datasetLock?.close() ?? Promise.resolve();
    side = await openSideStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, schema: config.databaseSchema, tables: [...SESSION_TABLES, ...REVIEW_OUTPUT_TABLES] });
    const sessions = createSessionStore(side, { ttlMs: config.sessionTtlMs, idleMs: config.sessionIdleMs });
    const kept = reviewOutputs(side, { limitBytes: config.reviewKeepLimit });
    const oidc = await identityProvider(config);
    if (oidc) logger.info({ issuer: oidc.issuer, access_tokens: oidc.acceptsAccessTokens }, 'console sign-in through the identity provider');
    else if (!config.production) logger.warn('no identity provider configured: the console offers DEV sign-in (refused with NODE_ENV=production)');
    const purge = setInterval(() => void sessions.purge().catch(() => undefined), 10 * 60_000);
    purge.unref();
    // One history for decisions and reviews: one in-memory index, one lock.
    const history: DifferencingHistory = datasetLock ? withLock(auditStore, datasetLock) : auditStore;
    const outbox = auditStore.webhooks();
    if (config.webhooksFile) for (const sub of await readWebhooksFile(config.webhooksFile)) await outbox.addSubscription({ ...sub, source: 'config', created_at: 0 });
    const dispatcher = webhookDispatcher({ outbox, key: keys.signing, logger, pollMs: config.webhookPollMs, retryBaseMs: config.webhookRetryBaseMs, maxAttempts: config.webhookMaxAttempts });
    stopDispatcher = () => dispatcher.stop();
    const lifecycle = createLifecycle();
    // Half the memory budget for the protection threads' heaps; the event loop keeps the rest.
    protector = protectionPool({ heapMb: Math.floor(config.memoryBudget / 2 / 1024 ** 2), ...(opts.workerHold ? { hold: opts.workerHold } : {}) });
    const app = createApp({
      protector,
      config,
      ruleset: current,
      reloadRules: (by) => live.reload('api', by),
      logger,
      tokens: tokens.tokens,
      finalize: decisionRecorder({ key: keys.signing, store: auditStore, logger, keepForReview: (d, outputs) => kept.keep(d, outputs) }),
      history,
      unitKeys: unit.keys,
      protection: protectionSeal(keys),
      audit: { store: auditStore, jwks: () => publicJwks(keys.verification), logKey, key: keys.signing },
      reviews: createReviewService({
        store: auditStore,
        key: keys.signing,
        required: config.checkersRequired,
        logger,
        onSettled: (id) => kept.drop(id),
        differencing: { ruleset: current, history, unitKeys: unit.keys },
      }),
      reviewOutputs: kept,
      identity: { sessions, oidc },
      consoleDir: consoleDir(),
      readiness: { accepting: lifecycle.accepting, store: () => auditStore.ping(), signing_key: () => Boolean(keys.signing) },
    });
    const sideStore = side;
    const server = await listen(app, config.port, config.host);
    lifecycle.attach(server);
    // Deliveries left by a previous run (a crash, a kill -9) go out from the first round.
    dispatcher.start();
    applyServerTimeouts(server, config.requestTimeoutMs);
    const port = (server.address() as AddressInfo).port;
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    logger.info({ port, ruleset: current().digest, rules: config.rulesDir }, 'airlock listening');
    const devTokens = new Map((tokens.devTokens ?? []).map((t) => [t.name, t.token]));
    return {
      url: `http://${host}:${port}`,
      port,
      server,
      logger,
      ruleset: current,
      rules: live,
      store: auditStore,
      keys,
      logKey,
      witnesses: publish,
      devToken: (role: string) => devTokens.get(`dev-${role}`),
      close: async () => {
        live.close();
        clearInterval(purge);
        // In-flight requests finish (and commit) before the store closes.
        const clean = await lifecycle.drain(drainBudget(config.shutdownGraceMs));
        await stopDispatcher();
        await closeLock();
        await protector?.close();
        await sideStore.close();
        await auditStore.close();
        publish.close();
        return clean;
      },
    };
  } catch (e) {
    rules?.close();
    witnesses?.close();
    await protector?.close().catch(() => undefined);
    await stopDispatcher();
    await closeLock();
    await side?.close().catch(() => undefined);
    await store?.close().catch(() => undefined);
    throw e;
  }
}

/** The subscriptions of AIRLOCK_WEBHOOKS_FILE; CONFIG_INVALID names what is wrong. */
async function readWebhooksFile(path: string): Promise<ReturnType<typeof subscriptionInput>[]> {
  let list: unknown;
  try {
    list = parseYaml(await readFile(path, 'utf8'));
  } catch (e) {
    throw new AirlockError('CONFIG_INVALID', `cannot read AIRLOCK_WEBHOOKS_FILE: ${(e as Error).message}`);
  }
  if (!Array.isArray(list)) throw new AirlockError('CONFIG_INVALID', 'AIRLOCK_WEBHOOKS_FILE must hold a list of { project, url, events? }');
  return list.map((entry, i) => {
    try {
      return subscriptionInput(entry);
    } catch (e) {
      throw new AirlockError('CONFIG_INVALID', `AIRLOCK_WEBHOOKS_FILE entry ${i + 1}: ${(e as Error).message}`);
    }
  });
}

/** The IdP sign-in configured by AIRLOCK_OIDC_*, or null without an issuer. */
async function identityProvider(config: Readonly<Config>): Promise<OidcSignIn | null> {
  if (!config.oidcIssuer) return null;
  if (!config.oidcClientId) throw new AirlockError('CONFIG_INVALID', 'AIRLOCK_OIDC_ISSUER needs AIRLOCK_OIDC_CLIENT_ID');
  if (config.production && !config.publicUrl) throw new AirlockError('CONFIG_INVALID', 'with an identity provider in production, set AIRLOCK_PUBLIC_URL (the redirect URI is built from it)');
  let secret: string | null = null;
  if (config.oidcClientSecretFile) {
    try {
      secret = (await readFile(config.oidcClientSecretFile, 'utf8')).trim();
    } catch (e) {
      throw new AirlockError('CONFIG_INVALID', `cannot read AIRLOCK_OIDC_CLIENT_SECRET_FILE: ${(e as Error).message}`, [], { cause: e });
    }
  }
  const mapping = claimMapping({ rolesClaim: config.oidcRolesClaim, roleMap: config.oidcRoleMap, projectsClaim: config.oidcProjectsClaim, nameClaim: config.oidcNameClaim });
  return oidcSignIn({ issuer: config.oidcIssuer, clientId: config.oidcClientId, clientSecret: secret, scopes: config.oidcScopes, audience: config.oidcAudience, production: config.production }, mapping);
}

/**
 * Listens on `port`, or fails with a message naming the port and how to choose another (express
 * 5's `listen` would call back with the server unbound, and `address()` would be null).
 */
function listen(app: RequestListener, port: number, host: string): Promise<Server> {
  return new Promise<Server>((resolve, reject) => {
    const server = createServer(app);
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') reject(new AirlockError('CONFIG_INVALID', `port ${port} on ${host} is already in use (another airlock, or another service?): stop it, or set PORT to a free port`));
      else if (e.code === 'EACCES') reject(new AirlockError('CONFIG_INVALID', `not allowed to listen on port ${port} on ${host}: set PORT to a port above 1023`));
      else if (e.code === 'EADDRNOTAVAIL') reject(new AirlockError('CONFIG_INVALID', `cannot listen on ${host}: set HOST to an address of this machine`));
      else reject(e);
    });
    server.listen(port, host, () => resolve(server));
  });
}
