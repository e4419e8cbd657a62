/**
 * The round trip of issue 12 item 5 through a real server: failing tables come back with a
 * protected version whose `resubmit` form, sent back as it is, has its suppressed cells'
 * evidence trusted (airlock's own token) and says so; the same cells without the token follow
 * sdc-rules.md "Suppressed cells"; a tampered token or tampered cells are never trusted; and the
 * suppressed cells' evidence is not published in the resubmission's decision or its record.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../helpers/seeded-random.js';
import { tempDirs } from '../helpers/temp-dirs.js';
import { csvOf, shippedRulesServer, type TestServer } from '../helpers/test-server.js';

const tmp = tempDirs('airlock-resubmit-');
let s: TestServer;
beforeAll(async () => {
  // The shipped rules, plus governance that protects by rounding (issue 12 item 4).
  s = await shippedRulesServer(tmp(), {
    'rounds-both': 'project: rounds-both\nparameters:\n  protection: both\n  rounding_scheme: midpoint6\n',
    'rounds-only': 'project: rounds-only\nparameters:\n  threshold: 5\n  round_base: 5\n  protection: round\n',
  });
});
afterAll(async () => {
  await s.close();
});

interface Found {
  check: string;
  status: string;
  message: string;
  cells?: { labels: Record<string, string>; value: number | null; count: number | null; reason: string }[];
}
interface Form {
  name: string;
  kind: 'table';
  statistic: string;
  cells: { labels: Record<string, string>; count?: number; value?: number | null; suppressed?: boolean; sum?: number; top?: number[] }[];
  protection: string;
  protection_salt: string;
  [k: string]: unknown;
}
interface Out {
  name: string;
  outcome: string;
  findings: Found[];
  table: { cells: Record<string, unknown>[] };
  protected?: { rows: { suppressed: boolean }[]; protection?: { kid: string; jti: string; expires_at: string } } | null;
}

let datasets = 0;

interface Answer {
  decision: { id: string; outcome: string; outputs: Out[] };
  resubmit?: Record<string, Form>;
}

async function submit(outputs: Record<string, unknown>[], dataset: string, project = 'resubmit'): Promise<Answer & { text: string }> {
  const res = await request(s.url).post('/v1/decisions').set(s.auth()).send({ project, requester: 'alice', dataset, outputs });
  expect(res.status, res.text).toBe(201);
  return { ...(res.body as Answer), text: res.text };
}

/** Failing tables of several shapes: frequency with and without margins, magnitude, pre-aggregated cells. */
function failingTables(): { name: string; output: Record<string, unknown> }[] {
  const three = csvOf({ 'north|young': 3, 'north|mid': 25, 'north|old': 20, 'south|young': 30, 'south|mid': 45, 'south|old': 40, 'east|young': 50, 'east|mid': 65, 'east|old': 60 });
  const four = csvOf({ 'a|x': 14, 'a|y': 2, 'a|z': 31, 'b|x': 22, 'b|y': 18, 'b|z': 27, 'c|x': 35, 'c|y': 19, 'c|z': 5, 'd|x': 40, 'd|y': 33, 'd|z': 26 });
  // One firm dominates north/young: 950,000 beside eleven small contributions.
  const magnitude = csvOf({ 'north|young': 12, 'north|old': 15, 'south|young': 14, 'south|old': 16, 'east|young': 13, 'east|old': 18 }, (i) => 1000 + 37 * i);
  const dominated = magnitude.replace(/\nnorth,young,1000\n/, '\nnorth,young,950000\n');
  const cells = (['F', 'M'] as const).flatMap((sex, i) =>
    ['north', 'south', 'west'].map((region, j) => {
      const count = [[4, 30, 41], [25, 33, 52]][i]![j]!;
      return { labels: { sex, region }, count };
    }),
  );
  return [
    { name: 'freq_margins', output: { microdata: { format: 'csv', data: three }, spec: { index: 'r', columns: 'c', margins: true } } },
    { name: 'freq_plain', output: { microdata: { format: 'csv', data: four }, spec: { index: 'r', columns: 'c' } } },
    { name: 'sum_dominated', output: { microdata: { format: 'csv', data: dominated }, spec: { index: 'r', columns: 'c', values: 'v', aggfunc: 'sum', margins: true } } },
    { name: 'cells_freq', output: { statistic: 'frequency', cells } },
  ];
}

/** The finding about the token itself (`src/checks/protection-evidence.ts`). */
const tokenFinding = (o: Out) => o.findings.filter((f) => f.check === 'suppression_audit' && /^(Protection token verified|The table carries a protection token)/.test(f.message));

describe('resubmitting a protected version', () => {
  const offered: { name: string; dataset: string; first: Out; form: Form; decisionText: string; text: string }[] = [];

  beforeAll(async () => {
    for (const { name, output } of failingTables()) {
      const dataset = `resubmit-${++datasets}`;
      const { decision, resubmit, text } = await submit([{ name, kind: 'table', ...output }], dataset);
      offered.push({ name, dataset, first: decision.outputs[0]!, form: resubmit?.[name] as Form, decisionText: JSON.stringify(decision), text });
    }
  });

  it('every failing table is offered a protected version with a sealed resubmit form holding the suppressed cells\' evidence', () => {
    expect(offered).toHaveLength(4);
    for (const { name, first, form } of offered) {
      expect(first.outcome, name).toBe('reject');
      expect(form, name).toBeDefined();
      expect(form).toMatchObject({ name, kind: 'table' });
      expect(form.protection.split('.')).toHaveLength(3);
      // The signed decision names the token it offered, and nothing of the evidence.
      const header = JSON.parse(Buffer.from(form.protection.split('.')[0]!, 'base64url').toString('utf8')) as { kid: string };
      expect(first.protected!.protection).toMatchObject({ kid: header.kid, jti: expect.any(String), expires_at: expect.any(String) });
      expect(form.protection_salt.length).toBeGreaterThan(20);
      const suppressed = form.cells.filter((c) => c.suppressed);
      expect(suppressed.length, name).toBe(first.protected!.rows.filter((r) => r.suppressed).length);
      for (const c of suppressed) {
        expect(c, name).not.toHaveProperty('value');
        expect(typeof c.count, name).toBe('number');
      }
    }
    // Magnitude cells carry their dominance evidence, suppressed ones included.
    const sum = offered.find((o) => o.name === 'sum_dominated')!.form;
    const dominant = sum.cells.find((c) => c.labels.r === 'north' && c.labels.c === 'young')!;
    expect(dominant).toMatchObject({ suppressed: true, top: [950000, expect.any(Number)] });
    // ... which the answer carries beside the decision, never in it: the decision is signed,
    // recorded and packaged for release, and the form's evidence is never published.
    const first = offered.find((o) => o.name === 'sum_dominated')!;
    expect(first.text).toContain('950000');
    expect(first.decisionText).not.toContain('950000');
    expect(first.decisionText).not.toContain(first.form.protection_salt);
  });

  it('sent back as it is, every protected version is released, and the audit says why', async () => {
    for (const { name, dataset, form } of offered) {
      const { decision } = await submit([form], dataset);
      const out = decision.outputs[0]!;
      const token = tokenFinding(out);
      expect(token, name).toHaveLength(1);
      expect(token[0]).toMatchObject({ status: 'pass' });
      expect(token[0]!.message).toMatch(/covers exactly these cells and their evidence/);
      expect(out.outcome, `${name}: ${JSON.stringify(out.findings.filter((f) => f.status !== 'pass'))}`).toBe('release');
      // The audit's own finding names every suppressed cell and the interval an attacker gets.
      const audit = out.findings.filter((f) => f.check === 'suppression_audit' && !token.includes(f));
      expect(audit.map((f) => f.status), name).toEqual(['pass']);
      expect(audit[0]!.cells!.length, name).toBe(form.cells.filter((c) => c.suppressed).length);
      if (form.statistic === 'sum') {
        // Trusted evidence: the dominated cell is held to its p% and (n,k) levels, which only its evidence gives.
        const dominant = audit[0]!.cells!.find((c) => c.labels.r === 'north' && c.labels.c === 'young');
        expect(dominant?.reason, name).toMatch(/p_percent|p%/);
      }
    }
  });

  it('the released form publishes no suppressed cell\'s evidence: not in the decision, not in its record', async () => {
    const { name, dataset, form } = offered.find((o) => o.name === 'sum_dominated')!;
    const { decision } = await submit([form], `${dataset}`);
    const out = decision.outputs[0]!;
    for (const c of out.table.cells.filter((x) => x.suppressed)) expect(c, name).toEqual({ labels: c.labels, value: null, count: null, suppressed: true });
    const text = JSON.stringify(decision);
    expect(text).not.toContain('950000');
    expect(text).not.toContain(form.protection_salt);
    expect(text).not.toContain(form.protection.split('.')[2]);
    const record = await s.store.get(decision.id);
    const stored = JSON.stringify(record);
    expect(stored).not.toContain('950000');
    expect(stored).not.toContain(form.protection_salt);
  });

  it('the same cells without the token follow the doc: frequency cells by the width rule alone, suppressed magnitude cells reviewed', async () => {
    for (const { name, dataset, form } of offered) {
      const { protection: _t, protection_salt: _s, ...bare } = form;
      const { decision } = await submit([bare], dataset);
      const out = decision.outputs[0]!;
      expect(tokenFinding(out), name).toEqual([]);
      const audit = out.findings.filter((f) => f.check === 'suppression_audit');
      if (form.statistic === 'frequency') {
        // Every suppressed cell, sensitive or complement, is held to the width rule (no values
        // needed); without margins the totals the attacker holds are unknown to airlock: review.
        const cells = audit.flatMap((f) => f.cells ?? []);
        expect(cells.length, name).toBe(form.cells.filter((c) => c.suppressed).length);
        const margins = form.cells.some((c) => Object.values(c.labels).includes('All'));
        for (const c of cells) expect(c.reason, name).toMatch(margins ? /width rule/ : /no margins/);
        if (!margins) expect(out.outcome, name).toBe('review');
      } else {
        expect(out.outcome, name).not.toBe('release');
        const dominant = audit.filter((f) => f.status !== 'pass').flatMap((f) => f.cells ?? []).find((c) => c.labels.r === 'north' && c.labels.c === 'young');
        expect(dominant, name).toBeDefined();
        expect(dominant!.reason).toMatch(/without airlock's protection token its evidence is a claim|determine/);
      }
    }
  });

  it('a tampered token, tampered cells, or another dataset are not trusted and never released', async () => {
    const { dataset, form } = offered.find((o) => o.name === 'sum_dominated')!;
    const [h, p, sig] = form.protection.split('.');
    const flipped = Buffer.from(sig!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    // The adversary's edit that stays consistent (so the parser accepts it): the dominant
    // contribution claimed smaller, so the cell would look protected with a narrower interval.
    const dominant = form.cells.findIndex((c) => c.labels.r === 'north' && c.labels.c === 'young');
    const smaller = { ...form, cells: form.cells.map((c, i) => (i === dominant ? { ...c, top: [400000, c.top![1]!], max: 400000 } : c)) };
    const variants: [string, Form, string][] = [
      ['signature', { ...form, protection: `${h}.${p}.${flipped.toString('base64url')}` }, dataset],
      ['a suppressed cell\'s largest contribution', smaller, dataset],
      ['the salt', { ...form, protection_salt: `${form.protection_salt}x` }, dataset],
      ['the dataset', form, `${dataset}-other`],
    ];
    for (const [what, output, ds] of variants) {
      const { decision } = await submit([output], ds);
      const out = decision.outputs[0]!;
      const token = tokenFinding(out);
      expect(token, what).toHaveLength(1);
      expect(token[0]!.status, what).toBe('review');
      expect(out.outcome, what).not.toBe('release');
    }
  });
});

describe('round trip over random failing tables', () => {
  /** A random r×c table of counts with a few small cells; frequency or a sum with one dominant contribution. */
  function randomTable(rand: () => number, i: number): Record<string, unknown> {
    const rows = 3 + Math.floor(rand() * 3);
    const cols = 3 + Math.floor(rand() * 2);
    const sizes: Record<string, number> = {};
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) sizes[`r${r}|c${c}`] = rand() < 0.15 ? 1 + Math.floor(rand() * 8) : 12 + Math.floor(rand() * 40);
    sizes['r0|c0'] = 2 + Math.floor(rand() * 6); // at least one failing cell
    const magnitude = i % 3 === 2;
    const csv = csvOf(sizes, (k) => (magnitude && k === 0 ? 50_000 + Math.floor(rand() * 900_000) : 100 + Math.floor(rand() * 900)));
    const spec = { index: 'r', columns: 'c', margins: rand() < 0.5, ...(magnitude ? { values: 'v', aggfunc: 'sum' } : {}) };
    return { microdata: { format: 'csv', data: csv }, spec };
  }

  it('every protected version offered, sent back as it is, is released', async () => {
    const rand = seededRandom(12);
    let roundTrips = 0;
    for (let i = 0; i < 12; i++) {
      const dataset = `resubmit-random-${i}`;
      const name = `random_${i}`;
      const first = await submit([{ name, kind: 'table', ...randomTable(rand, i) }], dataset);
      const out = first.decision.outputs[0]!;
      expect(out.outcome, name).toBe('reject');
      const form = first.resubmit?.[name];
      // Either a version with its form, or none with the reason (never a weak one).
      if (!form) {
        expect(out.protected ?? null, name).toBeNull();
        expect((out as unknown as { protection_refused?: string }).protection_refused, name).toEqual(expect.any(String));
        continue;
      }
      const again = await submit([form], dataset);
      const back = again.decision.outputs[0]!;
      expect(back.outcome, `${name}: ${JSON.stringify(back.findings.filter((f) => f.status !== 'pass'))}`).toBe('release');
      expect(tokenFinding(back)[0]?.status, name).toBe('pass');
      roundTrips++;
    }
    expect(roundTrips).toBeGreaterThanOrEqual(8);
  });
});

describe('protection by rounding', () => {
  const csv = csvOf({ 'a|x': 3, 'a|y': 25, 'a|z': 31, 'b|x': 22, 'b|y': 18, 'b|z': 27, 'c|x': 35, 'c|y': 19, 'c|z': 40 });
  const table = { name: 'rounded', kind: 'table', microdata: { format: 'csv', data: csv }, spec: { index: 'r', columns: 'c', margins: true } };
  type Rows = { labels: Record<string, string>; value: number | null; suppressed: boolean }[];

  it('both: every released count rounded by midpoint-6, the failing cell and its complements suppressed; no resubmit form', async () => {
    const { decision, resubmit } = await submit([table], `rounding-${++datasets}`, 'rounds-both');
    const out = decision.outputs[0]! as unknown as { outcome: string; protected: { rows: Rows; rounding: unknown } };
    expect(out.outcome).toBe('reject');
    const rows = out.protected.rows;
    expect(out.protected.rounding).toEqual({ scheme: 'midpoint6', base: 5 });
    expect(rows.find((r) => r.labels.r === 'a' && r.labels.c === 'x')!.suppressed).toBe(true);
    for (const r of rows.filter((x) => !x.suppressed)) expect((r.value! + 3) % 6 === 0 || r.value === 0, JSON.stringify(r)).toBe(true);
    expect(rows.filter((r) => r.suppressed).length).toBeGreaterThanOrEqual(4);
    // Its counts are not its evidence: airlock offers no form it could not vouch for.
    expect(resubmit).toBeUndefined();
  });

  it('round (threshold 5 = base 5): every count rounded to the nearest 5, nothing suppressed', async () => {
    const { decision } = await submit([table], `rounding-${++datasets}`, 'rounds-only');
    const out = decision.outputs[0]! as unknown as { outcome: string; protected: { rows: Rows; rounding: unknown; suppressed: number[] } };
    expect(out.outcome).toBe('reject');
    expect(out.protected.rounding).toEqual({ scheme: 'nearest', base: 5 });
    expect(out.protected.suppressed).toEqual([]);
    const small = out.protected.rows.find((r) => r.labels.r === 'a' && r.labels.c === 'x')!;
    expect(small.value).toBe(5);
    for (const r of out.protected.rows) expect(r.value! % 5, JSON.stringify(r)).toBe(0);
  });
});
