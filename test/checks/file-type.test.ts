import { describe, expect, it } from 'vitest';
import { fileType } from '../../src/checks/file-type.js';
import { fileKind } from '../../src/outputs/file/file-kind.js';
import { parseAs } from '../helpers/parse-output.js';
import { ctx, params } from '../helpers/tiny-table.js';

const file = (filename: string, content: string | Uint8Array = 'data') => parseAs(fileKind, { filename, content_base64: Buffer.from(content).toString('base64') });
const PICKLE = Uint8Array.of(0x80, 0x05, 0x95, 0x00);

describe('file_type', () => {
  it.each([
    ['figure.svg', 'fail'],
    ['graph.gph', 'fail'],
    ['model.pkl', 'fail'],
    ['model.PICKLE', 'fail'],
    ['model.joblib', 'fail'],
    ['model.pkl.gz', 'fail'],
    ['figure.png', 'pass'],
    ['table.csv', 'pass'],
    ['report.pdf', 'pass'],
    ['notes', 'pass'],
  ])('%s: %s', (name, status) => {
    const [f] = fileType.run(file(name), params(), ctx);
    expect(f).toMatchObject({ check: 'file_type', status });
  });

  it('catches blocked content under another name', () => {
    const [f] = fileType.run(file('weights.dat', PICKLE), params(), ctx);
    expect(f.status).toBe('fail');
    expect(f.items).toEqual([{ ref: 'content_base64', value: null, reason: 'the content is a Python pickle (blocked as .pkl, .pickle, .joblib) under another name' }]);
    expect(f.remedy).toContain('ONNX');
    const [svg] = fileType.run(file('figure.txt', '<svg xmlns="http://www.w3.org/2000/svg"/>'), params(), ctx);
    expect(svg.status).toBe('fail');
  });

  it('gives a remedy per type', () => {
    expect(fileType.run(file('fig.svg'), params(), ctx)[0].remedy).toBe('Export the figure as PNG or PDF (an SVG can carry the plotted data points and scripts).');
    expect(fileType.run(file('g.gph'), params(), ctx)[0].remedy).toContain('Stata graph');
  });

  it('uses the extensions the rules block', () => {
    expect(fileType.run(file('fig.svg'), params({ blocked_extensions: ['.pkl'] }), ctx)[0].status).toBe('pass');
    const [f] = fileType.run(file('data.xlsx'), params({ blocked_extensions: ['.xlsx'] }), ctx);
    expect(f).toMatchObject({ status: 'fail', remedy: 'Convert the .xlsx file to a format that is not blocked.' });
  });
});
