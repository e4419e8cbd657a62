/**
 * The pino logger. Request bodies, table cells and tokens never reach it: callers log ids,
 * codes and digests only, and the redaction list below is a second line of defence.
 *
 * @example const log = createLogger('info'); log.info({ decision: id }, 'decision recorded');
 */
import { pino } from 'pino';
import type { Logger } from 'pino';

export const REDACT_PATHS = ['req.headers.authorization', 'req.headers.cookie', 'req.body', 'body', 'microdata', 'cells', 'data'];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { service: 'airlock' } }, destination as pino.DestinationStream | undefined);
}
