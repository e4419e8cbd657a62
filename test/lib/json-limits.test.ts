import { describe, expect, it } from 'vitest';
import { codePoints, longerThan } from '../../src/lib/code-points.js';
import { isWellFormed, jsonProblem, jsonProblemSliced } from '../../src/lib/json-limits.js';

const deep = (n: number) => JSON.parse(`${'['.repeat(n)}${']'.repeat(n)}`) as unknown;

describe('jsonProblem', () => {
  it.each([
    ['a number beyond the double range', '{"a":[1,2,1e309]}', { kind: 'non_finite', pointer: '/a/2' }],
    ['a negative one', '{"a":{"b":-1e400}}', { kind: 'non_finite', pointer: '/a/b' }],
    ['a lone high surrogate in a value', '{"x":{"a/b":"ok\\ud800"}}', { kind: 'lone_surrogate', pointer: '/x/a~1b' }],
    ['a lone low surrogate in a key (shown as U+FFFD)', '{"x":{"\\udc00~":1}}', { kind: 'lone_surrogate', pointer: '/x/\ufffd~0' }],
    ['reversed surrogates', '["\\udc00\\ud800"]', { kind: 'lone_surrogate', pointer: '/0' }],
    ['nesting past the limit', '[[[[]]]]', { kind: 'too_deep', pointer: '/0/0/0' }],
    ['the root itself, as a number', '1e999', { kind: 'non_finite', pointer: '' }],
  ])('finds %s', (_name, text, expected) => {
    expect(jsonProblem(JSON.parse(text), { maxDepth: 3 })).toEqual(expected);
  });

  it.each([
    ['a surrogate pair', '{"a":"😀","😀":["\\ud83d\\ude00"]}'],
    ['nesting at the limit', '[[[]]]'],
    ['large finite numbers and -0', '[1.7976931348623157e308,-1.7976931348623157e308,-0,5e-324]'],
    ['a __proto__ key', '{"__proto__":{"a":1}}'],
  ])('accepts %s', (_name, text) => {
    expect(jsonProblem(JSON.parse(text), { maxDepth: 3 })).toBeNull();
  });

  it('walks a million levels without overflowing the stack, stopping at the limit', () => {
    expect(jsonProblem(deep(1_000_000), { maxDepth: 64 })).toMatchObject({ kind: 'too_deep' });
  });

  it('reports the first problem in document order', () => {
    expect(jsonProblem(JSON.parse('{"a":[0,"\\ud800"],"b":1e309}'), { maxDepth: 10 })).toEqual({ kind: 'lone_surrogate', pointer: '/a/1' });
  });
});

describe('jsonProblemSliced (the walk of a large body, in slices)', () => {
  const zeros = (n: number) => Array.from({ length: n }, () => '{"c":0}').join(',');
  const problems = ['1', '{"a":[1,2,1e309]}', '{"x":{"a/b":"ok\\ud800"}}', '{"x":{"\\udc00~":1}}', '[[[[[[]]]]]]', '{"__proto__":{"a":1}}'];
  // Each value placed before, inside and after long arrays, and in a key beside one.
  const bodies = problems.flatMap((p) => [
    `{"pad":[${zeros(1500)}],"x":${p}}`,
    `{"cells":[${zeros(1200)},${p},${zeros(300)}]}`,
    `[{"outputs":[{"cells":[${p},${zeros(2000)}]}]}]`,
    `{"\\ud800":1,"cells":[${zeros(1000)}],"x":${p}}`,
    `[[[[[${p},[${zeros(1000)}]]]]]]`,
  ]);

  it('finds what jsonProblem finds, at the same pointer, in long arrays and around them', async () => {
    for (const text of bodies) {
      const value = JSON.parse(text) as unknown;
      for (const maxDepth of [3, 5, 64]) expect(await jsonProblemSliced(value, { maxDepth })).toEqual(jsonProblem(value, { maxDepth }));
    }
    expect(await jsonProblemSliced(JSON.parse(bodies[3] ?? ''), { maxDepth: 64 })).toEqual({ kind: 'lone_surrogate', pointer: '/\ufffd' });
    expect(await jsonProblemSliced(JSON.parse(bodies[6] ?? ''), { maxDepth: 64 })).toEqual({ kind: 'non_finite', pointer: '/cells/1200/a/2' });
    expect(await jsonProblemSliced(deep(1_000_000), { maxDepth: 64 })).toMatchObject({ kind: 'too_deep' });
  });
});

describe('isWellFormed and codePoints', () => {
  it('tell lone surrogates and count code points as JSON Schema does', () => {
    expect([isWellFormed('a😀'), isWellFormed('a\ud800'), isWellFormed('\udc00a')]).toEqual([true, false, false]);
    expect([codePoints('a😀'), codePoints('\ud800x'), longerThan('😀😀', 2), longerThan('😀😀x', 2)]).toEqual([2, 2, false, true]);
  });
});
