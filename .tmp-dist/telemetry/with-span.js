import { SpanStatusCode, trace } from '@opentelemetry/api';
import { AirlockError } from '../errors.js';
/** The tracer every airlock span comes from (instrumentation scope `airlock`). */
export const tracer = trace.getTracer('airlock');
function fail(span, e) {
    const code = e instanceof AirlockError ? e.code : 'INTERNAL';
    span.setAttribute('airlock.error.code', code);
    span.setStatus({ code: SpanStatusCode.ERROR, message: code });
}
function isPromiseLike(v) {
    return typeof v?.then === 'function';
}
/**
 * Calls `fn` in a new active span named `name` and ends the span when `fn` returns or, for a
 * promise, settles. `fn` may add attributes it only learns while running (a status, a row count).
 */
export function withSpan(name, attributes, fn) {
    return tracer.startActiveSpan(name, { attributes }, (span) => {
        let result;
        try {
            result = fn(span);
        }
        catch (e) {
            fail(span, e);
            span.end();
            throw e;
        }
        if (!isPromiseLike(result)) {
            span.end();
            return result;
        }
        return Promise.resolve(result).then((v) => {
            span.end();
            return v;
        }, (e) => {
            fail(span, e);
            span.end();
            throw e;
        });
    });
}
//# sourceMappingURL=with-span.js.map