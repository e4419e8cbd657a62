/**
 * `airlock serve`: runs the service with configuration from the environment.
 *
 * Order matters: the configuration is validated first (a bad setting stops start-up before
 * anything opens), then OpenTelemetry starts, and only then is the server imported, because
 * the ESM instrumentation hook can patch only modules imported after it is registered.
 *
 * @example PORT=8080 airlock serve
 */
import { loadConfig } from '../../config.js';
import { optionsOf } from '../command-options.js';
import { parseArgs, positionals } from '../parse-args.js';
import { startTelemetry } from '../../telemetry/telemetry.js';

export async function run(args: string[]): Promise<number> {
  positionals(parseArgs(args, optionsOf('serve')), []);
  const config = loadConfig(process.env);
  const telemetry = await startTelemetry();
  const { startServer } = await import('../../server/start-server.js');
  const { exitOnSignals } = await import('../../server/lifecycle.js');
  const s = await startServer(config).catch(async (e: unknown) => {
    await telemetry.shutdown().catch(() => {});
    throw e;
  });
  // Said once, so an operator expecting traces knows why none arrive.
  if (!telemetry.enabled) s.logger.info({ telemetry: 'off' }, `telemetry off: ${telemetry.reason ?? 'disabled'}`);
  exitOnSignals(
    async () => {
      const clean = await s.close();
      await telemetry.shutdown().catch(() => {});
      return clean;
    },
    { graceMs: config.shutdownGraceMs, logger: s.logger },
  );
  return 0;
}
