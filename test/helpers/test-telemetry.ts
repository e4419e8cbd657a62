/**
 * OpenTelemetry for tests: the real `startTelemetry` with an in-memory span exporter and a
 * metric reader that collects on demand, and no instrumentation patching.
 *
 * @example
 * const t = await startTestTelemetry();
 * await makeDecision(body, deps);
 * (await t.spans()).map((s) => s.name); // ['airlock.validate', …]
 * await t.shutdown();
 */
import type { DataPoint, MetricData } from '@opentelemetry/sdk-metrics';
import { MetricReader } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTelemetry } from '../../src/telemetry/telemetry.js';

/** Collects when asked: what an exporter would receive at its next interval. */
class OnDemandReader extends MetricReader {
  protected override onForceFlush = async () => {};
  protected override onShutdown = async () => {};
}

export interface TestTelemetry {
  /** Finished spans; flushes first, since spans wait for asynchronous resource detection. */
  spans(): Promise<ReadableSpan[]>;
  /** Forgets the spans collected so far. */
  resetSpans(): void;
  /** The data points of one metric as of now. */
  points<T = unknown>(name: string): Promise<DataPoint<T>[]>;
  shutdown(): Promise<void>;
}

export async function startTestTelemetry(): Promise<TestTelemetry> {
  const exporter = new InMemorySpanExporter();
  const processor = new SimpleSpanProcessor(exporter);
  const reader = new OnDemandReader();
  const telemetry = await startTelemetry({ instrument: false, spanProcessors: [processor], metricReaders: [reader], env: {} });
  return {
    spans: async () => {
      await processor.forceFlush();
      return exporter.getFinishedSpans();
    },
    resetSpans: () => exporter.reset(),
    points: async <T>(name: string) => {
      const { resourceMetrics } = await reader.collect();
      const metrics: MetricData[] = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
      return (metrics.find((m) => m.descriptor.name === name)?.dataPoints ?? []) as DataPoint<T>[];
    },
    shutdown: () => telemetry.shutdown(),
  };
}
