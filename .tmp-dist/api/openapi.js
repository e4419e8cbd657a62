/**
 * The contract, loaded once: `openapi.yaml` is parsed at start-up and its component schemas
 * compiled with ajv (JSON Schema 2020-12, as OpenAPI 3.1 uses), so request validation and
 * the published contract can never disagree.
 *
 * @example
 * const validate = schemaValidator('DecisionRequest');
 * validate(body); // throws AirlockError('INVALID_REQUEST') with JSON pointers
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { AirlockError } from '../errors.js';
/** Where openapi.yaml lives: the package root, from both src/ (tsx) and dist/ (built). */
export function openApiPath() {
    let dir = dirname(fileURLToPath(import.meta.url));
    for (let i = 0; i < 4; i++) {
        const candidate = join(dir, 'openapi.yaml');
        try {
            readFileSync(candidate, { flag: 'r' });
            return candidate;
        }
        catch {
            dir = dirname(dir);
        }
    }
    throw new Error('openapi.yaml not found next to the package');
}
let doc = null;
let ajv = null;
const compiled = new Map();
/** The parsed openapi.yaml. */
export function openApiDocument() {
    if (!doc)
        doc = parseYaml(readFileSync(openApiPath(), 'utf8'));
    return doc;
}
function getAjv() {
    if (!ajv) {
        ajv = new Ajv2020({ allErrors: false, strict: false, validateFormats: true });
        // ajv-formats ships CommonJS; its default export differs between loaders.
        const addFormats = (addFormatsModule.default ?? addFormatsModule);
        addFormats(ajv);
        ajv.addSchema(openApiDocument(), 'openapi.json');
    }
    return ajv;
}
/** A validator for `components.schemas[name]` that throws `INVALID_REQUEST` with pointers. */
export function schemaValidator(name) {
    let v = compiled.get(name);
    if (!v) {
        v = getAjv().compile({ $ref: `openapi.json#/components/schemas/${name}` });
        compiled.set(name, v);
    }
    const validate = v;
    return (value) => {
        if (validate(value))
            return;
        const details = (validate.errors ?? []).slice(0, 20).map((e) => {
            const extra = e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : '';
            return { pointer: e.instancePath || '/', message: `${e.message ?? 'invalid'}${extra}` };
        });
        const first = details[0];
        throw new AirlockError('INVALID_REQUEST', first ? `${first.pointer}: ${first.message}` : 'the request does not match the schema', details);
    };
}
//# sourceMappingURL=openapi.js.map