import { metrics } from '@opentelemetry/api';
/** Bucket bounds (seconds) for latencies from a millisecond to a few minutes (1M-row uploads). */
const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
let provider = null;
let instruments = null;
function current() {
    const p = metrics.getMeterProvider();
    if (instruments && p === provider)
        return instruments;
    const meter = p.getMeter('airlock');
    provider = p;
    instruments = {
        decisions: meter.createCounter('airlock.decisions', { description: 'Decisions recorded, by outcome.', unit: '{decision}' }),
        findings: meter.createCounter('airlock.findings', { description: 'Findings in recorded decisions, by check and status.', unit: '{finding}' }),
        requestDuration: meter.createHistogram('airlock.request.duration', {
            description: 'Time from request received to response finished.',
            unit: 's',
            advice: { explicitBucketBoundaries: LATENCY_BUCKETS },
        }),
        storeAppendDuration: meter.createHistogram('airlock.store.append.duration', {
            description: 'Time to durably append one record to the audit chain.',
            unit: 's',
            advice: { explicitBucketBoundaries: LATENCY_BUCKETS },
        }),
        tableRows: meter.createCounter('airlock.table.rows', { description: 'Microdata rows behind the tables checked.', unit: '{row}' }),
    };
    return instruments;
}
/** Counts a decision by outcome, and its findings by check and status. */
export function recordDecision(decision) {
    const m = current();
    m.decisions.add(1, { 'airlock.outcome': decision.outcome });
    for (const output of decision.outputs) {
        for (const f of output.findings)
            m.findings.add(1, { 'airlock.check.id': f.check, 'airlock.check.status': f.status });
    }
}
/** Records one request's latency, in seconds. */
export function recordRequestDuration(seconds, attributes) {
    current().requestDuration.record(seconds, attributes);
}
/** Records one store append's latency, in seconds. */
export function recordStoreAppend(seconds, attributes) {
    current().storeAppendDuration.record(seconds, attributes);
}
/** Counts microdata rows processed for one output. */
export function recordTableRows(rows, kind) {
    if (rows > 0)
        current().tableRows.add(rows, { 'airlock.output.kind': kind });
}
//# sourceMappingURL=metrics.js.map