import { AirlockError } from '../errors.js';
import { canonicalJson } from '../signing/canonical-json.js';
import { DECISION_RECORD_KIND, MAX_PAGE_LIMIT, } from './audit-store.js';
import { canonicalRecord, chainHash, normaliseReleased } from './chain.js';
/** The columns `list`/`get` read and `recordFromRow` maps, in one SELECT list. */
export const RECORD_COLUMNS = 'seq, hash, prev, recorded_at, kind, submitted_by, refs, trace_id, decision, signature, kid, decision_id, project, requester, outcome, dataset, ruleset_digest';
/** The name of the unique index that refuses a second record of one kind for one decision id. */
export const DECISION_KIND_INDEX = 'records_decision_kind';
/** How many records a scan reads per query. */
export const SCAN_PAGE = 500;
/**
 * The rows and chain position of a record about to be appended at `seq` after `prev`. Throws
 * `INTERNAL` when the input cannot be represented (a bug upstream, not a store outage).
 *
 * @example const { row, released, ref } = prepareRecord(input, 1, GENESIS_PREV, '2024-01-01T00:00:00.000Z');
 */
export function prepareRecord(input, seq, prev, recordedAt) {
    const d = input.decision;
    if (typeof d?.id !== 'string' || typeof d.project !== 'string' || typeof d.requester !== 'string' || typeof d.ruleset?.digest !== 'string') {
        throw new AirlockError('INTERNAL', 'cannot record a decision without id, project, requester and ruleset digest');
    }
    let decisionText;
    let released;
    let canonical;
    const kind = input.kind ?? DECISION_RECORD_KIND;
    const references = input.references ?? null;
    const traceId = input.traceId ?? null;
    try {
        decisionText = canonicalJson(d);
        released = input.released.map((t, idx) => {
            const n = normaliseReleased(t);
            return {
                seq,
                idx,
                output: n.output,
                dataset: n.dataset,
                dims: canonicalJson(n.dims),
                statistic: n.statistic,
                cells: canonicalJson(n.cells),
                total: n.total,
            };
        });
        canonical = canonicalRecord({
            seq,
            recorded_at: recordedAt,
            kind,
            submitted_by: input.submittedBy,
            references,
            trace_id: traceId,
            decision: d,
            signature: input.signature,
            kid: input.kid,
            released: input.released,
        });
    }
    catch (e) {
        throw new AirlockError('INTERNAL', `cannot record decision ${d.id}: ${e.message}`);
    }
    const hash = chainHash(prev, canonical);
    const row = {
        seq,
        hash,
        prev,
        recorded_at: recordedAt,
        kind,
        submitted_by: input.submittedBy,
        refs: references,
        trace_id: traceId,
        decision: decisionText,
        signature: input.signature,
        kid: input.kid,
        decision_id: d.id,
        project: d.project,
        requester: d.requester,
        outcome: d.outcome,
        dataset: d.dataset ?? null,
        ruleset_digest: d.ruleset.digest,
    };
    return { row, released, ref: { seq, hash, prev } };
}
/**
 * A stored record from its row (`seq` may arrive as a string from PostgreSQL BIGINT).
 *
 * @example recordFromRow(db.prepare(`SELECT ${RECORD_COLUMNS} FROM records WHERE seq = 1`).get())
 */
export function recordFromRow(row) {
    return {
        seq: Number(row.seq),
        hash: row.hash,
        prev: row.prev,
        recorded_at: row.recorded_at,
        kind: row.kind,
        submitted_by: row.submitted_by,
        references: row.refs,
        trace_id: row.trace_id,
        decision: JSON.parse(row.decision),
        signature: row.signature,
        kid: row.kid,
    };
}
/**
 * A released table from its row.
 *
 * @example releasedFromRow(row).dims // ['region', 'sex']
 */
export function releasedFromRow(row) {
    return {
        output: row.output,
        dataset: row.dataset,
        dims: JSON.parse(row.dims),
        statistic: row.statistic,
        cells: JSON.parse(row.cells),
        total: row.total === null ? null : Number(row.total),
    };
}
/**
 * A released-table lookup hit from its row joined with the record's decision id.
 *
 * @example hitFromRow({ ...releasedRow, decision_id: 'd-1' }).seq
 */
export function hitFromRow(row) {
    return { ...releasedFromRow(row), decision_id: row.decision_id, seq: Number(row.seq) };
}
/**
 * A scanned record: the stored record, its released tables, the canonical record rebuilt from
 * the stored fields, and the lookup columns as stored.
 *
 * @example for (const row of page) yield scannedFromRows(row, releasedBySeq.get(row.seq) ?? []);
 */
export function scannedFromRows(row, released) {
    let rec;
    try {
        rec = { ...recordFromRow(row), released: released.map(releasedFromRow) };
    }
    catch (e) {
        // Stored text that no longer parses has been altered outside airlock: say where.
        throw new AirlockError('INTERNAL', `audit record seq ${Number(row.seq)} cannot be read: ${e.message}`);
    }
    const columns = {
        decision_id: row.decision_id,
        project: row.project,
        requester: row.requester,
        outcome: row.outcome,
        dataset: row.dataset,
        ruleset_digest: row.ruleset_digest,
    };
    return { ...rec, canonical: canonicalRecord(rec), columns };
}
/**
 * The canonical JSON key of a set of dimension names (sorted), as stored in `released_tables.dims`.
 *
 * @example dimsKey(['sex', 'region']) // '["region","sex"]'
 */
export function dimsKey(dims) {
    return canonicalJson([...dims].sort());
}
/**
 * An opaque cursor for "records older than seq".
 *
 * @example decodeCursor(encodeCursor(42)) // 42
 */
export function encodeCursor(seq) {
    return Buffer.from(`seq:${seq}`, 'utf8').toString('base64url');
}
/**
 * The seq a cursor stands for; `INVALID_REQUEST` when it is not one of ours.
 *
 * @example decodeCursor('c2VxOjQy') // 42
 */
export function decodeCursor(cursor) {
    const m = /^seq:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!m)
        throw new AirlockError('INVALID_REQUEST', 'the cursor is not valid', [{ pointer: '/cursor', message: 'not a cursor from this API' }]);
    return Number(m[1]);
}
function isoBound(value, name) {
    const t = Date.parse(value);
    if (Number.isNaN(t)) {
        throw new AirlockError('INVALID_REQUEST', `${name} is not a date-time`, [{ pointer: `/${name}`, message: 'expected ISO 8601' }]);
    }
    return new Date(t).toISOString();
}
/**
 * The WHERE clause (with parameters) of a list query; `placeholder(n)` spells the n-th
 * parameter (`?` for SQLite, `$n` for PostgreSQL). Includes the cursor bound and validates the limit.
 *
 * @example listQuery({ project: 'p1' }, { limit: 50 }, () => '?') // { where: 'project = ?', params: ['p1'], limit: 50 }
 */
export function listQuery(filter, page, placeholder) {
    if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > MAX_PAGE_LIMIT) {
        throw new AirlockError('INVALID_REQUEST', `limit must be an integer from 1 to ${MAX_PAGE_LIMIT}`, [{ pointer: '/limit', message: 'out of range' }]);
    }
    const conds = [];
    const params = [];
    const add = (sql, value) => {
        params.push(value);
        conds.push(sql(placeholder(params.length)));
    };
    if (filter.project !== undefined)
        add((p) => `project = ${p}`, filter.project);
    if (filter.projects !== undefined) {
        if (filter.projects.length === 0)
            conds.push('1 = 0');
        else {
            const ps = filter.projects.map((v) => {
                params.push(v);
                return placeholder(params.length);
            });
            conds.push(`project IN (${ps.join(', ')})`);
        }
    }
    if (filter.requester !== undefined)
        add((p) => `requester = ${p}`, filter.requester);
    if (filter.outcome !== undefined)
        add((p) => `outcome = ${p}`, filter.outcome);
    if (filter.dataset !== undefined)
        add((p) => `dataset = ${p}`, filter.dataset);
    if (filter.ruleset_digest !== undefined)
        add((p) => `ruleset_digest = ${p}`, filter.ruleset_digest);
    if (filter.kind !== undefined)
        add((p) => `kind = ${p}`, filter.kind);
    if (filter.from !== undefined)
        add((p) => `recorded_at >= ${p}`, isoBound(filter.from, 'from'));
    if (filter.to !== undefined)
        add((p) => `recorded_at < ${p}`, isoBound(filter.to, 'to'));
    if (page.cursor)
        add((p) => `seq < ${p}`, decodeCursor(page.cursor));
    return { where: conds.length ? conds.join(' AND ') : '1 = 1', params, limit: page.limit };
}
/**
 * A page of list results: `rows` were fetched with `limit + 1` so the extra one says whether
 * another page exists.
 *
 * @example pageOf(rows, 50)
 */
export function pageOf(rows, limit) {
    const items = rows.slice(0, limit).map(recordFromRow);
    const last = items[items.length - 1];
    return { items, next_cursor: rows.length > limit && last ? encodeCursor(last.seq) : null };
}
/**
 * Any failure as an `AirlockError`: ours pass through; everything else (driver, I/O) becomes
 * `STORE_UNAVAILABLE`, with the driver's error as `cause` for logs and only its code in the
 * message a client may see.
 *
 * @example catch (e) { throw storeError(e, 'append') }
 */
export function storeError(e, action) {
    if (e instanceof AirlockError)
        return e;
    const code = e?.code;
    const err = new AirlockError('STORE_UNAVAILABLE', `the audit store could not ${action}${typeof code === 'string' ? ` (${code})` : ''}`);
    err.cause = e;
    return err;
}
/**
 * Released rows grouped by their record's seq (numbers, whatever the driver returned).
 *
 * @example groupBySeq(rows).get(3) // rows of record 3, in idx order
 */
export function groupBySeq(rows) {
    const bySeq = new Map();
    for (const r of rows) {
        const seq = Number(r.seq);
        const list = bySeq.get(seq);
        if (list)
            list.push(r);
        else
            bySeq.set(seq, [r]);
    }
    return bySeq;
}
//# sourceMappingURL=record-rows.js.map