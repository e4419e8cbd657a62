/**
 * The sliced `DecisionRequest` check (src/pipeline/validate-decision-request.ts): a large
 * request it accepts is one the whole-request validator accepts, and a bad one — a bad cell
 * deep in a long array, or a bad field beside it — gets exactly the whole validator's error.
 */
import { describe, expect, it } from 'vitest';
import { schemaValidator } from '../../src/api/openapi.js';
import { AirlockError } from '../../src/errors.js';
import { validateDecisionRequest } from '../../src/pipeline/validate-decision-request.js';
import { hardTable } from '../helpers/hard-table.js';

const whole = schemaValidator('DecisionRequest');

/** What a validator ends with: 'ok', or the error's code, message and details. */
async function outcome(check: () => unknown): Promise<unknown> {
  try {
    await check();
    return 'ok';
  } catch (e) {
    if (!(e instanceof AirlockError)) throw e;
    return { code: e.code, message: e.message, details: e.details };
  }
}

const request = (output: object, extra: object = {}) => ({ project: 'p', requester: 'r', outputs: [{ name: 'small', kind: 'table', cells: [{ labels: { a: 'x' }, count: 3 }] }, output], ...extra });
const big = () => hardTable(40) as unknown as { cells: Record<string, unknown>[] } & Record<string, unknown>;
const withCell = (i: number, cell: unknown) => {
  const t = big();
  t.cells[i] = cell as Record<string, unknown>;
  return t;
};

describe('validateDecisionRequest', () => {
  it.each([
    ['a valid 1,600-cell table', request(big())],
    ['a cell without its count, deep in the array', request(withCell(1500, { labels: { r: 'a' } }))],
    ['a cell with an unknown key', request(withCell(1200, { labels: { r: 'a' }, count: 1, cuont: 2 }))],
    ['a cell that is not an object', request(withCell(1599, 'x'))],
    ['an unknown field beside the long array', request({ ...big(), colour: 'red' })],
    ['microdata beside the cells', request({ ...big(), microdata: { format: 'csv', data: 'a\n1\n' } })],
    ['an unknown top-level field', request(big(), { extra: 1 })],
    ['a missing requester', { project: 'p', outputs: [big()] }],
    ['a body that is an array', [big()]],
  ])('ends as the whole validator does: %s', async (_what, body) => {
    const expected = await outcome(() => whole(body));
    expect(await outcome(() => validateDecisionRequest(body))).toEqual(expected);
    if (_what.startsWith('a valid')) expect(expected).toBe('ok');
    else expect(expected).toMatchObject({ code: 'INVALID_REQUEST' });
  });
});
