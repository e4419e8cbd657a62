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
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxRows: 20_000_000,
  maxCells: 100_000,
  maxOutputs: 100,
});
