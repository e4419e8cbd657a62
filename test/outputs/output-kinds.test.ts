import { describe, expect, it } from 'vitest';
import { OUTPUT_KIND_VALUES, type OutputKind } from '../../src/domain.js';
import { outputKindModule } from '../../src/outputs/index.js';
import { outputRemedy } from '../../src/remedies/index.js';

describe('the output-kind registry', () => {
  it('has a module for every kind, registered under its own kind', () => {
    for (const kind of OUTPUT_KIND_VALUES) expect(outputKindModule(kind).kind).toBe(kind);
  });

  // A kind read back from a store is only a string: an inherited name must not find a "module".
  it.each(['constructor', 'toString', '__proto__', 'spreadsheet'])('refuses the kind %j as bad input', (kind) => {
    expect(() => outputKindModule(kind as OutputKind)).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
  });

  it('has remedies for tables and plots only, each under its own kind', () => {
    const withRemedy = OUTPUT_KIND_VALUES.filter((k) => outputRemedy(k) !== undefined);
    expect(withRemedy.sort()).toEqual(['plot', 'table']);
    for (const kind of withRemedy) expect(outputRemedy(kind)?.kind).toBe(kind);
    expect(outputRemedy('constructor' as OutputKind)).toBeUndefined();
  });
});
