/**
 * The vocabulary of airlock: every enum a client, a rule file or an audit record uses is
 * declared here once, with what each value means. Other modules import these names rather
 * than spelling strings, so a renamed value is a compile error, not a silent mismatch.
 *
 * @example
 * import { OUTCOMES, worstOutcome } from './domain.js';
 * worstOutcome(['release', 'review']); // 'review'
 */
/** What airlock decides for an output, and for a whole request (the worst of its outputs). */
export const OUTCOMES = {
    /** Every applicable check passed: the output may leave the TRE. */
    release: 'release',
    /** At least one check failed: disclosive as submitted; findings say how to fix it. */
    reject: 'reject',
    /** Nothing failed, but something cannot be decided automatically: a human checker must look. */
    review: 'review',
};
export const OUTCOME_VALUES = Object.keys(OUTCOMES);
/** The status of one finding. */
export const STATUSES = {
    /** Disclosive as submitted. */
    fail: 'fail',
    /** Needs a human: negative contributions, missing evidence, an exception requested. */
    review: 'review',
    /** Checked and safe. */
    pass: 'pass',
};
export const STATUS_VALUES = Object.keys(STATUSES);
/** The kinds of research output a request may carry. */
export const OUTPUT_KINDS = {
    /** A frequency or magnitude table, from microdata + spec or from pre-aggregated cells. */
    table: 'table',
    /** A regression or trained machine-learning model. */
    model: 'model',
    /** The data behind a plot (histogram, bar, pie, Kaplan-Meier, scatter, box). */
    plot: 'plot',
    /** Summary statistics with their n. */
    summary: 'summary',
    /** Record-level microdata with named quasi-identifiers. */
    records: 'records',
    /** Any other file, checked by type and (for CSV) content. */
    file: 'file',
};
export const OUTPUT_KIND_VALUES = Object.keys(OUTPUT_KINDS);
/**
 * Every check id airlock knows. A check's id, its module file name (kebab-case) and its key
 * in the rule files are the same word (`min_count` ↔ `src/checks/min-count.ts`).
 */
export const CHECK_IDS = {
    /** Cell/item count below `threshold`. */
    min_count: 'min_count',
    /** Zero cells in frequency/count tables, when `zeros_are_disclosive`. */
    zeros: 'zeros',
    /** (n,k) dominance: the `nk_n` largest contributions make up ≥ `nk_k` of the total. */
    nk_dominance: 'nk_dominance',
    /** p% rule: the rest of a cell estimates the largest contribution to within `p`. */
    p_percent: 'p_percent',
    /** A negative contribution: review (dominance still evaluated on absolute values). */
    negative: 'negative',
    /** Missing measure values in a cell (review), when `check_missing_values`. */
    missing: 'missing',
    /** Residual degrees of freedom below `dof_threshold` (std tables, regressions). */
    residual_dof: 'residual_dof',
    /** Released counts not multiples of `round_base` (off by default). */
    rounding: 'rounding',
    /** Single records' values exposed (min/max, histogram edges, box whiskers, outliers). */
    extremes: 'extremes',
    /** Pre-aggregated magnitude cells without dominance evidence (review). */
    dominance_evidence: 'dominance_evidence',
    /** Difference from another release of the same dataset is between 1 and threshold − 1. */
    differencing: 'differencing',
    /** Model with more parameters than `saturation` × observations. */
    saturation: 'saturation',
    /** Instance-based ML models carry their training records. */
    instance_based: 'instance_based',
    /** Tree ensembles with leaves smaller than `min_samples_leaf`. */
    tree_leaf_size: 'tree_leaf_size',
    /** Model serialisation formats that execute code on load. */
    model_format: 'model_format',
    /** Kaplan-Meier: too few leaving the risk set between reported times. */
    survival_step: 'survival_step',
    /** Record-level outputs: equivalence classes smaller than `k`. */
    k_anonymity: 'k_anonymity',
    /** Record-level outputs: equivalence classes with fewer than `l` sensitive values. */
    l_diversity: 'l_diversity',
    /** Blocked file extensions. */
    file_type: 'file_type',
    /** CSV cells that a spreadsheet would execute as formulas. */
    formula_cells: 'formula_cells',
};
export const CHECK_ID_VALUES = Object.keys(CHECK_IDS);
/** The statistic a table cell shows. `frequency` counts records; the rest summarise a measure. */
export const TABLE_STATISTICS = {
    frequency: 'frequency',
    count: 'count',
    sum: 'sum',
    mean: 'mean',
    median: 'median',
    min: 'min',
    max: 'max',
    std: 'std',
};
export const TABLE_STATISTIC_VALUES = Object.keys(TABLE_STATISTICS);
/** Statistics whose cells are counts of records (checked with zeros, not dominance). */
export function isCountStatistic(s) {
    return s === 'frequency' || s === 'count';
}
/** Statistics whose cells are dominated by large contributions (sum and mean). */
export function isMagnitudeStatistic(s) {
    return s === 'sum' || s === 'mean';
}
const STATUS_RANK = { pass: 0, review: 1, fail: 2 };
const OUTCOME_OF_STATUS = { pass: 'release', review: 'review', fail: 'reject' };
const OUTCOME_RANK = { release: 0, review: 1, reject: 2 };
/**
 * The worst of several statuses (`fail` > `review` > `pass`); `pass` when there are none.
 *
 * @example worstStatus(['pass', 'review']) // 'review'
 */
export function worstStatus(statuses) {
    let worst = 'pass';
    for (const s of statuses)
        if (STATUS_RANK[s] > STATUS_RANK[worst])
            worst = s;
    return worst;
}
/**
 * The outcome that a set of findings' statuses implies: any fail → reject, else any
 * review → review, else release.
 *
 * @example outcomeOfStatuses(['pass', 'fail']) // 'reject'
 */
export function outcomeOfStatuses(statuses) {
    return OUTCOME_OF_STATUS[worstStatus(statuses)];
}
/**
 * The worst of several outcomes (`reject` > `review` > `release`); `reject` for none,
 * because a request with nothing evaluated must never be released (fail closed).
 *
 * @example worstOutcome(['release', 'review']) // 'review'
 */
export function worstOutcome(outcomes) {
    let worst;
    for (const o of outcomes)
        if (worst === undefined || OUTCOME_RANK[o] > OUTCOME_RANK[worst])
            worst = o;
    return worst ?? 'reject';
}
/**
 * What a bearer token may do. Roles do not imply one another (an `admin` is not an `auditor`
 * unless given both), so a token's powers are exactly its list. `projects` on a token narrows
 * `submitter`, `auditor` and `checker` to those projects.
 */
export const ROLES = {
    /** Submits outputs for a decision (`POST /v1/decisions`), for its projects. */
    submitter: 'submitter',
    /** Reads decisions, the audit trail and its verification, for its projects (or all). */
    auditor: 'auditor',
    /** Manages rule sets and operational endpoints. */
    admin: 'admin',
    /** A human output checker: resolves decisions that need review, for its projects. */
    checker: 'checker',
};
export const ROLE_VALUES = Object.keys(ROLES);
//# sourceMappingURL=domain.js.map