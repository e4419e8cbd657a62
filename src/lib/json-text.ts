/**
 * `JSON.stringify` typed as it behaves: `undefined` (or a function, or a symbol) at the top
 * has no JSON text, and the call returns `undefined` — lib.d.ts says `string`, which would let
 * a caller's "no text" branch look dead to the type checker and the linter.
 *
 * @example jsonText(undefined) // undefined
 * @example jsonText({ a: 1 }) // '{"a":1}'
 */
export function jsonText(value: unknown, replacer?: (this: unknown, key: string, value: unknown) => unknown): string | undefined {
  return JSON.stringify(value, replacer);
}
