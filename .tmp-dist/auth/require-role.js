import { AirlockError } from '../errors.js';
import { authenticate } from './authenticate.js';
import { authorize } from './authorize.js';
/**
 * Middleware requiring a known token with `role`.
 *
 * @example router.post('/v1/decisions', requireRole(tokens, 'submitter'), handler)
 */
export function requireRole(tokens, role) {
    return (req, res, next) => {
        try {
            const caller = authenticate(req.headers.authorization, typeof tokens === 'function' ? tokens() : tokens);
            authorize(caller, role);
            res.locals.caller = caller;
            next();
        }
        catch (e) {
            next(e);
        }
    };
}
/**
 * The caller `requireRole` authenticated; `INTERNAL` if the route forgot the middleware.
 *
 * @example const caller = callerOf(res); authorize(caller, 'submitter', body.project);
 */
export function callerOf(res) {
    const caller = res.locals.caller;
    if (!caller)
        throw new AirlockError('INTERNAL', 'route has no authentication middleware');
    return caller;
}
//# sourceMappingURL=require-role.js.map