import { describe, expect, it } from 'vitest';
import { uuidV7 } from '../../src/lib/uuid-v7.js';

describe('uuidV7', () => {
  it.each([0, 1_700_000_000_000, 2 ** 48 - 1])('puts the milliseconds %i first, with version 7 and the RFC variant', (ms) => {
    const id = uuidV7(ms);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(ms);
  });

  it('gives distinct ids across refills of its random pool', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => uuidV7(42)));
    expect(ids.size).toBe(1000);
  });
});
