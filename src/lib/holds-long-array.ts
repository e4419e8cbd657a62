/**
 * Whether an array of at least `minLength` items lies within `depth` levels of `value` (arrays
 * and plain objects, the JSON shape). Code that cuts the work on a large value into slices
 * (`canonicalJsonSliced`, the work budget's sizes) descends only where this is true and
 * handles everything else in one piece, cheaply.
 *
 * @example holdsLongArray({ table: { cells: new Array(300).fill(0) } }, 256) // true
 */
export function holdsLongArray(value: unknown, minLength: number, depth = 8): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) {
    if (value.length >= minLength) return true;
    return depth > 0 && value.some((v) => holdsLongArray(v, minLength, depth - 1));
  }
  if (ArrayBuffer.isView(value) || depth === 0) return false;
  return Object.values(value).some((v) => holdsLongArray(v, minLength, depth - 1));
}
