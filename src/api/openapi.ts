/**
 * The contract, loaded once: `openapi.yaml` is parsed at start-up and its component schemas
 * compiled with ajv (JSON Schema 2020-12, as OpenAPI 3.1 uses), so request validation and
 * the published contract can never disagree.
 *
 * @example
 * const validate: SchemaAssertion<'DecisionRequest'> = schemaValidator('DecisionRequest');
 * validate(body); // throws AirlockError('INVALID_REQUEST') with JSON pointers; after it, body is a DecisionRequest
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { AirlockError } from '../errors.js';
import type { components } from './api-schema.js';
import { explainErrors } from './explain-errors.js';

/**
 * The contract's component schemas as TypeScript types, generated from openapi.yaml by
 * openapi-typescript (`npm run types:api`; test/api/api-schema.test.ts fails when the generated
 * file is stale), so the types the server builds and reads are the published contract's.
 */
export type ApiSchemas = components['schemas'];
export type SchemaName = keyof ApiSchemas;

/**
 * A validator of one schema, as a TypeScript assertion: after it returns, the value has the
 * schema's type. (TypeScript needs the declared type at each validator's declaration:
 * `const v: SchemaAssertion<'X'> = schemaValidator('X')`.)
 */
export type SchemaAssertion<N extends SchemaName> = (value: unknown) => asserts value is ApiSchemas[N];

/** Where openapi.yaml lives: the package root, from both src/ (tsx) and dist/ (built). */
export function openApiPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'openapi.yaml');
    try {
      readFileSync(candidate, { flag: 'r' });
      return candidate;
    } catch {
      dir = dirname(dir);
    }
  }
  throw new Error('openapi.yaml not found next to the package');
}

let doc: Record<string, unknown> | null = null;
let ajv: Ajv2020 | null = null;
const compiled = new Map<string, ValidateFunction>();

/** The parsed openapi.yaml. */
export function openApiDocument(): Record<string, unknown> {
  if (!doc) doc = parseYaml(readFileSync(openApiPath(), 'utf8')) as Record<string, unknown>;
  return doc;
}

function getAjv(): Ajv2020 {
  if (!ajv) {
    ajv = new Ajv2020({ allErrors: false, strict: false, validateFormats: true, verbose: true });
    // ajv-formats ships CommonJS; its default export differs between loaders.
    const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv2020) => void;
    addFormats(ajv);
    ajv.addSchema(openApiDocument(), 'openapi.json');
  }
  return ajv;
}

function compiledValidator(name: string): ValidateFunction {
  let v = compiled.get(name);
  if (!v) {
    v = getAjv().compile({ $ref: `openapi.json#/components/schemas/${name}` });
    compiled.set(name, v);
  }
  return v;
}

/**
 * Whether `value` is valid against `components.schemas[name]`, without explaining why not: for
 * checks cut into slices (`validateDecisionRequest`), which fall back to `schemaValidator` for
 * the explanation.
 *
 * @example schemaAccepts('CellInput')({ labels: { a: 'x' }, count: 3 }) // true
 */
export function schemaAccepts(name: SchemaName): (value: unknown) => boolean {
  const validate = compiledValidator(name);
  return (value) => validate(value) === true;
}

/**
 * A validator for `components.schemas[name]` that throws `INVALID_REQUEST` with pointers and
 * messages a person can act on (`explainErrors`: the output's `kind` picks the branch,
 * allowed values listed, did-you-mean for unknown keys and values).
 */
export function schemaValidator<N extends SchemaName>(name: N): SchemaAssertion<N> {
  const validate = compiledValidator(name);
  return (value: unknown): asserts value is ApiSchemas[N] => {
    if (validate(value)) return;
    const details = explainErrors(openApiDocument(), name, value, [...(validate.errors ?? [])], (branch, v) => {
      const check = compiledValidator(branch);
      return check(v) ? [] : [...(check.errors ?? [])];
    });
    const first = details[0];
    throw new AirlockError('INVALID_REQUEST', first ? `${first.pointer}: ${first.message}` : 'the request does not match the schema', details);
  };
}
