import { pinoHttp } from 'pino-http';
/** Probe paths polled every few seconds by load balancers: logged only when they fail. */
const PROBES = new Set(['/healthz', '/readyz']);
const pathOf = (url) => (url ?? '').split('?')[0] ?? '';
export function requestLogging(logger) {
    return pinoHttp({
        logger,
        // The request-id middleware has already chosen the id (caller's or generated).
        genReqId: (_req, res) => res.locals?.requestId ?? '',
        wrapSerializers: false,
        serializers: {
            req: (req) => ({ id: req.id, method: req.method, path: pathOf(req.url) }),
            res: (res) => ({ statusCode: res.statusCode }),
            err: (err) => ({ type: err.name, code: err.code }),
        },
        customLogLevel: (req, res, err) => {
            if (err || res.statusCode >= 500)
                return 'error';
            if (res.statusCode >= 400)
                return 'warn';
            return PROBES.has(pathOf(req.url)) ? 'silent' : 'info';
        },
        customSuccessMessage: () => 'request completed',
        customErrorMessage: () => 'request failed',
        quietReqLogger: true,
    });
}
//# sourceMappingURL=request-logging.js.map