import { recordRequestDuration } from '../../telemetry/metrics.js';
export function requestMetrics() {
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
//# sourceMappingURL=request-metrics.js.map