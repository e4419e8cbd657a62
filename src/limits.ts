/**
 * Resource limits that bound memory and CPU per request. They come from configuration
 * (`AIRLOCK_MAX_*`); parsers and the table builder enforce them with stable error codes.
 *
 * @example
 * const limits: Limits = { ...DEFAULT_LIMITS, maxCells: 1000 };
 */
export interface Limits {
  /** Largest number of microdata rows in one output. */
  maxRows: number;
  /** Largest number of cells in one table (margins included). */
  maxCells: number;
  /** Largest number of outputs in one request. */
  maxOutputs: number;
  /**
   * The request's byte limit (`AIRLOCK_JSON_LIMIT`): a file output's archives are unpacked to
   * at most 10× this many bytes in all, and a nested archive of more than this is not opened.
   */
  maxBytes?: number;
  /** Milliseconds the inspection of one file output (unpacking and profiling) may take. */
  fileCheckMs?: number;
  /** Work budget: most table cells across all outputs of one request (margins included). */
  maxRequestCells?: number;
  /** Work budget: largest table (cells, margins included) airlock protects (suppression is superlinear in cells). */
  maxProtectedCells?: number;
  /** Work budget: largest response (the decision and its signature), bytes. */
  maxResponseBytes?: number;
  /** Work budget: most evidence (replay evidence, released cells, history forms) one request stores, bytes. */
  maxEvidenceBytes?: number;
}

export const DEFAULT_LIMITS: Readonly<Required<Limits>> = Object.freeze({
  maxRows: 20_000_000,
  maxCells: 100_000,
  maxOutputs: 100,
  maxBytes: 128 * 1024 ** 2,
  fileCheckMs: 30_000,
  maxRequestCells: 1_000_000,
  maxProtectedCells: 40_000,
  maxResponseBytes: 64 * 1024 ** 2,
  maxEvidenceBytes: 32 * 1024 ** 2,
});

/**
 * Deepest nesting of arrays and objects a JSON body may have. A decision request needs about
 * six levels (request → outputs → output → cells → cell → labels); model hyperparameters may
 * nest further. Deeper bodies are refused (`JSON_TOO_DEEP`) before anything recursive reads them.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Largest signed decision (its canonical JSON, UTF-8 bytes). A decision is written about three
 * and a third times over on its way out (its text; the JWS, whose payload is that text in
 * base64; the audit record holding both and the released cells; the response holding the
 * decision and the JWS), and no one string can pass V8's limit of 2^29 − 24 UTF-16 units, so
 * a decision above a quarter of that is refused up front (`DECISION_TOO_LARGE`) rather than
 * failing half way with "Invalid string length".
 */
export const MAX_DECISION_BYTES = 128 * 1024 * 1024;

/**
 * Longest label (a category value or a column name), in Unicode code points: the `Label`
 * schema's `maxLength` in openapi.yaml, and what microdata fields are held to as well, so a
 * label is as long as it may be whichever way it arrives (`FIELD_TOO_LARGE` beyond).
 */
export const MAX_LABEL_LENGTH = 1000;

/** Longest microdata field the CSV reader keeps, in bytes: a label of MAX_LABEL_LENGTH code points in UTF-8. */
export const MAX_FIELD_BYTES = 4 * MAX_LABEL_LENGTH;
