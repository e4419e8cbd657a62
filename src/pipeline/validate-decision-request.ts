/**
 * The contract's `DecisionRequest` check of a request body, cut into slices so that the largest
 * body the limits allow (a 40,000-cell table, 2.5 MB) does not hold the event loop for one
 * piece of a tenth of a second (issue 13). The long `cells` arrays of tables are checked item
 * by item against `CellInput` with the loop let in between; the rest of the request is then
 * checked in one piece with each such array cut to its first item, which the schema treats the
 * same (it constrains `cells` only by `minItems: 1` and its items; ajv does not change the
 * value it checks).
 *
 * Whatever fails either step is checked again by the whole-request validator, which throws:
 * a bad body gets exactly the error (`INVALID_REQUEST`, pointers, messages) it always got, and
 * nothing the whole check would refuse can pass.
 *
 * @example const req = await validateDecisionRequest(req.body); req.outputs.length;
 */
import type { ApiSchemas, SchemaAssertion } from '../api/openapi.js';
import { schemaAccepts, schemaValidator } from '../api/openapi.js';
import { isObject } from '../lib/is-object.js';
import { loopSlicer } from '../lib/yield-to-loop.js';

const validateWhole: SchemaAssertion<'DecisionRequest'> = schemaValidator('DecisionRequest');
const acceptsCell = schemaAccepts('CellInput');
const acceptsRequest = schemaAccepts('DecisionRequest');

/** Tables with at least this many cells are checked in slices; smaller requests in one piece. */
const LONG_CELLS = 1_000;

/**
 * `body` as a `DecisionRequest`, or the `INVALID_REQUEST` the whole-request validator throws.
 *
 * @example await validateDecisionRequest({ project: 'p', requester: 'r', outputs: [] }) // throws INVALID_REQUEST (/outputs)
 */
export async function validateDecisionRequest(body: unknown): Promise<ApiSchemas['DecisionRequest']> {
  const skeleton = await checkedInSlices(body);
  if (skeleton === null || !acceptsRequest(skeleton)) validateWhole(body);
  return body as ApiSchemas['DecisionRequest'];
}

/**
 * The request with each long `cells` array of a table cut to its first item, once every item
 * was found valid; null when an item is not (or there is nothing long: the whole check then runs).
 */
async function checkedInSlices(body: unknown): Promise<unknown> {
  if (!isObject(body) || !Array.isArray(body.outputs)) return null;
  const slicer = loopSlicer();
  let cut = false;
  const outputs: unknown[] = [];
  for (const o of body.outputs as unknown[]) {
    const cells: unknown = isObject(o) && o.kind === 'table' ? o.cells : undefined;
    if (!isObject(o) || !Array.isArray(cells) || cells.length < LONG_CELLS) {
      outputs.push(o);
      continue;
    }
    for (const cell of cells as unknown[]) {
      if (!acceptsCell(cell)) return null;
      await slicer.pause();
    }
    outputs.push({ ...o, cells: cells.slice(0, 1) });
    cut = true;
  }
  return cut ? { ...body, outputs } : null;
}
