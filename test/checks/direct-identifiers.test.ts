import { describe, expect, it } from 'vitest';
import { seededRandom } from '../helpers/seeded-random.js';
import {
  directIdentifiersFile,
  directIdentifiersModel,
  directIdentifiersPlot,
  directIdentifiersRecords,
  directIdentifiersSummary,
  directIdentifiersTable,
  splitTerm,
} from '../../src/checks/direct-identifiers.js';
import { fileKind } from '../../src/outputs/file/file-kind.js';
import { modelKind } from '../../src/outputs/model/model-kind.js';
import { plotKind } from '../../src/outputs/plot/plot-kind.js';
import { recordsKind } from '../../src/outputs/records/records-kind.js';
import { summaryKind } from '../../src/outputs/summary/summary-kind.js';
import { tableKind } from '../../src/outputs/table/table-kind.js';
import { parseAs } from '../helpers/parse-output.js';
import { ctx, params } from '../helpers/tiny-table.js';
import { birthDates, nhsNumbers, postcodes, random10Digits } from '../helpers/identifiers.js';
import { zipOf } from '../helpers/file-fixtures.js';

const b64 = (s: string | Uint8Array) => Buffer.from(s).toString('base64');
const fileRun = (filename: string, content: string | Uint8Array, p = params()) => directIdentifiersFile.run(parseAs(fileKind, { filename, content_base64: b64(content) }), p, ctx);

/** The issue's extract: NHS numbers, dates of birth, postcodes and a diagnosis, `n` rows. */
function extractCsv(n: number, seed = 1): string {
  const rng = seededRandom(seed);
  const nhs = nhsNumbers(rng, n);
  const dob = birthDates(rng, n);
  const pc = postcodes(rng, n);
  const dx = ['C50', 'I10', 'E11', 'J45'];
  return `nhs_number,dob,postcode,diagnosis\n${nhs.map((x, i) => `${x},${dob[i]},${pc[i]},${dx[i % 4]}`).join('\n')}\n`;
}

describe('direct_identifiers on files', () => {
  it('fails extract.csv on the value detectors and names each column and detector, never a value', () => {
    const csv = extractCsv(40);
    const [f] = fileRun('extract.csv', csv);
    expect(f?.status).toBe('fail');
    expect(f?.items?.map((i) => i.ref)).toEqual(['column 1 ("nhs_number")', 'column 2 ("dob")', 'column 3 ("postcode")']);
    expect(f?.items?.[0]?.reason).toBe('40 of 40 non-empty values (100%) are NHS numbers (detector nhs_number); named like the direct identifier "nhs_number"');
    expect(f?.items?.[1]?.reason).toContain('detector birth_date');
    expect(f?.items?.[2]?.reason).toContain('detector postcode');
    const json = JSON.stringify(f);
    for (const value of csv.split('\n')[1]?.split(',') ?? []) if (value !== 'C50') expect(json).not.toContain(value);
  });

  it('reviews columns only named like identifiers (values that match nothing)', () => {
    const [f] = fileRun('t.csv', 'Patient Name,NHS-Number,count\nredacted,redacted,12\nredacted,redacted,30\n');
    expect(f?.status).toBe('review');
    expect(f?.items?.map((i) => i.ref)).toEqual(['column 1 ("Patient Name")', 'column 2 ("NHS-Number")']);
  });

  it('a column of random 10-digit numbers is not a listing; a column of valid NHS numbers is', () => {
    const rng = seededRandom(3);
    expect(fileRun('ids.csv', `ref,n\n${random10Digits(rng, 200).map((r) => `${r},1`).join('\n')}\n`)[0]?.status).toBe('pass');
    expect(fileRun('ids.csv', `ref,n\n${nhsNumbers(rng, 200).map((r) => `${r},1`).join('\n')}\n`)[0]?.status).toBe('fail');
  });

  it('half and half at the boundary: exactly half fails, one fewer passes', () => {
    const rng = seededRandom(4);
    const valid = nhsNumbers(rng, 20);
    const filler = Array.from({ length: 20 }, (_, i) => `REF${i}`);
    expect(fileRun('ids.csv', `ref\n${[...valid, ...filler].join('\n')}\n`)[0]?.status).toBe('fail');
    expect(fileRun('ids.csv', `ref\n${[...valid.slice(1), ...filler].join('\n')}\n`)[0]?.status).toBe('pass');
  });

  it('finds listings in TSV, in a one-column list without a header, and inside archives', () => {
    const rng = seededRandom(5);
    const emails = Array.from({ length: 30 }, (_, i) => `person${i}@example.org`);
    expect(fileRun('contacts.tsv', `who\tn\n${emails.map((e) => `${e}\t1`).join('\n')}\n`)[0]?.items?.[0]?.reason).toContain('e-mail addresses');
    const list = nhsNumbers(rng, 25).join('\n');
    const [l] = fileRun('list.txt', `${list}\n`);
    expect(l?.status).toBe('fail');
    // The first line (taken for a header) is itself an NHS number: it is not shown.
    expect(l?.items?.map((i) => i.ref)).toEqual(['column 1', 'the header row (column names)']);
    const [z] = fileRun('out.zip', zipOf({ 'tables/extract.csv': extractCsv(12) }));
    expect(z?.items?.[0]?.ref).toBe('out.zip › tables/extract.csv: column 1 ("nhs_number")');
  });

  it('a transposed listing (identifiers as column names) fails on the header row', () => {
    const header = nhsNumbers(seededRandom(6), 6).join(',');
    const [f] = fileRun('wide.csv', `${header}\n1,2,3,4,5,6\n`);
    expect(f?.status).toBe('fail');
    expect(f?.items?.map((i) => i.ref)).toEqual(['the header row (column names)']);
    expect(JSON.stringify(f)).not.toContain(header.split(',')[0]);
  });

  it('uses the rules: names and detectors can be changed', () => {
    expect(fileRun('t.csv', 'mrn,x\n1,2\n', params({ direct_identifier_columns: ['study_id'] }))[0]?.status).toBe('pass');
    expect(fileRun('t.csv', `pc\n${postcodes(seededRandom(7), 5).join('\n')}\n`, params({ identifier_detectors: ['email'] }))[0]?.status).toBe('pass');
  });

  it('does not apply to files without text', () => {
    expect(fileRun('f.png', Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a))).toEqual([]);
  });
});

describe('direct_identifiers on records: every column, whatever the submitter names', () => {
  it('fails an extract whose quasi-identifiers are harmless but whose rows carry nhs_number, dob, postcode', () => {
    const rng = seededRandom(8);
    const nhs = nhsNumbers(rng, 20);
    const dob = birthDates(rng, 20);
    const pc = postcodes(rng, 20);
    const data = `age_band,sex,nhs_number,dob,postcode\n${nhs.map((x, i) => `40-49,${i % 2 ? 'F' : 'M'},${x},${dob[i]},${pc[i]}`).join('\n')}\n`;
    const r = parseAs(recordsKind, { microdata: { format: 'csv', data }, quasi_identifiers: ['age_band', 'sex'] });
    const [f] = directIdentifiersRecords.run(r, params(), ctx);
    expect(f?.status).toBe('fail');
    expect(f?.items?.map((i) => i.ref)).toEqual(['column 3 ("nhs_number")', 'column 4 ("dob")', 'column 5 ("postcode")']);
  });

  it('passes an extract of quasi-identifiers and a diagnosis', () => {
    const r = parseAs(recordsKind, { microdata: { format: 'json', data: [{ age_band: '40-49', sex: 'F', diagnosis: 'C50' }] }, quasi_identifiers: ['age_band', 'sex'] });
    expect(directIdentifiersRecords.run(r, params(), ctx)[0]?.status).toBe('pass');
  });
});

describe('direct_identifiers on tables: variable names and each dimension\'s labels', () => {
  it('fails a table whose labels are postcodes, reviews one whose variable is named postcode', () => {
    const pcs = postcodes(seededRandom(9), 6);
    const cells = pcs.map((p) => ({ labels: { area: p }, count: 20 }));
    const [f] = directIdentifiersTable.run(parseAs(tableKind, { cells }), params(), ctx);
    expect(f).toMatchObject({ status: 'fail', items: [{ ref: 'dimension "area"' }] });
    const districts = ['SW1A', 'M1', 'B33'].map((d) => ({ labels: { postcode: d }, count: 20 }));
    const [g] = directIdentifiersTable.run(parseAs(tableKind, { cells: districts }), params(), ctx);
    expect(g).toMatchObject({ status: 'review', items: [{ ref: 'dimension "postcode"', reason: 'named like the direct identifier "postcode"' }] });
  });

  it('passes ordinary dimensions, from microdata too', () => {
    const t = parseAs(tableKind, { microdata: { format: 'csv', data: 'region,sex\nnorth,F\nsouth,M\n' }, spec: { index: ['region'], columns: ['sex'], margins: true } });
    expect(directIdentifiersTable.run(t, params(), ctx)[0]?.status).toBe('pass');
  });
});

describe('direct_identifiers on plots, summaries and models', () => {
  it('plots: bar categories that are e-mail addresses fail', () => {
    const categories = Array.from({ length: 4 }, (_, i) => ({ label: `user${i}@example.org`, count: 20 }));
    const [f] = directIdentifiersPlot.run(parseAs(plotKind, { type: 'bar', categories }), params(), ctx);
    expect(f).toMatchObject({ status: 'fail', items: [{ ref: 'categories' }] });
    expect(directIdentifiersPlot.run(parseAs(plotKind, { type: 'bar', categories: [{ label: 'north', count: 20 }] }), params(), ctx)[0]?.status).toBe('pass');
    expect(directIdentifiersPlot.run(parseAs(plotKind, { type: 'histogram', bins: [{ from: 0, to: 1, count: 20 }] }), params(), ctx)).toEqual([]);
  });

  it('summaries: a statistic named dob is reviewed; statistic names that are NHS numbers fail', () => {
    const [f] = directIdentifiersSummary.run(parseAs(summaryKind, { statistics: [{ name: 'dob', statistic: 'median', n: 100, value: 1980 }] }), params(), ctx);
    expect(f).toMatchObject({ status: 'review', items: [{ ref: 'statistic "dob"' }] });
    const names = nhsNumbers(seededRandom(10), 3).map((name) => ({ name, statistic: 'mean', n: 100, value: 1 }));
    const [g] = directIdentifiersSummary.run(parseAs(summaryKind, { statistics: names }), params(), ctx);
    expect(g?.status).toBe('fail');
    expect(JSON.stringify(g)).not.toContain(names[0]?.name);
  });

  it('models: a dummy per postcode fails; a term named patient_id is reviewed', () => {
    const coefficients = [{ term: 'Intercept', estimate: 1 }, ...postcodes(seededRandom(11), 4).map((p) => ({ term: `C(postcode)[T.${p}]`, estimate: 0.1 }))];
    const [f] = directIdentifiersModel.run(parseAs(modelKind, { family: 'ols', n_obs: 1000, n_params: 5, coefficients }), params(), ctx);
    expect(f?.status).toBe('fail');
    expect(f?.items?.map((i) => i.ref)).toEqual(['term "postcode" (its 4 levels)']);
    const [g] = directIdentifiersModel.run(parseAs(modelKind, { family: 'ols', n_obs: 1000, n_params: 2, coefficients: [{ term: 'patient_id', estimate: 1 }, { term: 'age', estimate: 2 }] }), params(), ctx);
    expect(g).toMatchObject({ status: 'review', items: [{ ref: 'term "patient_id"' }] });
    expect(directIdentifiersModel.run(parseAs(modelKind, { family: 'random_forest', n_train: 100, format: 'onnx' }), params(), ctx)).toEqual([]);
  });

  it.each([
    ['C(postcode)[T.AB1 2CD]', 'postcode', 'AB1 2CD'],
    ['sex[T.F]', 'sex', 'F'],
    ['region=north', 'region', 'north'],
    ['age_band_40-49', 'age_band', '40-49'],
    ['age', 'age', null],
  ])('splitTerm(%j)', (term, variable, level) => {
    expect(splitTerm(term)).toEqual({ variable, level });
  });
});
