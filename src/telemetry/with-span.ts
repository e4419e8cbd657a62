/**
 * Runs one pipeline stage inside a span, so a trace shows where a decision spent its time:
 * validate, parse, each check, decide, sign, store. Attributes are labels and sizes only
 * (output kind, check id, status, row count), never cell values, and a failure records the
 * error's stable code, never its message, because messages may quote labels from the data.
 *
 * @example
 * const parsed = withSpan('airlock.parse', { 'airlock.output.kind': raw.kind }, () => mod.parse(raw, ctx));
 * const ref = await withSpan('airlock.store', {}, () => store.append(input));
 */
import type { Attributes, Span } from '@opentelemetry/api';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { AirlockError } from '../errors.js';

/** The tracer every airlock span comes from (instrumentation scope `airlock`). */
export const tracer = trace.getTracer('airlock');

function fail(span: Span, e: unknown): void {
  const code = e instanceof AirlockError ? e.code : 'INTERNAL';
  span.setAttribute('airlock.error.code', code);
  span.setStatus({ code: SpanStatusCode.ERROR, message: code });
}

function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return typeof (v as PromiseLike<unknown> | null)?.then === 'function';
}

/**
 * Calls `fn` in a new active span named `name` and ends the span when `fn` returns or, for a
 * promise, settles. `fn` may add attributes it only learns while running (a status, a row count).
 */
export function withSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => T): T {
  return tracer.startActiveSpan(name, { attributes }, (span) => {
    let result: T;
    try {
      result = fn(span);
    } catch (e) {
      fail(span, e);
      span.end();
      throw e;
    }
    if (!isPromiseLike(result)) {
      span.end();
      return result;
    }
    return Promise.resolve(result).then(
      (v) => {
        span.end();
        return v;
      },
      (e: unknown) => {
        fail(span, e);
        span.end();
        throw e;
      },
    ) as T;
  });
}
