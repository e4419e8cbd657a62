import { AirlockError } from '../../errors.js';
import { sendProblem } from '../error-handler.js';
/** A request's time budget, shared by the timer and the pipeline. */
export class Deadline {
    expired = false;
    pinned = false;
    /** Throws `REQUEST_TIMEOUT` once the budget has run out. */
    check() {
        if (this.expired)
            throw new AirlockError('REQUEST_TIMEOUT');
    }
    /** From now on the budget cannot run out (the decision is being recorded); throws if it already has. */
    pin() {
        this.check();
        this.pinned = true;
    }
    /** Marks the budget spent; false (and no effect) when it was pinned first. */
    expire() {
        if (this.pinned)
            return false;
        this.expired = true;
        return true;
    }
}
export function requestTimeout(ms) {
    return (req, res, next) => {
        const deadline = new Deadline();
        res.locals.deadline = deadline;
        const timer = setTimeout(() => {
            if (res.headersSent || !deadline.expire())
                return;
            sendProblem(res.setHeader('Connection', 'close'), new AirlockError('REQUEST_TIMEOUT', `the request took longer than ${ms} ms`), req.originalUrl);
        }, ms);
        timer.unref();
        res.once('close', () => clearTimeout(timer));
        next();
    };
}
/**
 * Node's own limits on the socket: a whole request must arrive within the budget, headers
 * within a minute; idle keep-alive connections close after 65 s (longer than common load
 * balancers' 60 s idle timeout, so the balancer, not us, closes first).
 */
export function applyServerTimeouts(server, requestTimeoutMs) {
    server.requestTimeout = requestTimeoutMs;
    server.headersTimeout = Math.min(60_000, requestTimeoutMs);
    server.keepAliveTimeout = 65_000;
}
//# sourceMappingURL=request-timeout.js.map