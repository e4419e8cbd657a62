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
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createLogger } from '../logger.js';
import type { Ruleset } from '../rules/load-ruleset.js';
import type { LiveRules } from '../rules/live-rules.js';
import { liveRules } from '../rules/live-rules.js';
import { createApp } from './create-app.js';
import { createLifecycle, drainBudget } from './lifecycle.js';
import { applyServerTimeouts } from './middleware/request-timeout.js';

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  logger: Logger;
  ruleset(): Ruleset;
  /** The live rule set: reloads on file changes and SIGHUP (`nextReload` for tests). */
  rules: LiveRules;
  /** A plaintext dev token with the role, when the server generated dev tokens. */
  devToken?(role: string): string | undefined;
  /**
   * Drains (stops accepting, lets in-flight requests and their commits finish, cutting what is
   * left after most of `AIRLOCK_SHUTDOWN_GRACE_MS`) and closes; resolves true when nothing was cut.
   */
  close(): Promise<boolean>;
}

export interface StartOptions {
  logger?: Logger;
}

export async function startServer(config: Readonly<Config>, opts: StartOptions = {}): Promise<RunningServer> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const rules = liveRules(config.rulesDir, { logger, watch: config.rulesWatch });
  const current = rules.current;
  const lifecycle = createLifecycle();
  const app = createApp({ config, ruleset: current, logger, readiness: { accepting: lifecycle.accepting } });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  });
  lifecycle.attach(server);
  applyServerTimeouts(server, config.requestTimeoutMs);
  const port = (server.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  logger.info({ port, ruleset: rules.current().digest, rules: config.rulesDir }, 'airlock listening');
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    logger,
    ruleset: current,
    rules,
    close: () => {
      rules.close();
      return lifecycle.drain(drainBudget(config.shutdownGraceMs));
    },
  };
}
