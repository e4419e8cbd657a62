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
import { loadRuleset } from '../rules/load-ruleset.js';
import { createApp } from './create-app.js';

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  logger: Logger;
  ruleset(): Ruleset;
  /** A plaintext dev token with the role, when the server generated dev tokens. */
  devToken?(role: string): string | undefined;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
}

export async function startServer(config: Readonly<Config>, opts: StartOptions = {}): Promise<RunningServer> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const rules = loadRuleset(config.rulesDir);
  const current = () => rules;
  const app = createApp({ config, ruleset: current, logger });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  logger.info({ port, ruleset: rules.digest, rules: config.rulesDir }, 'airlock listening');
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    logger,
    ruleset: current,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
