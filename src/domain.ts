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
} as const;
export type Outcome = keyof typeof OUTCOMES;
export const OUTCOME_VALUES = Object.keys(OUTCOMES) as Outcome[];

/** The status of one finding. */
export const STATUSES = {
  /** Disclosive as submitted. */
  fail: 'fail',
  /** Needs a human: negative contributions, missing evidence, an exception requested. */
  review: 'review',
  /** Checked and safe. */
  pass: 'pass',
} as const;
export type Status = keyof typeof STATUSES;
export const STATUS_VALUES = Object.keys(STATUSES) as Status[];

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
  /** Record-level microdata: every column a quasi-identifier except governance's sensitive attributes. */
  records: 'records',
  /** Any other file, checked by type and (for CSV) content. */
  file: 'file',
} as const;
export type OutputKind = keyof typeof OUTPUT_KINDS;
export const OUTPUT_KIND_VALUES = Object.keys(OUTPUT_KINDS) as OutputKind[];

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
  /** Instance-based model families (resolved through the alias table) carry their training records. */
  instance_based: 'instance_based',
  /** Tree models with leaves smaller than `min_samples_leaf` (review when no leaf size is declared). */
  tree_leaf_size: 'tree_leaf_size',
  /** Model serialisation formats that execute code on load. */
  model_format: 'model_format',
  /** Every contributor of a cell (count ≥ 2) has the same measure value: the value is disclosed for each. */
  all_same: 'all_same',
  /** A sum or mean of an indicator: too few contributors at one of its two values in a cell. */
  binary_measure: 'binary_measure',
  /** A table submitted with suppressed cells: is every suppressed cell protected? */
  suppression_audit: 'suppression_audit',
  /** Kaplan-Meier: a step with 1 to threshold − 1 events, or too few leaving the risk set between reported times. */
  survival_step: 'survival_step',
  /** Record-level outputs: equivalence classes smaller than `k`. */
  k_anonymity: 'k_anonymity',
  /** Record-level outputs: equivalence classes with fewer than `l` sensitive values. */
  l_diversity: 'l_diversity',
  /** Blocked file types, by extension or by content (also inside archives and compression). */
  file_type: 'file_type',
  /** Delimited-text cells that a spreadsheet would execute as formulas. */
  formula_cells: 'formula_cells',
  /** A file's content is checked by a person (review, with its profile as evidence) unless governance auto-releases its type. */
  file_content: 'file_content',
  /** Columns, variables, labels or terms that are direct identifiers, by name (review) or by value (fail). */
  direct_identifiers: 'direct_identifiers',
  /** Model family not recognised through the rules' alias table (review: structural risks unknown). */
  model_family: 'model_family',
} as const;
export type CheckId = keyof typeof CHECK_IDS;
export const CHECK_ID_VALUES = Object.keys(CHECK_IDS) as CheckId[];

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
} as const;
export type TableStatistic = keyof typeof TABLE_STATISTICS;
export const TABLE_STATISTIC_VALUES = Object.keys(TABLE_STATISTICS) as TableStatistic[];

/** Statistics whose cells are counts of records (checked with zeros, not dominance). */
export function isCountStatistic(s: TableStatistic): boolean {
  return s === 'frequency' || s === 'count';
}

/** Statistics whose cells are dominated by large contributions (sum and mean). */
export function isMagnitudeStatistic(s: TableStatistic): boolean {
  return s === 'sum' || s === 'mean';
}

const STATUS_RANK: Record<Status, number> = { pass: 0, review: 1, fail: 2 };
const OUTCOME_OF_STATUS: Record<Status, Outcome> = { pass: 'release', review: 'review', fail: 'reject' };
const OUTCOME_RANK: Record<Outcome, number> = { release: 0, review: 1, reject: 2 };

/**
 * The worst of several statuses (`fail` > `review` > `pass`); `pass` when there are none.
 *
 * @example worstStatus(['pass', 'review']) // 'review'
 */
export function worstStatus(statuses: Iterable<Status>): Status {
  let worst: Status = 'pass';
  for (const s of statuses) if (STATUS_RANK[s] > STATUS_RANK[worst]) worst = s;
  return worst;
}

/**
 * The outcome that a set of findings' statuses implies: any fail → reject, else any
 * review → review, else release.
 *
 * @example outcomeOfStatuses(['pass', 'fail']) // 'reject'
 */
export function outcomeOfStatuses(statuses: Iterable<Status>): Outcome {
  return OUTCOME_OF_STATUS[worstStatus(statuses)];
}

/**
 * The worst of several outcomes (`reject` > `review` > `release`); `reject` for none,
 * because a request with nothing evaluated must never be released (fail closed).
 *
 * @example worstOutcome(['release', 'review']) // 'review'
 */
export function worstOutcome(outcomes: Iterable<Outcome>): Outcome {
  let worst: Outcome | undefined;
  for (const o of outcomes) if (worst === undefined || OUTCOME_RANK[o] > OUTCOME_RANK[worst]) worst = o;
  return worst ?? 'reject';
}

/** One table cell named in a finding: its labels (variable → category), value and why. */
export interface CellFinding {
  /** Dimension variable → category label; margins are labelled `All`. */
  labels: Record<string, string>;
  /** The published value of the cell (`null` when empty). */
  value: number | null;
  /** The count the threshold checks use; null for a suppressed cell (its evidence is never published). */
  count: number | null;
  /** Why this cell is flagged, in numbers (e.g. "count 3 < threshold 10"). */
  reason: string;
}

/** One non-table item named in a finding (a bin, a step, a coefficient, a class, a file cell). */
export interface ItemFinding {
  /** What the item is, e.g. `bins[3]`, `steps[time=12]`, `class#2`. */
  ref: string;
  /** The number that matters for the check (a count, a ratio), when there is one. */
  value?: number | null;
  /** Why the item is flagged. */
  reason: string;
}

/** What one check found about one output. */
export interface Finding {
  check: CheckId;
  status: Status;
  /** Plain language, for the researcher. */
  message: string;
  /** How to make the output safe; empty for `pass`. */
  remedy: string;
  /** Table cells concerned (tables). */
  cells?: CellFinding[];
  /** Other items concerned (plots, models, records, files). */
  items?: ItemFinding[];
  /** Other outputs or earlier decisions this finding refers to (differencing). */
  related?: { output?: string; decision_id?: string }[];
  /**
   * The status the check gave before the researcher's exception turned it into `review`
   * (present only on excepted findings), so a checker sees what failed.
   */
  original_status?: Status;
  /** What a checker needs to judge the output without downloading it (`file_content`: the file's profile). */
  evidence?: FileEvidence;
}

/**
 * What a file's content is, as detected from its bytes (never from its name). Containers
 * (zip, tar, gzip, zlib, bzip2 and the ZIP-based office and PyTorch formats) are opened and
 * their members checked; the other archive and compression formats are named but not opened.
 */
export const FILE_TYPE_IDS = [
  'empty', 'delimited_text', 'text', 'json', 'html', 'xml', 'svg', 'rtf', 'postscript',
  'png', 'jpeg', 'gif', 'tiff', 'bmp', 'webp', 'pdf',
  'xlsx', 'docx', 'pptx', 'opendocument', 'ole2',
  'zip', 'tar', 'gzip', 'zlib', 'bzip2', 'xz', 'zstd', '7z', 'rar',
  'pickle', 'torch', 'rds', 'rdata', 'stata_dta', 'spss_sav', 'sas7bdat',
  'sqlite', 'parquet', 'arrow', 'hdf5', 'npy', 'binary',
] as const;
export type FileTypeId = (typeof FILE_TYPE_IDS)[number];

/** Text encodings airlock reads files in. */
export const TEXT_ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252'] as const;
export type TextEncodingId = (typeof TEXT_ENCODINGS)[number];

/** What a delimited-text column holds: all numbers (integers or not), all full dates, text, a mix, or nothing. */
export const COLUMN_TYPES = ['empty', 'integer', 'decimal', 'date', 'text', 'mixed'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

/** Whether a column's non-zero integers look rounded, and how; `none` when they do not. */
export const ROUNDINGS = ['multiples_of_10', 'multiples_of_5', 'midpoint6', 'none'] as const;
export type Rounding = (typeof ROUNDINGS)[number];

/** One column of a delimited-text file, profiled: numbers and counts, never the cells' text. */
export interface ColumnEvidence {
  /** 1-based position. */
  column: number;
  /** Its header; null when there is none or the header itself looks like an identifier value. */
  name: string | null;
  type: ColumnType;
  rows: number;
  missing: number;
  /** Cells that are numbers. */
  numeric: number;
  min: number | null;
  min_nonzero: number | null;
  max: number | null;
  /** Integer cells between 1 and threshold − 1. */
  small_counts: number;
  rounding: Rounding | null;
  /** Distinct non-missing values (exact, or a lower bound when `distinct_exact` is false). */
  distinct: number;
  distinct_exact: boolean;
  formula_cells: number;
  /** The `direct_identifier_columns` entry the header matches. */
  identifier_name?: string;
  /** The identifier detector at least half of the non-empty values match. */
  identifier_values?: { detector: IdentifierDetector; matches: number; non_empty: number };
}

/** A file, or an archive member, as a checker sees it in a `file_content` finding. */
export interface FileEvidence {
  /** The file name, or the member's path inside its archive. */
  path: string;
  type: FileTypeId;
  description: string;
  /** Bytes (uncompressed, for members). */
  size: number;
  /** Bytes as stored in the archive, for compressed members. */
  compressed_size?: number;
  encoding?: TextEncodingId;
  /** Delimited text (one column when no delimiter was found). */
  delimited?: {
    delimiter: ',' | '\t' | ';' | '|' | null;
    rows: number;
    ragged_rows: number;
    columns: ColumnEvidence[];
    /** Profiled columns not listed, to keep the decision small. */
    columns_not_listed?: number;
  };
  members?: FileEvidence[];
  /** Members not listed, to keep the decision small (all were checked). */
  members_not_listed?: number;
  /** What stopped airlock from checking this file fully. */
  problems?: { status: 'fail' | 'review'; reason: string }[];
}

/** Identifies the rule set a decision was made under. */
export interface RulesetRef {
  name: string;
  version: string;
  /** SHA-256 (hex) of the canonical JSON of the whole rule set. */
  digest: string;
}

/** The decision for one output. */
export interface OutputDecision {
  name: string;
  kind: OutputKind;
  /** SHA-256 (hex) of the submitted output's canonical JSON. */
  sha256: string;
  outcome: Outcome;
  findings: Finding[];
  /** The researcher's exception request: failing findings became `review` (see `original_status`). */
  exception?: { justification: string };
  /** Kind-specific extras: for tables `table` and `protected`. */
  [extra: string]: unknown;
}

/** The decision for a whole request: what is signed and recorded. */
export interface Decision {
  id: string;
  issued_at: string;
  outcome: Outcome;
  project: string;
  requester: string;
  dataset: string | null;
  ruleset: RulesetRef;
  outputs: OutputDecision[];
  /** Only on review and final records: what the human review of decision `review.of` says. */
  review?: ReviewInfo;
  /** Only when a person submitted the request (an IdP access token): who, as the IdP names them. */
  submitter?: RecordActor;
  /** Only on `ruleset` records: who loaded which rule set, how, and what the checks said of it. */
  ruleset_load?: RulesetLoad;
}

/** What set off a rule-set load: start-up, a file change, SIGHUP, an admin through the API, or code (`manual`). */
export type RulesetLoadTrigger = 'startup' | 'watch' | 'signal' | 'api' | 'manual';

/**
 * Who loaded a rule set. Through the API: the authenticated caller (a `person` or a `token`).
 * Otherwise the process that read the files (`process`): the OS user, host and pid, and the
 * operator configured as `AIRLOCK_RULES_OPERATOR` (who signs off start-ups and file reloads).
 */
export type RulesetLoader =
  | RecordActor
  | { kind: 'process'; id: string; name: string; os_user: string; host: string; pid: number; operator: string | null };

/**
 * A `ruleset` record's account of one load (sdc-rules.md "Governance floors"; issue 13): the
 * rule set in force after it (`ruleset` of the record) and before it (`previous`), whether the
 * new set went into force (`activated`; the record's outcome is then `release`, else `reject`
 * and the previous set stays), and what governance's checks said of it.
 */
export interface RulesetLoad {
  trigger: RulesetLoadTrigger;
  by: RulesetLoader;
  /** The digest in force before (null for the first load a store records). */
  previous: string | null;
  activated: boolean;
  /** The rules directory and floors file the set was read from. */
  source: { rules_dir: string; floors_file: string | null };
  /** Floors: `passed`; `refused` with every violation (file#path); `not_checked` when the set was invalid before floors applied. */
  floors: { status: 'passed' | 'refused' | 'not_checked'; problems: { pointer?: string; message: string }[] };
  /** `rules lint` of the directory as loaded: counts and every problem. */
  lint: { errors: number; warnings: number; problems: { severity: string; file: string; path: string; message: string }[] };
  /** Each change that weakens protection relative to the previous set (`scope: detail`). */
  weakens: string[];
  /** Why the load was refused (the previous set stays in force), when it was. */
  error?: { code: string; message: string };
}

/** The detectors a rule file may list in `identifier_detectors`. */
export const IDENTIFIER_DETECTORS = {
  /** 10 digits in an issued NHS / H&C range with a valid modulus-11 check digit. */
  nhs_number: 'nhs_number',
  /** Scotland's CHI number: a valid DDMMYY date, 3 digits, a modulus-11 check digit. */
  chi_number: 'chi_number',
  /** A full UK postcode (outward and inward code). */
  postcode: 'postcode',
  /** An e-mail address. */
  email: 'email',
  /** A UK telephone number: 0 or +44 followed by a valid number of digits. */
  phone: 'phone',
  /** A full calendar date (day, month and year), counted only in a column named like a birth date. */
  birth_date: 'birth_date',
} as const;
export type IdentifierDetector = keyof typeof IDENTIFIER_DETECTORS;

/** What kind of record an audit entry is. Later kinds reference a `decision` and never change it. */
export const RECORD_KINDS = {
  /** A decision made by the engine (`POST /v1/decisions`). */
  decision: 'decision',
  /** One checker's signed verdict on a decision whose outcome is `review`. */
  review: 'review',
  /** The signed final outcome of a reviewed decision, once the review is settled (released, rejected or returned). */
  final: 'final',
  /** A checker's signed comment on a decision under review, public (to the researcher) or private (checkers only). */
  comment: 'comment',
  /** A rule-set load (start-up, reload by file, signal or API), activated or refused: who loaded which set. */
  ruleset: 'ruleset',
} as const;
export type RecordKind = keyof typeof RECORD_KINDS;
export const RECORD_KIND_VALUES = Object.keys(RECORD_KINDS) as RecordKind[];

/** A checker's verdict on a decision that needs review. */
export const REVIEW_VERDICTS = {
  /** The outputs may leave the TRE as submitted. */
  release: 'release',
  /** The outputs must not leave; the researcher may revise and submit again. */
  reject: 'reject',
} as const;
export type ReviewVerdict = keyof typeof REVIEW_VERDICTS;
export const REVIEW_VERDICT_VALUES = Object.keys(REVIEW_VERDICTS) as ReviewVerdict[];

/**
 * Where the human review of a decision with outcome `review` stands. Release needs the
 * configured number of distinct checkers (`AIRLOCK_CHECKERS_REQUIRED`, default 2) to say
 * release; one reject settles it as rejected (a split vote never releases: fail closed).
 * `src/review/review-state.ts` holds the transitions.
 */
export const REVIEW_STATES = {
  /** No checker has given a verdict yet. */
  pending: 'pending',
  /** Some, but fewer than the required number of, distinct checkers said release; none said reject. */
  approving: 'approving',
  /** Final: the required number of distinct checkers said release. */
  released: 'released',
  /** Final: a checker said reject. */
  rejected: 'rejected',
  /**
   * Final: a checker returned the request to the researcher with public comments, to revise and
   * submit again (a new decision). Nothing is released.
   */
  returned: 'returned',
} as const;
export type ReviewState = keyof typeof REVIEW_STATES;
export const REVIEW_STATE_VALUES = Object.keys(REVIEW_STATES) as ReviewState[];

/**
 * What moves a review: a checker's vote (`release`, `reject`) or a checker returning the request
 * to the researcher (`return`). The transitions are data in `src/review/review-state.ts`.
 */
export const REVIEW_EVENTS = {
  release: 'release',
  reject: 'reject',
  /** Back to the researcher with public comments; settles the review as `returned`. */
  return: 'return',
} as const;
export type ReviewEvent = keyof typeof REVIEW_EVENTS;
export const REVIEW_EVENT_VALUES = Object.keys(REVIEW_EVENTS) as ReviewEvent[];

/** Who may read a checker's comment. */
export const COMMENT_VISIBILITIES = {
  /** The researcher (the submitting platform) sees it once the review is settled or returned; checkers and auditors too. */
  public: 'public',
  /** Checkers and auditors only; never the researcher. */
  private: 'private',
} as const;
export type CommentVisibility = keyof typeof COMMENT_VISIBILITIES;
export const COMMENT_VISIBILITY_VALUES = Object.keys(COMMENT_VISIBILITIES) as CommentVisibility[];

/**
 * Who caused a review, comment or final record, as signed in it: a person (IdP subject and
 * display name) or a static API token (its name).
 */
export interface RecordActor {
  kind: 'person' | 'token';
  /** The normalised identity key that makes checkers distinct (`oidc:<subject>` or the token name). */
  id: string;
  /** Display name (a person's name claim; a token's name). */
  name: string;
  /** People only: the IdP's subject and issuer. */
  subject?: string;
  issuer?: string;
}

/** What a review or final record's signed document says about the review of decision `of`. */
export interface ReviewInfo {
  /** The id of the decision under review; its record is never changed. */
  of: string;
  /** The review state after this record. */
  state: ReviewState;
  /** Distinct checkers who have said release so far. */
  approvals: number;
  /** How many distinct checkers must say release. */
  required: number;
  /** Review records: the checker (identity key: `oidc:<subject>` or the token name, normalised), their verdict and why. */
  checker?: string;
  verdict?: ReviewVerdict;
  justification?: string;
  /** Final records: the ids of the review records the outcome rests on, in order. */
  reviews?: string[];
  /** Review, comment and final records: who caused the record (a person or a token). */
  by?: RecordActor;
  /** Comment records: the comment. */
  comment?: { text: string; visibility: CommentVisibility };
  /** Final records of a returned review: the ids of the public comment records sent back with it. */
  comments?: string[];
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
} as const;
export type Role = keyof typeof ROLES;
export const ROLE_VALUES = Object.keys(ROLES) as Role[];
