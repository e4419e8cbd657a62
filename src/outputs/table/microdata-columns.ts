/**
 * Every column name microdata has: a CSV's header (read from the first bytes only), or the
 * keys of JSON rows (their union, in order of first appearance). Record extracts are checked
 * on all their columns, not only those the submitter names.
 *
 * @example microdataColumnNames({ format: 'csv', data: 'age,sex,nhs_number\n…' }) // ['age', 'sex', 'nhs_number']
 */
import { CsvReader } from './csv-reader.js';
import type { MicrodataInput } from './table-kind.js';

const SLICE = 1 << 16;

/**
 * The column names, or [] when the microdata is not of a readable shape (the reader then
 * reports that as it reads the requested columns).
 *
 * @example microdataColumnNames({ format: 'json', data: [{ a: 1 }, { b: 2 }] }) // ['a', 'b']
 */
export function microdataColumnNames(m: MicrodataInput): string[] {
  if (m.format === 'csv') {
    if (typeof m.data !== 'string') return [];
    const probe = new CsvReader({ categories: [], numbers: [] });
    const encoder = new TextEncoder();
    try {
      for (let at = 0; at < m.data.length && probe.columnNames === null; at += SLICE) probe.push(encoder.encode(m.data.slice(at, at + SLICE)));
      if (probe.columnNames === null) probe.finish();
    } catch {
      return [];
    }
    return [...(probe.columnNames ?? [])];
  }
  if (!Array.isArray(m.data)) return [];
  const seen = new Set<string>();
  for (const row of m.data) {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) continue;
    for (const k of Object.keys(row)) seen.add(k);
  }
  return [...seen];
}
