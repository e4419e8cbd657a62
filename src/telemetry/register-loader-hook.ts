/**
 * Registers import-in-the-middle's ESM loader hook (`@opentelemetry/instrumentation/hook.mjs`)
 * with `module.register`. airlock is ESM, and ESM imports bypass the `require` hook that
 * instrumentations rely on, so without this express, pg and pino imported from our modules
 * would never be patched and requests would have no route-level spans.
 *
 * The hook runs in "include" mode: only modules an instrumentation asks for (http, express, pg,
 * pino) are wrapped, not every module the app imports, which keeps start-up cheap and avoids
 * import-in-the-middle's known breakage of some ESM live bindings.
 *
 * It must run before the modules it patches are first imported: `startTelemetry` calls it,
 * and `serve` starts telemetry before it imports the server.
 *
 * @example
 * const acknowledged = registerLoaderHook();
 * sdk.start(); // instrumentations tell the hook which modules to wrap
 * await acknowledged();
 * const { startServer } = await import('../server/start-server.js');
 */
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';
import { createAddHookMessageChannel } from 'import-in-the-middle';

let registered: (() => Promise<void>) | null = null;

/**
 * Registers the hook once per process; returns a function resolving once the loader thread has
 * acknowledged every module name the instrumentations registered since.
 */
export function registerLoaderHook(): () => Promise<void> {
  if (registered) return registered;
  if (!isMainThread) return (registered = () => Promise.resolve());
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, registerOptions);
  registered = waitForAllMessagesAcknowledged;
  return registered;
}
