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
}

export const DEFAULT_LIMITS: Readonly<Required<Limits>> = Object.freeze({
  maxRows: 20_000_000,
  maxCells: 100_000,
  maxOutputs: 100,
  maxBytes: 128 * 1024 ** 2,
  fileCheckMs: 30_000,
});
