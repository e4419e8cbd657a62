import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../helpers/seeded-random.js';
import { IDENTIFIER_DETECTOR_VALUES } from '../../../src/lib/identifier-detectors.js';
import { DelimitedProfiler, MAX_FIELD_CHARS, columnIdentifier, detectDelimiter } from '../../../src/outputs/file/delimited-profile.js';
import { nhsNumbers, random10Digits } from '../../helpers/identifiers.js';

const opts = { threshold: 10, detectors: IDENTIFIER_DETECTOR_VALUES };

/** Profiles text pushed in chunks of `chunk` characters (cut anywhere). */
function profile(text: string, delimiter = detectDelimiter(text, true), chunk = 7) {
  const p = new DelimitedProfiler(delimiter, opts);
  for (let at = 0; at < text.length; at += chunk) p.push(text.slice(at, at + chunk));
  return p.finish();
}

describe('detectDelimiter', () => {
  it.each([
    ['a,b,c\n1,2,3\n', ','],
    ['a\tb\n1\t2\n', '\t'],
    ['a;b;c\n1,5;2;3\n4,25;7;8\n', ';'],
    ['a|b\n1|2\n', '|'],
    ['"x, y",b\n"1,2",3\n', ','],
    ['one value per line\nanother\n', null],
    ['a,b\n1\n', null],
  ] as const)('%j → %j', (text, d) => {
    expect(detectDelimiter(text, true)).toBe(d);
  });
});

describe('DelimitedProfiler', () => {
  it('profiles each column: type, rows, missing, min, min non-zero, max, small counts, rounding, distinct', () => {
    const p = profile('region,count,rate,when\nnorth,0,0.5,2024-01-01\nsouth,3,1.25,2024-02-01\neast,NA,,2024-03-01\nwest,120,2,2024-04-01\n');
    expect(p).toMatchObject({ delimiter: ',', rows: 4, ragged_rows: 0, unreadable: null });
    const [region, count, rate, when] = p.columns;
    expect(region).toMatchObject({ name: 'region', type: 'text', missing: 0, numeric: 0, min: null, distinct: 4 });
    expect(count).toMatchObject({ type: 'integer', rows: 4, missing: 1, min: 0, min_nonzero: 3, max: 120, small_counts: 1, rounding: 'none' });
    expect(rate).toMatchObject({ type: 'decimal', missing: 1, min: 0.5, max: 2, small_counts: 1 });
    expect(when).toMatchObject({ type: 'date' });
  });

  it.each([
    ['10\n20\n0\n150\n', 'multiples_of_10'],
    ['5\n15\n20\n', 'multiples_of_5'],
    ['3\n9\n27\n0\n', 'midpoint6'],
    ['3\n4\n', 'none'],
    ['0\n0\n', null],
  ])('rounding of %j: %s', (values, rounding) => {
    expect(profile(`n\n${values}`, null).columns[0]?.rounding).toBe(rounding);
  });

  it('reads quoted fields with delimiters, quotes and newlines, cut across chunks anywhere', () => {
    const text = 'a,b\n"x, ""y""\nz",1\r\n"=2",3\r\n';
    for (const chunk of [1, 2, 3, 5, 100]) {
      const p = profile(text, ',', chunk);
      expect(p.rows, `chunk ${chunk}`).toBe(2);
      expect(p.columns[1]).toMatchObject({ type: 'integer', min: 1, max: 3 });
      expect(p.formula.total).toBe(1);
      expect(p.formula.refs).toEqual(['row 2, column 1 ("a")']);
    }
  });

  it('treats decimal commas as numbers where the delimiter is not a comma', () => {
    expect(profile('a;b\n1,5;x\n2,5;y\n').columns[0]).toMatchObject({ type: 'decimal', min: 1.5, max: 2.5 });
  });

  it('counts ragged rows and keeps reading', () => {
    const p = profile('a,b\n1\n2,3,4\n', ',');
    expect(p).toMatchObject({ rows: 2, ragged_rows: 2 });
    expect(p.columns).toHaveLength(3);
    expect(p.columns[1]).toMatchObject({ missing: 1 });
    expect(p.columns[2]).toMatchObject({ name: null, missing: 1, numeric: 1 });
  });

  it('stops at an unclosed quote or a field longer than the bound', () => {
    expect(profile('a,b\n"1,2\n', ',').unreadable).toContain('not closed');
    const huge = profile(`a\n"${'x'.repeat(MAX_FIELD_CHARS + 10)}"\n`, ',', 1 << 16);
    expect(huge.unreadable).toContain('longer than');
  });

  it('tallies identifier detectors per column, and hides headers that are identifier values', () => {
    const rng = seededRandom(11);
    const nhs = nhsNumbers(rng, 30);
    const [firstNhs = ''] = nhs;
    const p = profile(`id,${firstNhs}\n${nhs.map((n, i) => `${random10Digits(rng, 1)[0]},${i}`).join('\n')}\n`);
    expect(p.columns[1]?.name).toBeNull();
    const q = profile(`id,n\n${nhs.map((n, i) => `${n},${i}`).join('\n')}\n`);
    expect(columnIdentifier(q.columns[0] ?? (undefined as never))).toMatchObject({ detector: 'nhs_number', matches: 30, nonEmpty: 30 });
    expect(columnIdentifier(q.columns[1] ?? (undefined as never))).toBeNull();
  });

  it('keeps no cell text in the profile beyond headers', () => {
    const p = profile('name,diagnosis\nJane Doe,HIV\n');
    const json = JSON.stringify(p, (k, v) => (k === 'tally' ? undefined : v));
    expect(json).not.toContain('Jane');
    expect(json).not.toContain('HIV');
  });
});
