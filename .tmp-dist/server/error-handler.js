import { AirlockError, toProblem } from '../errors.js';
function asAirlockError(err) {
    if (err instanceof AirlockError)
        return err;
    const e = err;
    switch (e?.type) {
        case 'entity.parse.failed':
            return new AirlockError('INVALID_JSON', 'the body is not valid JSON (NaN and Infinity are not JSON either)');
        case 'entity.too.large':
            return new AirlockError('BODY_TOO_LARGE');
        case 'encoding.unsupported':
        case 'charset.unsupported':
            return new AirlockError('UNSUPPORTED_MEDIA_TYPE', 'only UTF-8 bodies are accepted');
        case 'request.aborted':
        case 'stream.not.readable':
            return new AirlockError('INVALID_REQUEST', 'the request body was not received completely');
        default:
            return null;
    }
}
/** Sends a problem document. */
export function sendProblem(res, err, instance) {
    const problem = toProblem(err, instance);
    if (problem.code === 'RATE_LIMITED' && err instanceof AirlockError && err.details[0]?.message)
        res.setHeader('Retry-After', err.details[0].message);
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}
export function errorHandler(logger) {
    return (err, req, res, _next) => {
        const known = asAirlockError(err);
        if (!known)
            logger.error({ err: { name: err?.name, message: err?.message, stack: err?.stack }, path: req.path }, 'unhandled error');
        else if (known.status >= 500)
            logger.error({ code: known.code, path: req.path }, known.message);
        if (res.headersSent)
            return;
        sendProblem(res, known ?? err, req.originalUrl);
    };
}
/** 404 for unknown routes, as a problem document. */
export const notFound = (req, _res, next) => {
    next(new AirlockError('ROUTE_NOT_FOUND', `no route ${req.method} ${req.path}`));
};
//# sourceMappingURL=error-handler.js.map