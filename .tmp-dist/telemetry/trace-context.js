/**
 * The active trace, for the places outside OpenTelemetry that must name it: each log line
 * (a pino mixin) and each audit record (`traceId`), so an operator can go from a decision to
 * its trace and its log lines.
 *
 * @example
 * await store.append({ ...input, traceId: currentTraceId() });
 */
import { isSpanContextValid, trace } from '@opentelemetry/api';
/** The active span's trace id (32 hex digits), or null outside a sampled or valid trace. */
export function currentTraceId() {
    const ctx = trace.getActiveSpan()?.spanContext();
    return ctx && isSpanContextValid(ctx) ? ctx.traceId : null;
}
/**
 * A pino `mixin`: adds `trace_id` and `span_id` (the field names OpenTelemetry's log data
 * model and the pino instrumentation use) to every line logged inside a span.
 *
 * @example pino({ mixin: traceMixin })
 */
export function traceMixin() {
    const ctx = trace.getActiveSpan()?.spanContext();
    return ctx && isSpanContextValid(ctx) ? { trace_id: ctx.traceId, span_id: ctx.spanId } : {};
}
//# sourceMappingURL=trace-context.js.map