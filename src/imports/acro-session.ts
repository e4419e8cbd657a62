/**
 * An ACRO/SACRO output folder (what `acro.finalise(path, "json")` writes: `results.json`,
 * the output files, `checksums/<file>.txt`) turned into ONE airlock decision request, with
 * ACRO's own verdicts kept beside it for comparison. ACRO 0.4 to 1.x.
 *
 * Checksums first: every `checksums/<file>.txt` must match its file's SHA-256 (a changed or
 * missing file is named, `ACRO_CHECKSUM_MISMATCH`), and every file an output names must have
 * one. Then, output by output (the uid is the airlock output name):
 *
 * | ACRO output | airlock output |
 * |---|---|
 * | `table`, `crosstab` of counts (no `values=`) | `table` of pre-aggregated cells (`frequency`), margins `All` kept — fully checked |
 * | `table`, `crosstab` with `values=`/`aggfunc`, `pivot_table` | `file` (the CSV): ACRO writes no contributor counts or dominance evidence, so it goes to a person (review) |
 * | `regression` (`ols`, `logit`, `probit`) | `model`: n_obs and residual dof from the summary, coefficients and standard errors |
 * | `histogram`, `survival` (a PNG) | `file`: the plot's data is not in the folder, so the image is reviewed |
 * | `custom` | `file` |
 *
 * ACRO's `exception` becomes the output's `exception` (its failing findings then go to review,
 * never release); `comments` are carried in the comparison beside airlock's verdict.
 *
 * The folder is the client's: a `results.json` not in ACRO's shape is `ACRO_INVALID` with a
 * pointer to where (`results.json#/results/<uid>`), never a crash; a file that is not UTF-8
 * (ACRO writes UTF-8) is not read as cells or a model, only reviewed as a file.
 *
 * @example
 * const session = acroSession(files, { project: 'p', requester: 'alice' });
 * await makeDecision(session.request, pipeline);
 */
import { createHash } from 'node:crypto';
import { AirlockError } from '../errors.js';
import { at } from '../lib/invariant.js';
import { pointerToken } from '../lib/pointer-token.js';
import { isObject } from '../lib/is-object.js';

/** One output as ACRO recorded it, and how it was mapped. */
export interface AcroOutput {
  uid: string;
  type: string;
  method: string | null;
  acro_status: string;
  /** What airlock checks it as. */
  mapped_as: 'table' | 'model' | 'file';
  files: string[];
  comments: string[];
  exception: string | null;
  command: string | null;
  summary: string | null;
}

export interface AcroSession {
  version: string;
  request: { project: string; requester: string; dataset?: string; outputs: Record<string, unknown>[] };
  outputs: AcroOutput[];
}

const ACRO_VERSION = /^(0\.4|1)\.\d+/;

/** What ACRO writes about a session besides its outputs (config.json apart: see `isAcroConfig`). */
const ACRO_METADATA = /^(results\.json|checksums\/.+\.txt)$/;

/**
 * Whether config.json is ACRO's: its thresholds, a flat object of numbers, booleans and short
 * strings (blocked extensions). It has no checksum, so anything else under that name (a listing
 * renamed config.json) is checked as a file like any other unlisted one.
 */
function isAcroConfig(bytes: Uint8Array): boolean {
  let v: unknown;
  try {
    v = JSON.parse(utf8(bytes) ?? '');
  } catch {
    return false;
  }
  const scalar = (x: unknown): boolean => typeof x === 'number' || typeof x === 'boolean' || (typeof x === 'string' && x.length <= 16);
  return isObject(v) && Object.keys(v).length <= 64 && Object.values(v).every((x) => scalar(x) || (Array.isArray(x) && x.length <= 64 && x.every(scalar)));
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The bytes as UTF-8 text, or null when they are not UTF-8 (ACRO writes UTF-8; anything else is not its output). */
function utf8(b: Uint8Array): string | null {
  try {
    return UTF8.decode(b);
  } catch {
    return null;
  }
}

/** Splits one CSV line (RFC 4180 quoting), as pandas writes them. */
function csvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line.charAt(i);
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** A file of the folder as text: null when it is not there or not UTF-8 (then it is not read, only reviewed). */
function textOf(files: Record<string, Uint8Array>, name: string | undefined): string | null {
  const bytes = name === undefined ? undefined : files[name];
  return bytes ? utf8(bytes) : null;
}

const csvRows = (text: string): string[][] => text.split(/\r?\n/).filter((l) => l.length > 0).map(csvLine);

/** The variable names of a `crosstab(index, columns, …)` command: `data.x` or `[data.x, data.y]` per argument. */
export function crosstabVariables(command: string): { index: string[]; columns: string[] } | null {
  const m = /crosstab\(\s*(\[[^\]]*\]|[\w.]+)\s*,\s*(\[[^\]]*\]|[\w.]+)/.exec(command);
  if (!m) return null;
  const names = (arg: string) => arg.replace(/^\[|\]$/g, '').split(',').map((s) => s.trim().replace(/^[\w]+\./, '')).filter(Boolean);
  // Both groups are required by the pattern: a match has them.
  return { index: names(at(m, 1)), columns: names(at(m, 2)) };
}

function bad(message: string, details: { pointer: string; message: string }[] = []): AirlockError {
  return new AirlockError('ACRO_INVALID', message, details);
}

/** A crosstab of counts as pre-aggregated cells; null when its shape is not one airlock can read. */
function frequencyCells(csv: string, vars: { index: string[]; columns: string[] }): Record<string, unknown>[] | null {
  if (vars.columns.length !== 1) return null;
  const [header, ...rows] = csvRows(csv);
  if (!header || header.length <= vars.index.length) return null;
  const column = at(vars.columns, 0);
  const cells: Record<string, unknown>[] = [];
  for (const row of rows) {
    if (row.length !== header.length) return null;
    // Rows are as wide as the header, which is wider than the index: every label is there.
    const labels = Object.fromEntries(vars.index.map((v, i) => [v, at(row, i)]));
    for (let j = vars.index.length; j < header.length; j++) {
      const n = Number(row[j]);
      if (!Number.isInteger(n) || n < 0) return null;
      cells.push({ labels: { ...labels, [column]: at(header, j) }, count: n });
    }
  }
  return cells;
}

/** `Key:,value` pairs of a statsmodels summary table written as CSV (two pairs per row). */
function summaryPairs(csv: string): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const row of csvRows(csv)) {
    for (let i = 0; i + 1 < row.length; i += 2) {
      const key = at(row, i);
      if (key) pairs.set(key.replace(/:$/, '').trim(), at(row, i + 1).trim());
    }
  }
  return pairs;
}

function regressionModel(uid: string, method: string, files: Record<string, Uint8Array>, names: string[]): Record<string, unknown> | null {
  const head = textOf(files, names[0]);
  const coef = textOf(files, names[1]);
  if (!head || !coef) return null;
  const pairs = summaryPairs(head);
  const nObs = Number(pairs.get('No. Observations'));
  const dof = Number(pairs.get('Df Residuals'));
  const [header, ...rows] = csvRows(coef);
  const est = header?.indexOf('coef') ?? -1;
  const se = header?.indexOf('std err') ?? -1;
  if (!Number.isInteger(nObs) || nObs < 1 || est < 0 || rows.length === 0) return null;
  // A CSV row has at least one field (an empty line is no row).
  const coefficients = rows.map((r) => ({ term: at(r, 0), estimate: Number(r[est]), ...(se >= 0 && Number.isFinite(Number(r[se])) ? { std_error: Number(r[se]) } : {}) }));
  if (coefficients.some((c) => !Number.isFinite(c.estimate) || c.term === '')) return null;
  return { name: uid, kind: 'model', family: method, n_obs: nObs, n_params: coefficients.length, ...(Number.isFinite(dof) ? { residual_dof: Math.round(dof) } : {}), coefficients };
}

/**
 * Checks the folder's checksums and maps its outputs. `files` holds every file of the folder by
 * its path relative to the folder (`results.json`, `checksums/results.json.txt`, …).
 */
export function acroSession(files: Record<string, Uint8Array>, ctx: { project: string; requester: string; dataset?: string }): AcroSession {
  if (!files['results.json']) throw bad('the folder has no results.json (is it the folder acro.finalise wrote?)');
  // Every checksum must match, and every file the results name must be covered by one.
  const changed: string[] = [];
  for (const [path, bytes] of Object.entries(files)) {
    const m = /^checksums\/(.+)\.txt$/.exec(path);
    if (!m) continue;
    const name = at(m, 1);
    const target = files[name];
    // A checksum that is not text matches nothing: the file is named like any changed one.
    if (!target || sha256(target) !== utf8(bytes)?.trim().toLowerCase()) changed.push(name);
  }
  // As JSON may have it: anything at all, checked below before it is read.
  let results: unknown;
  try {
    results = JSON.parse(utf8(files['results.json']) ?? '');
  } catch {
    throw bad('results.json is not JSON');
  }
  if (!isObject(results)) throw bad('results.json is not a JSON object (what acro.finalise writes)', [{ pointer: 'results.json', message: 'not a JSON object' }]);
  const version = typeof results.version === 'string' ? results.version : '';
  if (!ACRO_VERSION.test(version)) throw bad(`results.json is from ACRO ${version || '(no version)'}; airlock reads ACRO 0.4 to 1.x`);
  if (typeof results.results !== 'object' || results.results === null) throw bad('results.json has no results');
  const outputs: AcroOutput[] = [];
  const request: AcroSession['request'] = { project: ctx.project, requester: ctx.requester, ...(ctx.dataset ? { dataset: ctx.dataset } : {}), outputs: [] };
  for (const [uid, r] of Object.entries(results.results)) {
    if (!isObject(r)) throw bad(`results.json's output ${JSON.stringify(uid)} is not an object`, [{ pointer: `results.json#/results/${pointerToken(uid)}`, message: 'not an object' }]);
    const names = (Array.isArray(r.files) ? r.files : []).map((f: { name?: unknown } | null | undefined) => String(f?.name ?? ''));
    for (const n of names) if (!files[`checksums/${n}.txt`] && !changed.includes(n)) changed.push(n);
    const type = String(r.type ?? '');
    const method = isObject(r.properties) && typeof r.properties.method === 'string' ? r.properties.method : null;
    const command = typeof r.command === 'string' ? r.command : null;
    const exceptionText = typeof r.exception === 'string' && r.exception.trim() ? r.exception.trim() : null;
    // An exception shorter than airlock accepts still asks for one: padded with what it is, never dropped.
    const exception = exceptionText ? { exception: { justification: exceptionText.length >= 10 ? exceptionText : `ACRO exception: ${exceptionText}` } } : {};
    let output: Record<string, unknown> | null = null;
    let mappedAs: AcroOutput['mapped_as'] = 'file';
    if (type === 'table' && method === 'crosstab' && command && !/values\s*=|aggfunc\s*=/.test(command) && names.length === 1) {
      const vars = crosstabVariables(command);
      const csv = textOf(files, names[0]);
      const cells = vars && csv !== null ? frequencyCells(csv, vars) : null;
      if (vars && cells) {
        output = { name: uid, kind: 'table', statistic: 'frequency', index: vars.index, columns: vars.columns, cells };
        mappedAs = 'table';
      }
    } else if (type === 'regression' && method) {
      output = regressionModel(uid, method, files, names);
      if (output) mappedAs = 'model';
    }
    if (output) request.outputs.push({ ...output, ...exception });
    else {
      // Everything else is checked as the files ACRO wrote (one airlock output per file).
      names.forEach((n, i) => {
        const bytes = files[n];
        if (bytes) request.outputs.push({ name: names.length > 1 ? `${uid}/${i}` : uid, kind: 'file', filename: n, content_base64: Buffer.from(bytes).toString('base64'), ...exception });
      });
    }
    outputs.push({
      uid,
      type,
      method,
      acro_status: String(r.status ?? ''),
      mapped_as: mappedAs,
      files: names,
      comments: Array.isArray(r.comments) ? r.comments.map(String) : [],
      exception: exceptionText,
      command,
      summary: typeof r.summary === 'string' ? r.summary : null,
    });
  }
  // A file results.json does not name is no output of ACRO's, but it is in the folder a TRE may
  // release as a whole: it is checked as a file like any other, never passed over. ACRO's own
  // metadata (results.json, config.json with its thresholds, the checksums) is not an output.
  const listed = new Set(outputs.flatMap((o) => o.files));
  for (const [path, bytes] of Object.entries(files)) {
    if (listed.has(path) || ACRO_METADATA.test(path) || (path === 'config.json' && isAcroConfig(bytes))) continue;
    const uid = `unlisted/${path}`;
    request.outputs.push({ name: uid, kind: 'file', filename: path, content_base64: Buffer.from(bytes).toString('base64') });
    outputs.push({ uid, type: 'unlisted', method: null, acro_status: 'not in results.json', mapped_as: 'file', files: [path], comments: [], exception: null, command: null, summary: null });
  }
  if (changed.length > 0) {
    throw new AirlockError('ACRO_CHECKSUM_MISMATCH', `these files differ from ACRO's checksums (or have none): ${[...new Set(changed)].sort().join(', ')}`, [...new Set(changed)].sort().map((f) => ({ pointer: f, message: 'checksum mismatch' })));
  }
  if (request.outputs.length === 0) throw bad('results.json names no output airlock can check');
  return { version, request, outputs };
}
