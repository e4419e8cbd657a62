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
import { pointerToken } from './pointer-token.js';

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

/**
 * The first problem in `value` (depth-first, in document order), or null. Depth counts
 * containers: `[]` is depth 1, `{"a":[]}` depth 2. The walk recurses, but never below
 * `maxDepth` levels, so no input can overflow the stack.
 *
 * @example jsonProblem(JSON.parse('[[[]]]'), { maxDepth: 2 }) // { kind: 'too_deep', pointer: '/0/0' }
 */
export function jsonProblem(value: unknown, opts: { maxDepth: number }): JsonProblem | null {
  const { maxDepth } = opts;
  const walk = (v: unknown, depth: number): void => {
    if (typeof v === 'string') {
      if (!isWellFormed(v)) throw new Found('lone_surrogate');
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new Found('non_finite');
    } else if (v !== null && typeof v === 'object') {
      if (depth >= maxDepth) throw new Found('too_deep');
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          try {
            walk(v[i], depth + 1);
          } catch (e) {
            if (e instanceof Found) e.tokens.push(String(i));
            throw e;
          }
        }
      } else {
        for (const k in v) {
          try {
            if (!isWellFormed(k)) throw new Found('lone_surrogate');
            walk((v as Record<string, unknown>)[k], depth + 1);
          } catch (e) {
            if (e instanceof Found) e.tokens.push(k);
            throw e;
          }
        }
      }
    }
  };
  try {
    walk(value, 0);
    return null;
  } catch (e) {
    if (!(e instanceof Found)) throw e;
    const tokens = e.tokens.reverse().map(escapeToken);
    return { kind: e.kind, pointer: tokens.length ? `/${tokens.join('/')}` : '' };
  }
}
