import { createLogger } from '../logger.js';
import { liveRules } from '../rules/live-rules.js';
import { createApp } from './create-app.js';
import { createLifecycle, drainBudget } from './lifecycle.js';
import { applyServerTimeouts } from './middleware/request-timeout.js';
export async function startServer(config, opts = {}) {
    const logger = opts.logger ?? createLogger(config.logLevel);
    const rules = liveRules(config.rulesDir, { logger, watch: config.rulesWatch });
    const current = rules.current;
    const lifecycle = createLifecycle();
    const app = createApp({ config, ruleset: current, logger, readiness: { accepting: lifecycle.accepting } });
    const server = await new Promise((resolve, reject) => {
        const s = app.listen(config.port, config.host, () => resolve(s));
        s.once('error', reject);
    });
    lifecycle.attach(server);
    applyServerTimeouts(server, config.requestTimeoutMs);
    const port = server.address().port;
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    logger.info({ port, ruleset: rules.current().digest, rules: config.rulesDir }, 'airlock listening');
    return {
        url: `http://${host}:${port}`,
        port,
        server,
        logger,
        ruleset: current,
        rules,
        close: () => {
            rules.close();
            return lifecycle.drain(drainBudget(config.shutdownGraceMs));
        },
    };
}
//# sourceMappingURL=start-server.js.map