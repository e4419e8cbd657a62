import { gzipSync, zipSync, zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../helpers/seeded-random.js';
import { IDENTIFIER_DETECTOR_VALUES } from '../../../src/lib/identifier-detectors.js';
import type { InspectBounds } from '../../../src/outputs/file/inspect-file.js';
import { boundsFor, inspectFile, walkNodes } from '../../../src/outputs/file/inspect-file.js';
import { DEFAULT_LIMITS } from '../../../src/limits.js';
import { BZ2_CSV, BZ2_ZEROS_20MIB, PICKLES, nestedZip, overlappingZip, tarOf, torchZip, withDeclaredSize, zipOf } from '../../helpers/file-fixtures.js';

const MiB = 1 << 20;
const profile = { threshold: 10, detectors: IDENTIFIER_DETECTOR_VALUES };
/** Small bounds, so bombs are cheap to test: 1 MiB request → 10 MiB unpacked at most. */
const small = (over: Partial<InspectBounds> = {}): InspectBounds => ({ ...boundsFor({ ...DEFAULT_LIMITS, maxBytes: MiB }, profile), ...over });
const problems = (root: ReturnType<typeof inspectFile>['root']) => [...walkNodes(root)].flatMap((n) => n.problems.map((p) => `${p.status}: ${p.reason}`));
const zeros = (n: number) => new Uint8Array(n);

describe('inspectFile: what a file is, by content', () => {
  it('lists archive members with their types, each checked as a file', () => {
    const zip = zipOf({ 'tables/counts.csv': 'region,count\nnorth,12\n', 'figures/fig1.png': Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), 'notes.txt': 'hello\n', 'dir/': '' });
    const { root, members } = inspectFile(zip, 'results.zip', small());
    expect(root.type.id).toBe('zip');
    expect(root.members?.map((m) => [m.path, m.type.id])).toEqual([
      ['results.zip › tables/counts.csv', 'delimited_text'],
      ['results.zip › figures/fig1.png', 'png'],
      ['results.zip › notes.txt', 'text'],
    ]);
    expect(members).toBe(3);
    expect(problems(root)).toEqual([]);
  });

  it('opens tar, tar.gz, gzip, zlib and bzip2, naming the content after the outer name', () => {
    const tgz = gzipSync(tarOf({ 'out/a.csv': 'x,y\n1,2\n' }));
    const t = inspectFile(tgz, 'results.tar.gz', small()).root;
    expect([...walkNodes(t)].map((n) => `${n.path}:${n.type.id}`)).toEqual(['results.tar.gz:gzip', 'results.tar.gz › results.tar:tar', 'results.tar.gz › results.tar › out/a.csv:delimited_text']);
    expect(inspectFile(zlibSync(new TextEncoder().encode('a,b\n1,2\n')), 'x.z', small()).root.members?.[0]?.type.id).toBe('delimited_text');
    expect(inspectFile(BZ2_CSV, 'counts.csv.bz2', small()).root.members?.[0]).toMatchObject({ name: 'counts.csv', type: { id: 'delimited_text' } });
  });

  it('recognises office files and torch checkpoints from their member names', () => {
    expect(inspectFile(zipOf({ '[Content_Types].xml': '<x/>', 'xl/workbook.xml': '<x/>' }), 'book.xlsx', small()).root.type.id).toBe('xlsx');
    expect(inspectFile(torchZip(), 'model.pt', small()).root.type.id).toBe('torch');
  });

  it('does not take text that merely starts like a zlib header for compressed data', () => {
    const text = new TextEncoder().encode('x^2 + y^2 = r^2\nsecond line\n');
    expect(inspectFile(text, 'notes.txt', small()).root.type.id).toBe('text');
  });

  it('profiles UTF-16 text with a byte-order mark (Excel\'s "Unicode text")', () => {
    const body = Buffer.from('\ufeffregion\tcount\nnorth\t12\n', 'utf16le');
    const root = inspectFile(new Uint8Array(body), 'export.txt', small()).root;
    expect(root).toMatchObject({ encoding: 'utf-16le', type: { id: 'delimited_text' } });
    expect(root.text?.columns.map((c) => c.name)).toEqual(['region', 'count']);
  });
});

describe('inspectFile: zip bombs are bounded (bytes inflated, never wall time)', () => {
  it('a member that expands more than 200:1 is stopped once past 1 MiB', () => {
    const zip = zipOf({ 'zeros.csv': zeros(5 * MiB) });
    const r = inspectFile(zip, 'bomb.zip', small());
    expect(problems(r.root).join('\n')).toContain('expands more than 200:1');
    expect(r.inflated).toBeLessThan(2 * MiB + 17 * MiB);
    expect(r.inflated).toBeGreaterThan(MiB);
  });

  it('the ratio is measured on the compressed bytes consumed so far, so a large bomb stops within one step', () => {
    // 128 MiB of zeros deflate to ~125 KiB: a ratio over the whole member would let 25 MiB through.
    const r = inspectFile(zipOf({ 'zeros.csv': zeros(128 * MiB) }), 'bomb.zip', boundsFor(DEFAULT_LIMITS, profile));
    expect(problems(r.root).join('\n')).toContain('expands more than 200:1');
    expect(r.inflated).toBeLessThan(18 * MiB);
  });

  it('the total uncompressed budget (10 × the request limit) stops a stream that stays under the ratio', () => {
    // Noise compresses badly: the ratio bound never fires, and gzip declares no size; the byte budget stops it.
    const noise = new Uint8Array(12 * MiB);
    const random = seededRandom(7);
    for (let i = 0; i < noise.length; i++) noise[i] = Math.floor(random() * 256);
    const r = inspectFile(gzipSync(noise, { level: 1 }), 'big.bin.gz', small());
    expect(problems(r.root).join('\n')).toContain('exceed 10485760 uncompressed bytes');
    expect(r.inflated).toBeLessThanOrEqual(10 * MiB + 17 * MiB);
  });

  it('overlapping entries (the non-recursive zip bomb) fail before anything is inflated', () => {
    const r = inspectFile(overlappingZip(zipOf({ 'data-000000.csv': zeros(MiB / 2) }), 500), 'overlap.zip', small());
    expect(problems(r.root).join('\n')).toMatch(/^fail: entries .* share bytes/);
    expect(r.inflated).toBe(0);
  });

  it('a member that inflates past its declared size is stopped at the declared size', () => {
    const lying = withDeclaredSize(zipOf({ 'a.csv': 'x,y\n'.repeat(100_000) }), 1000);
    const r = inspectFile(lying, 'liar.zip', small());
    expect(problems(r.root).join('\n')).toContain('inflates to more than the 1000 bytes it declares');
    expect(r.inflated).toBeLessThan(17 * MiB);
  });

  it('a declared size beyond the budget is refused without inflating (zip bomb or not)', () => {
    const r = inspectFile(zipOf({ 'zeros.csv': zeros(11 * MiB) }), 'bomb.zip', small());
    expect(problems(r.root).join('\n')).toContain('declares 11534336 bytes uncompressed');
    expect(r.inflated).toBe(0);
  });

  it('a huge declared size is refused without inflating', () => {
    const r = inspectFile(withDeclaredSize(zipOf({ 'a.csv': 'x\n1\n' }), 0xfffffff0), 'huge.zip', small());
    expect(problems(r.root).join('\n')).toContain('declares 4294967280 bytes uncompressed');
    expect(r.inflated).toBe(0);
  });

  it('nesting deeper than 3 levels (42.zip, quine-like self-nesting) is not opened', () => {
    const r = inspectFile(nestedZip(4, { 'a.csv': 'x\n1\n' }), 'nested.zip', small());
    expect(problems(r.root)).toEqual(['fail: an archive nested more than 3 levels deep: not opened']);
    const ok = inspectFile(nestedZip(3, { 'a.csv': 'x\n1\n' }), 'nested.zip', small());
    expect(problems(ok.root)).toEqual([]);
    expect([...walkNodes(ok.root)].at(-1)?.path).toBe('nested.zip › level-2.zip › level-3.zip › a.csv');
    // A zip holding copies of itself level after level stops at the same depth, whatever its fan-out.
    let quine = zipOf({ 'r.zip': zipOf({ 'x.txt': 'x' }) });
    for (let i = 0; i < 4; i++) quine = zipOf({ 'r.zip': quine, 'r2.zip': quine, 'r3.zip': quine });
    const q = inspectFile(quine, 'r.zip', small());
    expect(problems(q.root).some((p) => p.includes('nested more than 3 levels'))).toBe(true);
    expect(q.members).toBeLessThanOrEqual(1000);
  });

  it('more than 1,000 members fail without unpacking them', () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 1001; i++) many[`f${i}.txt`] = 'x';
    const r = inspectFile(zipOf(many), 'many.zip', small());
    expect(problems(r.root).join('\n')).toContain('holds 1001 entries');
    expect(r.inflated).toBe(0);
  });

  it('gzip and bzip2 bombs are stopped by the ratio bound', () => {
    const g = inspectFile(gzipSync(zeros(40 * MiB)), 'x.csv.gz', small());
    expect(problems(g.root).join('\n')).toContain('expands more than 200:1');
    const b = inspectFile(BZ2_ZEROS_20MIB, 'x.bz2', small());
    expect(problems(b.root).join('\n')).toContain('expands more than 200:1');
    expect(b.inflated).toBeLessThan(2 * MiB);
  });

  it('encrypted members fail; methods airlock cannot open are reviewed', () => {
    const zip = zipOf({ 'a.csv': 'x\n1\n' }, 0);
    const enc = zip.slice();
    const cd = new DataView(enc.buffer).getUint32(enc.length - 22 + 16, true);
    enc[cd + 8] = (enc[cd + 8] ?? 0) | 1;
    expect(problems(inspectFile(enc, 'enc.zip', small()).root)).toEqual(['fail: encrypted: its content cannot be checked']);
    const lzma = zip.slice();
    lzma[cd + 10] = 14;
    expect(problems(inspectFile(lzma, 'lzma.zip', small()).root)).toEqual(['review: compressed with ZIP method 14, which airlock cannot open: not checked']);
  });

  it('a damaged member is reviewed, a truncated archive is reviewed', () => {
    const zip = zipOf({ 'a.csv': 'x,y\n'.repeat(1000) });
    const cut = zip.subarray(0, zip.length - 30);
    expect(problems(inspectFile(cut, 'cut.zip', small()).root).join('\n')).toContain('review: no ZIP end-of-central-directory record');
  });

  it('the time budget stops inspection with review, not release (a clock that has run out)', () => {
    let t = 0;
    const r = inspectFile(zipOf({ 'a.csv': 'x\n1\n', 'b.csv': 'y\n2\n' }), 'slow.zip', small({ timeMs: 5, now: () => (t += 10) }));
    expect(problems(r.root).some((p) => p.startsWith('review: airlock could not check the whole file within 5 ms'))).toBe(true);
  });

  it('a pickle inside a nested archive is still found at depth 3', () => {
    const r = inspectFile(nestedZip(3, { 'model.bin': PICKLES[0] ?? new Uint8Array() }), 'out.zip', small());
    expect([...walkNodes(r.root)].at(-1)?.type.id).toBe('pickle');
  });

  it('refuses a nested archive larger than the request limit (it would be held in memory)', () => {
    const inner = zipSync({ 'noise.bin': new Uint8Array(2 * MiB).map((_, i) => (i * 2654435761) >>> 24) }, { level: 0 });
    const r = inspectFile(zipOf({ 'inner.zip': inner }), 'outer.zip', small());
    expect(problems(r.root).join('\n')).toContain('too large to open');
  });
});
