/**
 * Parsing outputs in tests: each kind's real parser with default limits and parameters, and
 * an assertion for the error code bad input must throw.
 *
 * @example const plot = parseAs(plotKind, { type: 'pie', categories: [{ label: 'a', count: 12 }] });
 */
import { expect } from 'vitest';
import type { ErrorCode } from '../../src/errors.js';
import { AirlockError } from '../../src/errors.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import type { OutputKindModule, ParseContext, RawOutput } from '../../src/outputs/output-kind.js';
import { DEFAULT_PARAMETERS } from '../../src/rules/parameters.js';

export const parseCtx: ParseContext = { limits: DEFAULT_LIMITS, params: DEFAULT_PARAMETERS, pointer: '/outputs/0' };

/** Parses the fields of one output (name and kind are filled in). */
export function parseAs<P>(mod: OutputKindModule<P, unknown, unknown>, fields: Record<string, unknown>, ctx: ParseContext = parseCtx): P {
  const raw: RawOutput = { name: 'o', kind: mod.kind, ...fields };
  return mod.parse(raw, ctx);
}

/** Asserts that `run` throws an AirlockError with `code`; returns it for further checks. */
export function expectCode(run: () => unknown, code: ErrorCode): AirlockError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(AirlockError);
    expect((e as AirlockError).code).toBe(code);
    expect((e as AirlockError).status).toBeGreaterThanOrEqual(400);
    expect((e as AirlockError).status).toBeLessThan(500);
    return e as AirlockError;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}
