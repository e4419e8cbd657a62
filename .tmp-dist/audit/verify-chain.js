/**
 * Re-checks the whole audit trail without trusting the store: every seq present from 1 with no
 * gaps, every `prev` equal to the previous `hash`, every `hash` recomputed from the record's
 * content (`chain.ts`), every lookup column equal to what the decision says, and every
 * signature verified against its decision with the JWKS. Stops at the first bad record.
 *
 * A chain whose newest records were removed wholesale still verifies; compare `head` with a
 * copy kept elsewhere (an export, a log line) to detect that.
 *
 * @example
 * const r = await verifyAudit(store, publicJwks(ring.verification));
 * // { ok: false, checked: 6, first_bad_seq: 7, reason: 'hash does not match the record content' }
 */
import { AirlockError } from '../errors.js';
import { verifyDecisionResponse } from '../signing/verify-decision.js';
import { GENESIS_PREV, canonicalRecord, chainHash } from './chain.js';
function columnProblem(r) {
    const d = r.decision;
    const expected = {
        decision_id: d.id,
        project: d.project,
        requester: d.requester,
        outcome: d.outcome,
        dataset: d.dataset ?? null,
        ruleset_digest: d.ruleset?.digest,
    };
    for (const k of Object.keys(expected)) {
        if (r.columns[k] !== expected[k]) {
            return `the store's ${k} column (${JSON.stringify(r.columns[k])}) disagrees with the recorded decision (${JSON.stringify(expected[k])})`;
        }
    }
    return null;
}
async function recordProblem(r, expectedSeq, prev, jwks) {
    if (r.seq !== expectedSeq) {
        return r.seq > expectedSeq ? `seq ${expectedSeq} is missing (the next record is seq ${r.seq})` : `seq ${r.seq} is out of order`;
    }
    if (r.prev !== prev)
        return expectedSeq === 1 ? 'prev of the first record is not the genesis value' : `prev does not match the hash of seq ${expectedSeq - 1}`;
    let canonical;
    try {
        canonical = canonicalRecord(r);
    }
    catch (e) {
        return `the record cannot be canonicalised: ${e.message}`;
    }
    if (chainHash(r.prev, canonical) !== r.hash)
        return 'hash does not match the record content';
    const columns = columnProblem(r);
    if (columns)
        return columns;
    const sig = await verifyDecisionResponse({ decision: r.decision, signature: r.signature }, jwks);
    if (!sig.ok)
        return `signature check failed (${sig.field}): ${sig.reason}`;
    if (sig.kid !== r.kid)
        return `the record's kid ${r.kid} is not the signature's kid ${sig.kid}`;
    return null;
}
/**
 * Verifies the chain and every signature. Throws `STORE_UNAVAILABLE` when the store cannot be
 * read (no verdict either way); a record that cannot even be parsed is reported as bad.
 *
 * @example (await verifyAudit(store, jwks)).ok // true
 */
export async function verifyAudit(store, jwks) {
    let checked = 0;
    let prev = GENESIS_PREV;
    let head;
    const bad = (seq, reason) => ({ ok: false, checked, first_bad_seq: seq, reason, ...(head ? { head } : {}) });
    try {
        for await (const r of store.scan(1)) {
            const problem = await recordProblem(r, checked + 1, prev, jwks);
            if (problem)
                return bad(r.seq > checked + 1 ? checked + 1 : r.seq, problem);
            checked++;
            prev = r.hash;
            head = { seq: r.seq, hash: r.hash };
        }
    }
    catch (e) {
        if (e instanceof AirlockError && e.code === 'STORE_UNAVAILABLE')
            throw e;
        return bad(checked + 1, e.message);
    }
    return { ok: true, checked, ...(head ? { head } : {}) };
}
//# sourceMappingURL=verify-chain.js.map