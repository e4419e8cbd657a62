/**
 * Normalises a `ColumnRequest` before a reader uses it: duplicates removed (a variable may be
 * named on both axes of a spec) and a column asked for both as text and as a number refused,
 * since a `Columnar` holds one column per name.
 *
 * @example
 * normaliseRequest({ categories: ['sex', 'sex'], numbers: ['income'] });
 * // { categories: ['sex'], numbers: ['income'] }
 */
import { AirlockError } from '../../errors.js';
import type { ColumnRequest } from './columnar.js';

/**
 * The request with each name once; throws `SPEC_INVALID` when a name is in both lists.
 *
 * @example
 * normaliseRequest({ categories: ['a'], numbers: ['a'] }); // throws SPEC_INVALID
 */
export function normaliseRequest(request: ColumnRequest): ColumnRequest {
  const categories = [...new Set(request.categories)];
  const numbers = [...new Set(request.numbers)];
  const both = numbers.filter((n) => categories.includes(n));
  if (both.length) {
    throw new AirlockError(
      'SPEC_INVALID',
      `column(s) ${both.map((n) => JSON.stringify(n)).join(', ')} requested both as a dimension and as a measure`,
      both.map((n) => ({ column: n, message: 'requested both as a dimension and as a measure' })),
    );
  }
  return request.otherColumns ? { categories, numbers, otherColumns: request.otherColumns } : { categories, numbers };
}
