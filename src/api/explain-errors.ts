/**
 * Validation errors a person can act on. A JSON Schema validator reports what every branch of
 * a `oneOf` disliked: `kind: "tabel"` becomes "must be equal to constant" plus the complaints of
 * every other kind. Here the request is first walked along the contract the way a reader would:
 * - a `oneOf` with a `discriminator` (outputs by `kind`) picks its branch by the tag, and an
 *   unknown tag lists the valid ones (with a did-you-mean);
 * - missing required properties are named all at once, unknown properties with the closest
 *   known one, and a value outside an `enum` with the allowed values.
 * Only when that walk finds nothing does the validator's own report (of the chosen branch,
 * without the branches that a discriminating `const`/`enum` ruled out) explain the failure.
 *
 * @example
 * explainErrors(doc, 'DecisionRequest', body, validate.errors);
 * // [{ pointer: '/outputs/0/kind', message: 'unknown kind "tabel"; did you mean "table"? …' }]
 */
import { isObject } from '../lib/is-object.js';
import type { ErrorObject } from 'ajv';
import type { ErrorDetail } from '../errors.js';
import { listed, suggestion } from '../lib/did-you-mean.js';
import { pointerToken } from '../lib/pointer-token.js';

type Schema = Record<string, unknown>;

/** At most this many details per problem: enough to fix a request, small enough to read. */
export const MAX_DETAILS = 20;

const at = (pointer: string, key: string | number) => `${pointer}/${pointerToken(String(key))}`;
const shown = (pointer: string) => pointer || '/';

/** Follows a local `$ref` (`#/components/schemas/X`, or any JSON pointer into the document). */
function resolve(doc: Schema, schema: Schema): { schema: Schema; name: string | null } {
  let current = schema;
  let name: string | null = null;
  for (let hops = 0; typeof current.$ref === 'string' && hops < 10; hops++) {
    const ref = current.$ref as string;
    const parts = ref.replace(/^#\//, '').split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    let target: unknown = doc;
    for (const p of parts) target = isObject(target) ? target[p] : undefined;
    if (!isObject(target)) break;
    const m = /^#\/components\/schemas\/([^/]+)$/.exec(ref);
    name = m?.[1] ?? null;
    current = target;
  }
  return { schema: current, name };
}

interface Walk {
  doc: Schema;
  details: ErrorDetail[];
  /** The named schemas the discriminators chose, and where their values sit. */
  branches: { name: string; pointer: string; value: unknown }[];
}

function add(w: Walk, pointer: string, message: string): void {
  if (w.details.length < MAX_DETAILS) w.details.push({ pointer: shown(pointer), message });
}

function enumValues(doc: Schema, schema: Schema): unknown[] | null {
  const s = resolve(doc, schema).schema;
  if (Array.isArray(s.enum)) return s.enum;
  if ('const' in s) return [s.const];
  return null;
}

function walk(w: Walk, raw: Schema, value: unknown, pointer: string): void {
  const { schema } = resolve(w.doc, raw);
  const discriminator = schema.discriminator as { propertyName?: string; mapping?: Record<string, string> } | undefined;
  if (discriminator?.propertyName && discriminator.mapping && isObject(value)) {
    const tag = discriminator.propertyName;
    const valid = Object.keys(discriminator.mapping);
    const given = value[tag];
    if (given === undefined) return add(w, pointer, `missing required property "${tag}": one of ${listed(valid)}`);
    const target = typeof given === 'string' ? discriminator.mapping[given] : undefined;
    if (!target) {
      const hint = typeof given === 'string' ? suggestion(given, valid) : '';
      return add(w, at(pointer, tag), `unknown ${tag} ${JSON.stringify(given)}${hint} (valid: ${listed(valid)})`);
    }
    const chosen = resolve(w.doc, { $ref: target });
    if (chosen.name) w.branches.push({ name: chosen.name, pointer, value });
    return walk(w, chosen.schema, value, pointer);
  }
  const allowed = Array.isArray(schema.enum) ? schema.enum : null;
  if (allowed && !allowed.some((a) => a === value)) {
    const hint = typeof value === 'string' ? suggestion(value, allowed.filter((a): a is string => typeof a === 'string')) : '';
    return add(w, pointer, `${JSON.stringify(value)} is not allowed${hint} (allowed: ${listed(allowed)})`);
  }
  if (isObject(value) && (schema.type === 'object' || isObject(schema.properties))) {
    const properties = isObject(schema.properties) ? (schema.properties as Record<string, Schema>) : {};
    const known = Object.keys(properties);
    const before = w.details.length;
    for (const key of Array.isArray(schema.required) ? (schema.required as string[]) : []) {
      if (key in value) continue;
      const values = properties[key] ? enumValues(w.doc, properties[key]) : null;
      add(w, pointer, `missing required property "${key}"${values ? `: one of ${listed(values)}` : ''}`);
    }
    if (schema.additionalProperties === false && known.length) {
      for (const key of Object.keys(value)) {
        if (!(key in properties)) add(w, at(pointer, key), `unknown property "${key}"${suggestion(key, known.filter((k) => !(k in value)))}`);
      }
    }
    if (w.details.length > before) return;
    for (const [key, sub] of Object.entries(properties)) {
      if (key in value && isObject(sub)) walk(w, sub, value[key], at(pointer, key));
    }
    return;
  }
  if (Array.isArray(value) && isObject(schema.items)) {
    const items = schema.items as Schema;
    value.forEach((item, i) => walk(w, items, item, at(pointer, i)));
  }
}

/** One validator error as a sentence. */
function describe(e: ErrorObject): string {
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'enum': {
      const allowed: unknown[] = Array.isArray(params.allowedValues) ? params.allowedValues : [];
      const hint = typeof e.data === 'string' ? suggestion(e.data, allowed.filter((a): a is string => typeof a === 'string')) : '';
      return `${JSON.stringify(e.data)} is not allowed${hint} (allowed: ${listed(allowed)})`;
    }
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}`;
    case 'required':
      return `missing required property "${String(params.missingProperty)}"`;
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const props = isObject(e.parentSchema) && isObject(e.parentSchema.properties) ? Object.keys(e.parentSchema.properties) : [];
      return `unknown property "${key}"${suggestion(key, props)}`;
    }
    case 'not': {
      // `not: { anyOf: [{ required: [a] }, …] }`: properties that cannot come together.
      const alternatives = isObject(e.schema) && Array.isArray(e.schema.anyOf) ? e.schema.anyOf : [];
      const banned = alternatives.flatMap((a) => (isObject(a) && Array.isArray(a.required) ? (a.required as string[]) : []));
      const present = isObject(e.data) ? banned.filter((k) => k in (e.data as object)) : [];
      return present.length ? `must not also have ${listed(present)}` : (e.message ?? 'invalid');
    }
    case 'false schema':
      // `properties: { cells: false }` in a branch: a field another form of the output uses.
      return 'not allowed in this form of the output';
    case 'oneOf': {
      const titles = isObject(e.parentSchema) && Array.isArray(e.parentSchema.oneOf) ? e.parentSchema.oneOf.map((b) => (isObject(b) && typeof b.title === 'string' ? b.title : null)) : [];
      return titles.length && titles.every(Boolean) ? `must be exactly one of: ${titles.join('; ')}` : (e.message ?? 'invalid');
    }
    default:
      return e.message ?? 'invalid';
  }
}

/** True when a branch's `properties` pin a present value to a `const`/`enum` it does not have. */
function ruledOut(branch: unknown, data: unknown): boolean {
  if (!isObject(branch) || !isObject(data)) return false;
  if (Array.isArray(branch.allOf) && branch.allOf.some((part) => ruledOut(part, data))) return true;
  if (!isObject(branch.properties)) return false;
  return Object.entries(branch.properties).some(([key, sub]) => {
    if (!(key in data) || !isObject(sub)) return false;
    if ('const' in sub) return sub.const !== data[key];
    return Array.isArray(sub.enum) && !sub.enum.includes(data[key]);
  });
}

/** The immediate branch index of `e` under the applicator at `path`, or null. */
const branchOf = (e: ErrorObject, path: string) => (e.schemaPath.startsWith(`${path}/`) ? (e.schemaPath.slice(path.length + 1).split('/')[0] ?? null) : null);

/**
 * The validator's report made readable: without the `oneOf` branches whose discriminating
 * `const`/`enum` the value does not match (a histogram is not told what a box plot lacks), and
 * with an `anyOf` of `required` alternatives said once ("needs "bins" or "microdata"").
 */
function tidy(errors: ErrorObject[]): { error: ErrorObject; message?: string }[] {
  let kept = errors;
  for (const e of errors.filter((x) => x.keyword === 'oneOf')) {
    const branches = isObject(e.parentSchema) && Array.isArray(e.parentSchema.oneOf) ? e.parentSchema.oneOf : [];
    const out = new Set(branches.map((b, i) => (ruledOut(b, e.data) ? String(i) : null)).filter((i) => i !== null));
    if (out.size === 0 || out.size === branches.length) continue;
    kept = kept.filter((x) => {
      const b = branchOf(x, e.schemaPath);
      return b === null ? x !== e : !out.has(b);
    });
  }
  const result: { error: ErrorObject; message?: string }[] = [];
  const absorbed = new Set<ErrorObject>();
  for (const e of kept) {
    if (e.keyword !== 'anyOf') continue;
    const parts = kept.filter((x) => branchOf(x, e.schemaPath) !== null);
    if (parts.length && parts.every((x) => x.keyword === 'required')) {
      parts.forEach((x) => absorbed.add(x));
      const alternatives = [...new Set(parts.map((x) => branchOf(x, e.schemaPath)))].map((b) =>
        parts.filter((x) => branchOf(x, e.schemaPath) === b).map((x) => JSON.stringify((x.params as { missingProperty: string }).missingProperty)).join(' + '),
      );
      result.push({ error: e, message: `needs ${alternatives.join(' or ')}` });
    }
  }
  for (const e of kept) if (!absorbed.has(e) && !(e.keyword === 'anyOf' && result.some((r) => r.error === e))) result.push({ error: e });
  return result.sort((a, b) => kept.indexOf(a.error) - kept.indexOf(b.error));
}

/**
 * Details for a value that failed `components.schemas[name]`: the walk's findings, else the
 * validator's report of the chosen branch (`validateBranch` validates a named schema).
 *
 * @example explainErrors(doc, 'DecisionRequest', body, errors, (n, v) => validator(n)(v) ? [] : validator(n).errors)
 */
export function explainErrors(
  doc: Schema,
  name: string,
  value: unknown,
  errors: ErrorObject[],
  validateBranch: (schemaName: string, value: unknown) => ErrorObject[],
): ErrorDetail[] {
  const w: Walk = { doc, details: [], branches: [] };
  walk(w, { $ref: `#/components/schemas/${name}` }, value, '');
  if (w.details.length) return w.details;
  // The walk found nothing: the validator's report, of the first discriminated branch (in request order) that
  // fails (its pointers made absolute), else of the whole.
  let report = errors;
  let prefix = '';
  for (const branch of w.branches) {
    const branchErrors = validateBranch(branch.name, branch.value);
    if (branchErrors.length) {
      report = branchErrors;
      prefix = branch.pointer;
      break;
    }
  }
  return tidy(report)
    .slice(0, MAX_DETAILS)
    .map(({ error, message }) => ({ pointer: shown(prefix + error.instancePath), message: message ?? describe(error) }));
}
