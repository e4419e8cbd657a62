/**
 * The conformance runner: every case in a directory (format: shared/conformance/README.md)
 * goes through the real HTTP API, and the per-cell flags, values and statuses that come back
 * are compared with the expected ones. Each case's `config` becomes a per-project rule
 * override (project `conformance-<case>`), so the case runs on exactly its parameters.
 *
 * @example
 * const r = await runConformance('../shared/conformance/tables', { url: 'http://127.0.0.1:8080' });
 * r.failed; // 0
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckId, Finding, Outcome } from '../domain.js';
import type { Parameters } from '../rules/parameters.js';

/** The case files' flag names and the check ids they stand for. */
export const FLAG_OF_CHECK: Partial<Record<CheckId, string>> = {
  min_count: 'MinimumThresholdCheck',
  zeros: 'PresenceOfZeroCheck',
  nk_dominance: 'NKCheck',
  p_percent: 'PPercentCheck',
  negative: 'NegativeCheck',
  missing: 'MissingCheck',
};

/** Case `config` keys → rule-file parameter names. */
export const PARAMETER_OF_CONFIG: Record<string, keyof Parameters> = {
  safe_threshold: 'threshold',
  safe_nk_n: 'nk_n',
  safe_nk_k: 'nk_k',
  safe_pratio_p: 'p',
  zeros_are_disclosive: 'zeros_are_disclosive',
  check_missing_values: 'check_missing_values',
  safe_dof_threshold: 'dof_threshold',
};

/** Checks that only record a policy and never flag cells: always `pass`. */
const ALWAYS_PASS = new Set(['RequiredZeroCheck', 'PresenceOfLinkedTableCheck']);

const STATUS_OF_OUTCOME: Record<Outcome, string> = { release: 'pass', reject: 'fail', review: 'review' };

export interface ConformanceCase {
  name: string;
  csv: string;
  spec: { index: string | string[]; columns: string | string[]; values?: string; aggfunc?: string; margins?: boolean; config?: Record<string, number | boolean> };
  expected: {
    overall_status: string;
    check_status: Record<string, string>;
    row_dim_names: string[];
    col_dim_names: string[];
    cells: { row: string[]; col: string[]; value: number | null; flags: string[] }[];
  };
}

/** The project a case is submitted under; cases with `config` get their own override. */
export function caseProject(c: ConformanceCase): string {
  return c.spec.config ? `conformance-${c.name}` : 'conformance';
}

/** The override file content for a case's `config`, or null when it has none. */
export function caseOverride(c: ConformanceCase): { project: string; parameters: Partial<Parameters> } | null {
  if (!c.spec.config) return null;
  const parameters: Record<string, number | boolean> = {};
  for (const [k, v] of Object.entries(c.spec.config)) {
    const p = PARAMETER_OF_CONFIG[k];
    if (!p) throw new Error(`case ${c.name}: unknown config key ${k}`);
    parameters[p] = v;
  }
  return { project: caseProject(c), parameters: parameters as Partial<Parameters> };
}

/** Reads every case in a directory, sorted by name. */
export function readCases(dir: string): ConformanceCase[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.spec.json'))
    .sort()
    .map((f) => {
      const name = f.slice(0, -'.spec.json'.length);
      return {
        name,
        csv: readFileSync(join(dir, `${name}.csv`), 'utf8'),
        spec: JSON.parse(readFileSync(join(dir, f), 'utf8')),
        expected: JSON.parse(readFileSync(join(dir, `${name}.expected.json`), 'utf8')),
      };
    });
}

interface OutputResult {
  outcome: Outcome;
  findings: Finding[];
  table: { cells: { labels: Record<string, string>; value: number | null }[] };
}

const asList = (v: string | string[]) => (typeof v === 'string' ? [v] : v);

function sameValue(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

/** Compares one decision output with a case's expectations; returns the mismatches. */
export function compareCase(c: ConformanceCase, out: OutputResult): string[] {
  const problems: string[] = [];
  const { row_dim_names: rowVars, col_dim_names: colVars } = c.expected;
  const keyOf = (labels: Record<string, string>) => JSON.stringify([rowVars.map((v) => labels[v]), colVars.map((v) => labels[v])]);
  const flags = new Map<string, Set<string>>();
  const values = new Map<string, number | null>();
  for (const cell of out.table.cells) {
    flags.set(keyOf(cell.labels), new Set());
    values.set(keyOf(cell.labels), cell.value);
  }
  const checkStatus = new Map<string, string>();
  for (const f of out.findings) {
    const flag = FLAG_OF_CHECK[f.check];
    if (!flag) continue;
    checkStatus.set(flag, f.status);
    for (const cell of f.cells ?? []) flags.get(keyOf(cell.labels))?.add(flag);
  }
  const expectedKeys = new Set<string>();
  for (const e of c.expected.cells) {
    const key = JSON.stringify([e.row, e.col]);
    expectedKeys.add(key);
    if (!flags.has(key)) {
      problems.push(`cell ${key}: missing from the computed table`);
      continue;
    }
    const got = [...(flags.get(key) ?? [])].sort();
    const want = [...e.flags].sort();
    if (got.join() !== want.join()) problems.push(`cell ${key}: flags [${got.join(', ')}], expected [${want.join(', ')}]`);
    if (!sameValue(values.get(key) ?? null, e.value)) problems.push(`cell ${key}: value ${values.get(key)}, expected ${e.value}`);
  }
  for (const key of flags.keys()) if (!expectedKeys.has(key)) problems.push(`cell ${key}: not in the expected table`);
  for (const [check, want] of Object.entries(c.expected.check_status)) {
    const got = ALWAYS_PASS.has(check) ? 'pass' : checkStatus.get(check);
    if (got !== want) problems.push(`check ${check}: ${got ?? 'not run'}, expected ${want}`);
  }
  const overall = STATUS_OF_OUTCOME[out.outcome];
  if (overall !== c.expected.overall_status) problems.push(`overall ${overall}, expected ${c.expected.overall_status}`);
  return problems;
}

export interface ConformanceResult {
  passed: number;
  failed: number;
  mismatches: { case: string; problems: string[] }[];
}

/** The request body for a case. */
export function caseRequest(c: ConformanceCase): unknown {
  const spec: Record<string, unknown> = { index: asList(c.spec.index), columns: asList(c.spec.columns) };
  if (c.spec.values !== undefined && c.spec.aggfunc !== undefined) spec.values = c.spec.values;
  if (c.spec.aggfunc !== undefined) spec.aggfunc = c.spec.aggfunc;
  if (c.spec.margins !== undefined) spec.margins = c.spec.margins;
  return {
    project: caseProject(c),
    requester: 'conformance',
    // Each case is its own population: the cases share data on purpose, and differencing
    // between them is not what conformance measures.
    dataset: `conformance-${c.name}`,
    outputs: [{ name: c.name, kind: 'table', microdata: { format: 'csv', data: c.csv }, spec }],
  };
}

/** Runs every case against a running service. */
export async function runConformance(cases: ConformanceCase[], opts: { url: string; token?: string; log?: (line: string) => void }): Promise<ConformanceResult> {
  const result: ConformanceResult = { passed: 0, failed: 0, mismatches: [] };
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  for (const c of cases) {
    let problems: string[];
    const res = await fetch(`${opts.url}/v1/decisions`, { method: 'POST', headers, body: JSON.stringify(caseRequest(c)) });
    const body = (await res.json()) as { decision?: { outputs: OutputResult[] }; code?: string; detail?: string };
    if (res.status !== 201 || !body.decision) problems = [`HTTP ${res.status} ${body.code ?? ''}: ${body.detail ?? ''}`];
    else {
      const out = body.decision.outputs[0];
      problems = out ? compareCase(c, out) : ['the decision has no output'];
    }
    if (problems.length === 0) result.passed++;
    else {
      result.failed++;
      result.mismatches.push({ case: c.name, problems });
      opts.log?.(`FAIL ${c.name}\n${problems.map((p) => `  ${p}`).join('\n')}`);
    }
  }
  return result;
}
