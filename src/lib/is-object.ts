/**
 * Whether a value is a plain JSON object (not an array, not null): the first question asked of
 * anything parsed from JSON before its fields are read.
 *
 * @example isObject({ a: 1 }) // true
 * @example isObject([1]) // false
 */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
