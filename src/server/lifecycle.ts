/**
 * Start-up to shutdown: readiness, in-flight tracking and the SIGTERM drain.
 *
 * On SIGTERM (or SIGINT) the server stops accepting connections and `/readyz` turns false;
 * requests already in flight run to the end, including their audit commits (a 201 is only
 * sent after the commit), each answered with `Connection: close` so keep-alive connections
 * end with them; then the store and telemetry are closed and the process exits 0. If that
 * takes longer than `AIRLOCK_SHUTDOWN_GRACE_MS`, the remaining connections are cut and the
 * exit code is 1, so an orchestrator's kill timeout never has to.
 *
 * @example
 * const lifecycle = createLifecycle();
 * const app = createApp({ …, readiness: { accepting: lifecycle.accepting } });
 * lifecycle.attach(server);
 * exitOnSignals(() => running.close(), { graceMs: config.shutdownGraceMs, logger });
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Logger } from 'pino';

export interface Lifecycle {
  /** Readiness probe: false once draining has begun. */
  accepting(): boolean;
  /** Requests received and not yet answered (or abandoned by their client). */
  inFlight(): number;
  /** Starts tracking the requests of a listening server. */
  attach(server: Server): void;
  /**
   * Stops accepting, waits for in-flight requests to finish and their connections to close,
   * cutting what is left after `budgetMs`. Resolves true when nothing had to be cut.
   */
  drain(budgetMs: number): Promise<boolean>;
}

export function createLifecycle(): Lifecycle {
  let server: Server | null = null;
  let draining: Promise<boolean> | null = null;
  const inFlight = new Set<ServerResponse>();

  const track = (_req: IncomingMessage, res: ServerResponse) => {
    inFlight.add(res);
    if (draining) res.setHeader('Connection', 'close');
    res.once('close', () => {
      inFlight.delete(res);
      // A connection that was busy when draining began is idle now: let it go.
      if (draining) server?.closeIdleConnections();
    });
  };

  return {
    accepting: () => draining === null,
    inFlight: () => inFlight.size,
    attach(s) {
      server = s;
      // Before express's own listener, so the header is set before any route can answer.
      s.prependListener('request', track);
    },
    drain(budgetMs) {
      if (draining) return draining;
      const s = server;
      if (!s) return (draining = Promise.resolve(true));
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      draining = new Promise<boolean>((resolve) => {
        const cut = setTimeout(() => {
          s.closeAllConnections();
          resolve(false);
        }, budgetMs);
        s.close(() => {
          clearTimeout(cut);
          resolve(true);
        });
        s.closeIdleConnections();
      });
      return draining;
    },
  };
}

export interface SignalOptions {
  graceMs: number;
  logger: Logger;
  /** Signals that start the shutdown. */
  signals?: readonly NodeJS.Signals[];
  /** How to end the process (tests pass a spy). */
  exit?: (code: number) => void;
}

/**
 * On the first signal runs `shutdown` (which drains and closes; resolves true when nothing was
 * cut) and exits 0, or 1 when it failed, cut requests, or outlived the grace period.
 * Returns a function that removes the handlers.
 */
export function exitOnSignals(shutdown: () => Promise<boolean>, opts: SignalOptions): () => void {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const signals = opts.signals ?? ['SIGTERM', 'SIGINT'];
  let started = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (started) return;
    started = true;
    opts.logger.info({ signal, graceMs: opts.graceMs }, 'shutting down: draining in-flight requests');
    const hard = setTimeout(() => {
      opts.logger.error({ graceMs: opts.graceMs }, 'shutdown grace period over; exiting with work unfinished');
      exit(1);
    }, opts.graceMs);
    hard.unref();
    shutdown().then(
      (clean) => {
        clearTimeout(hard);
        opts.logger.info({ clean }, clean ? 'drained; exiting' : 'drained after cutting connections; exiting');
        exit(clean ? 0 : 1);
      },
      (e: unknown) => {
        clearTimeout(hard);
        const err = e as Partial<Error> | null | undefined;
        opts.logger.error({ err: { type: err?.name, message: err?.message } }, 'shutdown failed');
        exit(1);
      },
    );
  };
  for (const s of signals) process.on(s, onSignal);
  return () => {
    for (const s of signals) process.off(s, onSignal);
  };
}

/** How much of the grace period the connection drain may use: the rest closes the store and flushes telemetry. */
export function drainBudget(graceMs: number): number {
  return Math.max(graceMs - Math.min(5_000, Math.floor(graceMs / 5)), Math.floor(graceMs / 2));
}
