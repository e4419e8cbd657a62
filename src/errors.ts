/**
 * The one error catalogue. Every error a client can see has a stable `code` here, with its
 * HTTP status and a title; responses are RFC 9457 problem documents built from it. A test
 * checks every code is unique and documented in openapi.yaml, so clients can rely on them.
 *
 * @example
 * throw new AirlockError('CSV_RAGGED', 'row 7 has 3 fields, the header has 4');
 */

export interface ErrorEntry {
  /** HTTP status the code is answered with. */
  status: number;
  /** Short, stable, human-readable summary (the problem `title`). */
  title: string;
}

export const ERRORS = {
  // --- request shape (400) ---
  INVALID_JSON: { status: 400, title: 'The request body is not valid JSON' },
  INVALID_REQUEST: { status: 400, title: 'The request does not match the API schema' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The request content type is not supported' },
  BODY_TOO_LARGE: { status: 413, title: 'The request body exceeds the configured limit' },
  JSON_TOO_DEEP: { status: 400, title: 'The JSON body nests arrays and objects deeper than airlock accepts' },
  NUMBER_OUT_OF_RANGE: { status: 400, title: 'A JSON number is beyond the range of finite double-precision numbers' },
  INVALID_UNICODE: { status: 400, title: 'The request is not valid Unicode (invalid UTF-8 or a lone UTF-16 surrogate)' },
  INVALID_PATH: { status: 400, title: 'The request path has a malformed percent-escape' },
  // --- output content (422: well-formed request, unusable output) ---
  CSV_UNPARSEABLE: { status: 422, title: 'The CSV microdata cannot be parsed' },
  CSV_RAGGED: { status: 422, title: 'A CSV row has a different number of fields than the header' },
  MICRODATA_EMPTY: { status: 422, title: 'The microdata has no header or no columns' },
  MICRODATA_INVALID: { status: 422, title: 'The microdata rows are not objects of scalar values' },
  UNKNOWN_COLUMN: { status: 422, title: 'The table spec names a column the microdata does not have' },
  NON_NUMERIC_MEASURE: { status: 422, title: 'A measure value is not a finite number' },
  SPEC_INVALID: { status: 422, title: 'The table spec is inconsistent' },
  CELLS_INVALID: { status: 422, title: 'The pre-aggregated cells are inconsistent' },
  TABLE_TOO_LARGE: { status: 422, title: 'The table has more cells than the configured limit' },
  FIELD_TOO_LARGE: { status: 422, title: 'A field of the microdata is longer than airlock accepts' },
  VALUE_OVERFLOW: { status: 422, title: 'A sum or other aggregate of the finite values given overflows to infinity' },
  DECISION_TOO_LARGE: { status: 422, title: 'The decision for these outputs would be larger than airlock can sign and record' },
  WORK_BUDGET_EXCEEDED: { status: 413, title: 'The request needs more work or storage than the configured budget allows' },
  OUTPUT_INVALID: { status: 422, title: 'The output is internally inconsistent' },
  DUPLICATE_OUTPUT_NAME: { status: 422, title: 'Two outputs in one request share a name' },
  MODEL_INVALID: { status: 422, title: 'The model output is missing fields or is inconsistent' },
  PLOT_INVALID: { status: 422, title: 'The plot data is missing fields or is inconsistent' },
  BINS_INVALID: { status: 422, title: 'The histogram bins are empty, overlap or are not in order' },
  SURVIVAL_INCONSISTENT: { status: 422, title: 'The Kaplan-Meier steps are out of time order or their counts do not add up' },
  SUMMARY_INVALID: { status: 422, title: 'The summary statistics are missing fields or are inconsistent' },
  RECORDS_INVALID: { status: 422, title: 'The record-level output names its quasi-identifiers or sensitive column inconsistently' },
  FILE_INVALID: { status: 422, title: 'The file output has an unusable file name or no content' },
  BASE64_INVALID: { status: 422, title: 'The file content is not valid base64' },
  COMMENT_REQUIRED: { status: 422, title: 'This review action needs a comment' },
  RULESET_INVALID: { status: 422, title: 'The candidate rule set is invalid' },
  ACRO_INVALID: { status: 422, title: 'The ACRO output folder cannot be read (no results.json, one not in ACRO\'s shape, an unsupported ACRO version, or no checkable output)' },
  ACRO_CHECKSUM_MISMATCH: { status: 422, title: 'A file of the ACRO output folder differs from its checksum' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'The Idempotency-Key was already used for a different request' },
  // --- auth ---
  UNAUTHENTICATED: { status: 401, title: 'A valid bearer token is required' },
  FORBIDDEN: { status: 403, title: 'The token does not allow this action' },
  CSRF_REJECTED: { status: 403, title: 'A state-changing call from a console session lacks its CSRF token or comes from another origin' },
  SIGN_IN_FAILED: { status: 401, title: 'Signing in through the identity provider failed' },
  SIGN_IN_UNAVAILABLE: { status: 404, title: 'This way of signing in is not configured' },
  // --- lookup ---
  NOT_FOUND: { status: 404, title: 'No such resource' },
  ROUTE_NOT_FOUND: { status: 404, title: 'No such route' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'The method is not allowed on this route' },
  CONFLICT: { status: 409, title: 'The request conflicts with the current state' },
  RATE_LIMITED: { status: 429, title: 'Too many requests for this token' },
  // --- server side: never a decision ---
  RULES_INVALID: { status: 500, title: 'The rule set is invalid' },
  CHECK_FAILED: { status: 500, title: 'A check could not be evaluated; no decision was made' },
  INTERNAL: { status: 500, title: 'Internal error; no decision was made' },
  STORE_UNAVAILABLE: { status: 503, title: 'The audit store could not record the decision; no decision was made' },
  NOT_READY: { status: 503, title: 'The service is not ready' },
  REQUEST_TIMEOUT: { status: 503, title: 'The request took longer than the configured timeout' },
  BUSY: { status: 503, title: 'The service is busy with other large outputs; retry later' },
  CONFIG_INVALID: { status: 500, title: 'The configuration is invalid' },
} as const satisfies Record<string, ErrorEntry>;

export type ErrorCode = keyof typeof ERRORS;

/** Where in the input the problem is (JSON pointer into the request, or a CSV line). */
export interface ErrorDetail {
  pointer?: string;
  line?: number;
  column?: string;
  message: string;
}

/**
 * The only error type airlock throws on purpose. `code` is stable; `message` is for humans.
 *
 * @example
 * try { parse(x) } catch (e) { if (e instanceof AirlockError && e.code === 'CSV_RAGGED') … }
 */
export class AirlockError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ErrorDetail[];

  /**
   * @param options.cause what went wrong underneath (kept for logs and debugging; never sent
   *   to the client, whose problem document has only the code, message and details).
   */
  constructor(code: ErrorCode, message?: string, details: ErrorDetail[] = [], options?: { cause?: unknown }) {
    super(message ?? ERRORS[code].title, options);
    this.name = 'AirlockError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.details = details;
  }
}

/**
 * A problem's `type`: a URN naming its code (`urn:airlock:problem:CSV_RAGGED`), stable and
 * owned by nobody's domain, so it never points at a page that may not exist (RFC 9457 §3.1.1
 * allows any URI; the codes are documented in openapi.yaml's `ErrorCode`).
 *
 * @example problemType('NOT_FOUND') // 'urn:airlock:problem:NOT_FOUND'
 */
export function problemType(code: ErrorCode): string {
  return `urn:airlock:problem:${code}`;
}

/** An RFC 9457 problem document as airlock sends it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  instance?: string;
  errors?: ErrorDetail[];
}

/**
 * Server-side codes whose messages are written for clients (a deadline, readiness, which
 * output a check could not evaluate). Every other 5xx answers with its catalogue title only:
 * its message may carry what the client must not see (a driver's error, a SQLSTATE, a path,
 * "Invalid string length").
 */
const PUBLIC_SERVER_MESSAGES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['REQUEST_TIMEOUT', 'NOT_READY', 'CHECK_FAILED', 'BUSY']);

/**
 * Turns any thrown value into a problem document. Unknown errors become `INTERNAL`; a 5xx
 * problem carries its catalogue title as detail (except the codes above) and no details, so
 * internal messages and stacks never reach a client.
 *
 * @example toProblem(new AirlockError('NOT_FOUND')).status // 404
 */
export function toProblem(err: unknown, instance?: string): Problem {
  const e = err instanceof AirlockError ? err : new AirlockError('INTERNAL');
  const internal = e.status >= 500 && !PUBLIC_SERVER_MESSAGES.has(e.code);
  const p: Problem = {
    type: problemType(e.code),
    title: ERRORS[e.code].title,
    status: e.status,
    code: e.code,
    detail: internal ? ERRORS[e.code].title : e.message,
  };
  if (instance) p.instance = instance;
  if (e.details.length && !internal) p.errors = e.details;
  return p;
}

/**
 * A comparison too large to run within its budget (differencing's cube, unit patterns): the
 * caller sends the output to a checker (`review`). Its own class, so that a real RangeError
 * (a bug) is never mistaken for "too large" and turned into a review finding.
 *
 * @example if (size > MAX_CUBE_POSITIONS) throw new TooLargeToCompareError(`${size} margin combinations exceed ${MAX_CUBE_POSITIONS}`);
 */
export class TooLargeToCompareError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TooLargeToCompareError';
  }
}
