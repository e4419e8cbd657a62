/**
 * OpenTelemetry for airlock: traces and metrics through the exporters the standard `OTEL_*`
 * environment variables choose (`OTEL_TRACES_EXPORTER`, `OTEL_METRICS_EXPORTER`,
 * `OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_SDK_DISABLED`, …), with the http, express, pg and pino
 * instrumentations. Stage spans come from `withSpan`; metrics from `metrics.ts`.
 *
 * Start it before importing anything it patches: `serve` awaits `startTelemetry()` and only
 * then imports the server, because the ESM loader hook can only wrap modules imported after it.
 *
 * Logs stay on stdout (pino JSON, with `trace_id`): they are sent to an OpenTelemetry logs
 * exporter too only when `OTEL_LOGS_EXPORTER` is set, so a platform that ships stdout does not
 * receive every line twice.
 *
 * @example
 * const telemetry = await startTelemetry();
 * const { startServer } = await import('./server/start-server.js');
 * // … on shutdown, after the server has drained:
 * await telemetry.shutdown();
 */
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import type { IMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { registerLoaderHook } from './register-loader-hook.js';

export interface TelemetryOptions {
  /** Span processors to use instead of those `OTEL_TRACES_EXPORTER` names (tests: in-memory). */
  spanProcessors?: SpanProcessor[];
  /** Metric readers to use instead of those `OTEL_METRICS_EXPORTER` names. */
  metricReaders?: IMetricReader[];
  /** Patch http, express, pg and pino (default true); needs the ESM loader hook. */
  instrument?: boolean;
  /** The environment to read `OTEL_*` switches from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

export interface Telemetry {
  /** False when `OTEL_SDK_DISABLED=true` or no exporter is configured: nothing was started. */
  readonly enabled: boolean;
  /** Why nothing was started (for the one line `serve` prints), when not enabled. */
  readonly reason?: string;
  /** Flushes pending spans and metrics and unregisters the global providers. */
  shutdown(): Promise<void>;
}

/** Paths whose requests get no span: load-balancer probes every few seconds are noise. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz']);

function instrumentations(env: NodeJS.ProcessEnv): Instrumentation[] {
  return [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.has((req.url ?? '').split('?')[0] ?? ''),
    }),
    // Only the route: it names the HTTP span (`POST /v1/decisions`, `http.route`). Layer spans
    // would add a dozen middleware spans per request and record errors with their messages,
    // which may quote submitted content; airlock's own stage spans record error codes only.
    new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.REQUEST_HANDLER, ExpressLayerType.ROUTER] }),
    // enhancedDatabaseReporting stays off: it would put query parameters (released cells) on spans.
    new PgInstrumentation({ enhancedDatabaseReporting: false }),
    // Correlation is our own pino mixin (so it also works without instrumentation, as in tests).
    new PinoInstrumentation({ disableLogCorrelation: true, disableLogSending: !env.OTEL_LOGS_EXPORTER }),
  ];
}

let running: Telemetry | null = null;

/** The `OTEL_*` variables that say where telemetry goes: one of them set means an exporter is configured. */
export const EXPORTER_VARIABLES = [
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_TRACES_EXPORTER',
  'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
  'OTEL_METRICS_EXPORTER',
  'OTEL_LOGS_EXPORTER',
] as const;

/**
 * Whether the environment names somewhere to send telemetry. `none` for every exporter named
 * counts as not configured.
 *
 * @example exporterConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }) // true
 */
export function exporterConfigured(env: NodeJS.ProcessEnv): boolean {
  return EXPORTER_VARIABLES.some((v) => {
    const value = env[v]?.trim();
    return value !== undefined && value !== '' && !/^none$/i.test(value);
  });
}

/**
 * Starts the OpenTelemetry SDK once per process (a second call returns the running one).
 * Exporter failures never affect requests: the SDK drops what it cannot send.
 */
export async function startTelemetry(opts: TelemetryOptions = {}): Promise<Telemetry> {
  if (running) return running;
  const env = opts.env ?? process.env;
  if (/^true$/i.test(env.OTEL_SDK_DISABLED?.trim() ?? '')) return { enabled: false, reason: 'OTEL_SDK_DISABLED=true', shutdown: async () => {} };
  // With nowhere to send them, spans and metrics would only be buffered and then retried
  // against a collector that is not there (seconds at every shutdown): start nothing.
  if (!opts.spanProcessors && !opts.metricReaders && !exporterConfigured(env)) {
    return { enabled: false, reason: `no exporter configured (set ${EXPORTER_VARIABLES[0]} or ${EXPORTER_VARIABLES[2]} to send traces and metrics)`, shutdown: async () => {} };
  }
  const instrument = opts.instrument ?? true;
  // The hook must be registered before the instrumentations are constructed: each one tells
  // the hook which modules to wrap as it enables itself.
  const acknowledged = instrument ? registerLoaderHook() : null;
  const sdk = new NodeSDK({
    // OTEL_SERVICE_NAME, when set, names the service: no serviceName then (an undefined one is no name).
    ...(env.OTEL_SERVICE_NAME ? {} : { serviceName: 'airlock' }),
    instrumentations: instrument ? instrumentations(env) : [],
    ...(opts.spanProcessors ? { spanProcessors: opts.spanProcessors } : {}),
    ...(opts.metricReaders ? { metricReaders: opts.metricReaders } : {}),
    ...(env.OTEL_LOGS_EXPORTER ? {} : { logRecordProcessors: [] }),
  });
  sdk.start();
  await acknowledged?.();
  const telemetry: Telemetry = {
    enabled: true,
    shutdown: async () => {
      if (running !== telemetry) return;
      running = null;
      try {
        await sdk.shutdown();
      } finally {
        trace.disable();
        metrics.disable();
        context.disable();
        propagation.disable();
      }
    },
  };
  running = telemetry;
  return telemetry;
}
