export function createLifecycle() {
    let server = null;
    let draining = null;
    const inFlight = new Set();
    const track = (_req, res) => {
        inFlight.add(res);
        if (draining)
            res.setHeader('Connection', 'close');
        res.once('close', () => {
            inFlight.delete(res);
            // A connection that was busy when draining began is idle now: let it go.
            if (draining)
                server?.closeIdleConnections();
        });
    };
    return {
        accepting: () => draining === null,
        inFlight: () => inFlight.size,
        attach(s) {
            server = s;
            // Before express's own listener, so the header is set before any route can answer.
            s.prependListener('request', track);
        },
        drain(budgetMs) {
            if (draining)
                return draining;
            const s = server;
            if (!s)
                return (draining = Promise.resolve(true));
            for (const res of inFlight)
                if (!res.headersSent)
                    res.setHeader('Connection', 'close');
            draining = new Promise((resolve) => {
                const cut = setTimeout(() => {
                    s.closeAllConnections();
                    resolve(false);
                }, budgetMs);
                s.close(() => {
                    clearTimeout(cut);
                    resolve(true);
                });
                s.closeIdleConnections();
            });
            return draining;
        },
    };
}
/**
 * On the first signal runs `shutdown` (which drains and closes; resolves true when nothing was
 * cut) and exits 0, or 1 when it failed, cut requests, or outlived the grace period.
 * Returns a function that removes the handlers.
 */
export function exitOnSignals(shutdown, opts) {
    const exit = opts.exit ?? ((code) => process.exit(code));
    const signals = opts.signals ?? ['SIGTERM', 'SIGINT'];
    let started = false;
    const onSignal = (signal) => {
        if (started)
            return;
        started = true;
        opts.logger.info({ signal, graceMs: opts.graceMs }, 'shutting down: draining in-flight requests');
        const hard = setTimeout(() => {
            opts.logger.error({ graceMs: opts.graceMs }, 'shutdown grace period over; exiting with work unfinished');
            exit(1);
        }, opts.graceMs);
        hard.unref();
        shutdown().then((clean) => {
            clearTimeout(hard);
            opts.logger.info({ clean }, clean ? 'drained; exiting' : 'drained after cutting connections; exiting');
            exit(clean ? 0 : 1);
        }, (e) => {
            clearTimeout(hard);
            opts.logger.error({ err: { type: e?.name, message: e?.message } }, 'shutdown failed');
            exit(1);
        });
    };
    for (const s of signals)
        process.on(s, onSignal);
    return () => {
        for (const s of signals)
            process.off(s, onSignal);
    };
}
/** How much of the grace period the connection drain may use: the rest closes the store and flushes telemetry. */
export function drainBudget(graceMs) {
    return Math.max(graceMs - Math.min(5_000, Math.floor(graceMs / 5)), Math.floor(graceMs / 2));
}
//# sourceMappingURL=lifecycle.js.map