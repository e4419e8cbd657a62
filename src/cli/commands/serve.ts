/**
 * `airlock serve`: runs the service with configuration from the environment.
 *
 * @example PORT=8080 airlock serve
 */
import { loadConfig } from '../../config.js';
import { startServer } from '../../server/start-server.js';

export async function run(_args: string[]): Promise<number> {
  const config = loadConfig(process.env);
  const s = await startServer(config);
  const stop = () => {
    s.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return 0;
}
