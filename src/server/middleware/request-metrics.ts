/**
 * Records every request's latency in the `airlock.request.duration` histogram, by method,
 * route template (never the raw path, which would explode the series) and status.
 *
 * @example app.use(requestMetrics());
 */
import type { RequestHandler } from 'express';
import { recordRequestDuration } from '../../telemetry/metrics.js';

export function requestMetrics(): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      const route = req.route?.path;
      recordRequestDuration(Number(process.hrtime.bigint() - start) / 1e9, {
        'http.request.method': req.method,
        'http.route': typeof route === 'string' ? `${req.baseUrl}${route}` : 'unmatched',
        'http.response.status_code': res.statusCode,
      });
    });
    next();
  };
}
