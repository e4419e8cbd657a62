/**
 * The pino logger. Request bodies, table cells and tokens never reach it: callers log ids,
 * codes and digests only, and the redaction list below is a second line of defence. Lines
 * logged inside a trace carry its `trace_id` and `span_id`.
 *
 * @example const log = createLogger('info'); log.info({ decision: id }, 'decision recorded');
 */
import { pino } from 'pino';
import type { Logger } from 'pino';
import { traceMixin } from './telemetry/trace-context.js';

export const REDACT_PATHS = ['req.headers.authorization', 'req.headers.cookie', 'req.body', 'body', 'microdata', 'cells', 'data'];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino({ level, mixin: traceMixin, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { service: 'airlock' } }, destination);
}
