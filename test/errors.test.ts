import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AirlockError, ERRORS, toProblem } from '../src/errors.js';

const openapi = parse(readFileSync('openapi.yaml', 'utf8'));
const documented: string[] = openapi.components.schemas.ErrorCode.enum;

describe('the error catalogue', () => {
  it('has unique codes, each documented in openapi.yaml and nothing documented that does not exist', () => {
    const codes = Object.keys(ERRORS);
    expect(new Set(codes).size).toBe(codes.length);
    expect([...documented].sort()).toEqual([...codes].sort());
  });

  it.each(Object.entries(ERRORS))('%s has a 4xx/5xx status and a title', (code, entry) => {
    expect(entry.status).toBeGreaterThanOrEqual(400);
    expect(entry.status).toBeLessThan(600);
    expect(entry.title.length).toBeGreaterThan(10);
    expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
  });

  it('turns unknown errors into INTERNAL without leaking their message', () => {
    const p = toProblem(new Error('password=hunter2 at db.ts:12'));
    expect(p).toMatchObject({ status: 500, code: 'INTERNAL' });
    expect(JSON.stringify(p)).not.toContain('hunter2');
  });

  it('keeps an AirlockError code and details', () => {
    const p = toProblem(new AirlockError('CSV_RAGGED', 'row 3', [{ line: 3, message: 'x' }]), '/v1/decisions');
    expect(p).toMatchObject({ status: 422, code: 'CSV_RAGGED', detail: 'row 3', instance: '/v1/decisions', errors: [{ line: 3, message: 'x' }] });
  });
});
