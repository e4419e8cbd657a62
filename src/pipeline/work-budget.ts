/**
 * A request's work budget (issue 13, "bounded work per request"): the limits that bound how
 * much one request may make airlock compute, answer and store, each checked before the work
 * it bounds starts, so an oversized request is a 413 `WORK_BUDGET_EXCEEDED` naming the numbers
 * rather than minutes of CPU, gigabytes of memory or an audit store that grows by a gigabyte.
 *
 * - cells: the table cells of all the request's outputs together, counted as each table is
 *   built and before any check runs on it;
 * - protection: the size of a failing table before its protected version is computed (cell
 *   suppression grows faster than the table);
 * - response: the decision's JSON and its signature, before it is signed or recorded;
 * - evidence: what the audit store would keep of the request, before it is recorded.
 *
 * @example
 * const budget = new WorkBudget(limits);
 * budget.addCells(cellCount(table), '/outputs/0');
 * await budget.checkResponse(decision);
 */
import { AirlockError } from '../errors.js';
import type { Limits } from '../limits.js';
import { DEFAULT_LIMITS } from '../limits.js';
import { jsonText } from '../lib/json-text.js';
import { holdsLongArray } from '../lib/holds-long-array.js';
import { loopSlicer } from '../lib/yield-to-loop.js';

const fmt = (n: number) => n.toLocaleString('en-GB');

/** Bytes of a value as JSON (typed arrays counted by their bytes, as the stores encode them). */
export function jsonBytes(value: unknown): number {
  let text: string | undefined;
  let binary = 0;
  try {
    text = jsonText(value, (_k, v: unknown) => {
      if (ArrayBuffer.isView(v)) {
        binary += v.byteLength;
        return null;
      }
      return v;
    });
  } catch {
    // Too large to be one string: larger than any budget.
    return Number.POSITIVE_INFINITY;
  }
  return (text === undefined ? 0 : Buffer.byteLength(text)) + binary;
}

/** Arrays at least this long are measured item by item, with the event loop let in between (`jsonBytesSliced`). */
const SLICED_ARRAY = 256;

/** True for what JSON.stringify leaves out of an object, and writes as `null` in an array. */
const unwritable = (v: unknown): boolean => v === undefined || typeof v === 'function' || typeof v === 'symbol';

/**
 * `jsonBytes` of a large value (a 14 MB decision, a request's evidence) measured in short
 * slices with the event loop let in between: the same number, the text's parts added up
 * (brackets, commas, keys) rather than one string made of it all (issue 13). Only arrays and
 * plain objects holding a long array are taken apart; everything else is `jsonBytes` at once.
 *
 * @example await jsonBytesSliced({ cells: [1, 2] }) === jsonBytes({ cells: [1, 2] }) // true
 */
export async function jsonBytesSliced(value: unknown): Promise<number> {
  const slicer = loopSlicer();
  const size = async (v: unknown): Promise<number> => {
    const proto: unknown = typeof v === 'object' && v !== null ? Object.getPrototypeOf(v) : undefined;
    const plain = Array.isArray(v) || proto === Object.prototype || proto === null;
    if (!plain || typeof (v as { toJSON?: unknown }).toJSON === 'function' || !holdsLongArray(v, SLICED_ARRAY)) return jsonBytes(v);
    if (Array.isArray(v)) {
      // `[` `]`, a comma between items, an unwritable item as `null`.
      let bytes = 2 + Math.max(0, v.length - 1);
      for (const item of v) {
        bytes += unwritable(item) ? 4 : await size(item);
        await slicer.pause();
      }
      return bytes;
    }
    let bytes = 2;
    let members = 0;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (unwritable(x)) continue;
      bytes += Buffer.byteLength(JSON.stringify(k)) + 1 + (await size(x));
      members++;
    }
    return bytes + Math.max(0, members - 1);
  };
  return size(value);
}

function exceeded(what: string, need: number, budget: number, variable: string, pointer: string): AirlockError {
  return new AirlockError('WORK_BUDGET_EXCEEDED', `${what}: ${fmt(need)}, over the budget of ${fmt(budget)} (${variable})`, [
    { pointer: pointer || '/', message: `${fmt(need)} > ${fmt(budget)}` },
  ]);
}

export class WorkBudget {
  private cells = 0;
  private readonly limits: Required<Pick<Limits, 'maxRequestCells' | 'maxProtectedCells' | 'maxResponseBytes' | 'maxEvidenceBytes'>>;

  constructor(limits: Limits) {
    this.limits = {
      maxRequestCells: limits.maxRequestCells ?? DEFAULT_LIMITS.maxRequestCells,
      maxProtectedCells: limits.maxProtectedCells ?? DEFAULT_LIMITS.maxProtectedCells,
      maxResponseBytes: limits.maxResponseBytes ?? DEFAULT_LIMITS.maxResponseBytes,
      maxEvidenceBytes: limits.maxEvidenceBytes ?? DEFAULT_LIMITS.maxEvidenceBytes,
    };
  }

  /** The table cells counted so far (a worker evaluating the next output starts from them). */
  get counted(): number {
    return this.cells;
  }

  /** Counts an output's table cells towards the request's total; throws once the total is over. */
  addCells(n: number, pointer: string): void {
    this.cells += n;
    if (this.cells > this.limits.maxRequestCells) {
      throw exceeded(`table cells across the request's outputs (this one ${fmt(n)})`, this.cells, this.limits.maxRequestCells, 'AIRLOCK_MAX_REQUEST_CELLS', pointer);
    }
  }

  /** Throws when a table of `cells` cells is too large to protect. */
  checkProtection(cells: number, pointer: string): void {
    if (cells > this.limits.maxProtectedCells) throw exceeded('cells of a failing table to protect', cells, this.limits.maxProtectedCells, 'AIRLOCK_MAX_PROTECTED_CELLS', pointer);
  }

  /**
   * Throws when the response would be too large: the decision's JSON, plus its signature
   * (a compact JWS whose payload is that JSON in base64, 4/3 of it). Measured in slices.
   */
  async checkResponse(decision: unknown): Promise<void> {
    const bytes = Math.ceil(((await jsonBytesSliced(decision)) * 7) / 3);
    if (bytes > this.limits.maxResponseBytes) throw exceeded('bytes of response (the decision and its signature)', bytes, this.limits.maxResponseBytes, 'AIRLOCK_MAX_RESPONSE_BYTES', '');
  }

  /** Throws when what the store would keep of the request is too large. Measured in slices. */
  async checkEvidence(stored: unknown): Promise<void> {
    const bytes = await jsonBytesSliced(stored);
    if (bytes > this.limits.maxEvidenceBytes) throw exceeded('bytes of evidence to store', bytes, this.limits.maxEvidenceBytes, 'AIRLOCK_MAX_EVIDENCE_BYTES', '');
  }
}
