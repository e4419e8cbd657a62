/**
 * Microdata of the wrong shape, as a client (or a test, or the CLI) could pass it to an output
 * kind directly, past the request schema: each with the field it is wrong at, relative to the
 * output. Every kind that reads microdata must refuse each with its own code at that field —
 * before these, plot and summary crashed on some (`'columns' in "…"` is a TypeError: a 500
 * instead of bad input).
 *
 * @example
 * it.each(MALFORMED_MICRODATA)('%s', (_what, microdata, at) => expectCode(() => parse(microdata), 'PLOT_INVALID'));
 */
export const MALFORMED_MICRODATA: readonly (readonly [what: string, microdata: unknown, at: string])[] = [
  ['CSV text without its format', 'age,pid\n31,P1\n', '/microdata'],
  ['a number', 42, '/microdata'],
  ['a boolean', true, '/microdata'],
  ['a list of rows without its format', [{ age: 31, pid: 'P1' }], '/microdata'],
  ['no format', { data: 'age,pid\n31,P1\n' }, '/microdata/format'],
  ['an unknown format', { format: 'xml', data: 'age,pid\n31,P1\n' }, '/microdata/format'],
  ['no data', { format: 'csv' }, '/microdata/data'],
  ['data that is neither text nor rows', { format: 'csv', data: { age: 31 } }, '/microdata/data'],
];
