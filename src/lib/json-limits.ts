/**
 * What JSON.parse accepts but airlock cannot use, found in one iterative pass over a parsed
 * value (no recursion, so no depth can overflow the stack): nesting deeper than a limit,
 * numbers beyond the range of doubles (JSON allows `1e309`; `JSON.parse` makes it Infinity),
 * and strings that are not valid Unicode (a `\ud800` escape is a lone UTF-16 surrogate, which
 * cannot be encoded, signed or stored as UTF-8).
 *
 * @example
 * jsonProblem(JSON.parse('{"a":[1e309]}'), { maxDepth: 64 }) // { kind: 'non_finite', pointer: '/a/0' }
 */
import { holdsLongArray } from './holds-long-array.js';
import { pointerToken } from './pointer-token.js';
import { loopSlicer } from './yield-to-loop.js';

/** One problem and where it is (a JSON pointer, RFC 6901). */
export interface JsonProblem {
  kind: 'too_deep' | 'non_finite' | 'lone_surrogate';
  pointer: string;
}

const nativeWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Whether a string is valid Unicode: no lone UTF-16 surrogate.
 *
 * @example isWellFormed('a\ud800') // false
 */
export function isWellFormed(s: string): boolean {
  return nativeWellFormed ? nativeWellFormed.call(s) : !LONE_SURROGATE.test(s);
}

const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');
/** A pointer token, escaped (RFC 6901), with lone surrogates shown as U+FFFD so the pointer itself is valid Unicode. */
const escapeToken = (t: string) => pointerToken(t).replace(LONE_SURROGATES, '\ufffd');

/** Thrown inside the walk to unwind with the problem; the tokens are collected on the way out. */
class Found {
  readonly tokens: string[] = [];
  constructor(readonly kind: JsonProblem['kind']) {}
}

/** The walk of `jsonProblem`: throws `Found` at the first problem, recursing never below `maxDepth` levels. */
function walk(v: unknown, depth: number, maxDepth: number): void {
  if (typeof v === 'string') {
    if (!isWellFormed(v)) throw new Found('lone_surrogate');
  } else if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Found('non_finite');
  } else if (v !== null && typeof v === 'object') {
    if (depth >= maxDepth) throw new Found('too_deep');
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) at(String(i), () => walk(v[i], depth + 1, maxDepth));
    } else {
      for (const k in v) at(k, () => walk(checkedKey(v, k), depth + 1, maxDepth));
    }
  }
}

/** `v[k]`, once the key itself is found valid Unicode. */
function checkedKey(v: object, k: string): unknown {
  if (!isWellFormed(k)) throw new Found('lone_surrogate');
  return (v as Record<string, unknown>)[k];
}

/** Runs `fn`; a problem found in it is placed under `token` on the way out. */
function at(token: string, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof Found) e.tokens.push(token);
    throw e;
  }
}

/** The problem a walk threw, as a pointer; anything else is thrown again. */
function problemOf(e: unknown): JsonProblem {
  if (!(e instanceof Found)) throw e;
  const tokens = e.tokens.reverse().map(escapeToken);
  return { kind: e.kind, pointer: tokens.length ? `/${tokens.join('/')}` : '' };
}

/**
 * The first problem in `value` (depth-first, in document order), or null. Depth counts
 * containers: `[]` is depth 1, `{"a":[]}` depth 2. The walk recurses, but never below
 * `maxDepth` levels, so no input can overflow the stack.
 *
 * @example jsonProblem(JSON.parse('[[[]]]'), { maxDepth: 2 }) // { kind: 'too_deep', pointer: '/0/0' }
 */
export function jsonProblem(value: unknown, opts: { maxDepth: number }): JsonProblem | null {
  try {
    walk(value, 0, opts.maxDepth);
    return null;
  } catch (e) {
    return problemOf(e);
  }
}

/** Arrays at least this long are walked in slices by `jsonProblemSliced`. */
const LONG_ARRAY = 1_000;

/**
 * `jsonProblem` with the event loop let in between the items of long arrays: the same answer,
 * for the largest body the limits allow (2.5 MB, a 40,000-cell table) whose walk would hold
 * the loop for tens of milliseconds in one piece (issue 13). Only the containers that hold a
 * long array are walked here; everything else is walked by `jsonProblem`'s walk in one piece.
 *
 * @example await jsonProblemSliced(JSON.parse('{"a":[1e309]}'), { maxDepth: 64 }) // { kind: 'non_finite', pointer: '/a/0' }
 */
export async function jsonProblemSliced(value: unknown, opts: { maxDepth: number }): Promise<JsonProblem | null> {
  const { maxDepth } = opts;
  const slicer = loopSlicer();
  const sliced = async (v: unknown, depth: number): Promise<void> => {
    if (typeof v !== 'object' || v === null || !holdsLongArray(v, LONG_ARRAY)) return walk(v, depth, maxDepth);
    if (depth >= maxDepth) throw new Found('too_deep');
    const long = Array.isArray(v) && v.length >= LONG_ARRAY;
    for (const k in v) {
      try {
        const x = Array.isArray(v) ? (v as unknown[])[Number(k)] : checkedKey(v, k);
        if (long) walk(x, depth + 1, maxDepth);
        else await sliced(x, depth + 1);
      } catch (e) {
        if (e instanceof Found) e.tokens.push(k);
        throw e;
      }
      const pause = slicer.pause();
      if (pause) await pause;
    }
  };
  try {
    await sliced(value, 0);
    return null;
  } catch (e) {
    return problemOf(e);
  }
}
