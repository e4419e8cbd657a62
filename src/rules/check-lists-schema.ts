/**
 * JSON Schema of a `checks:` block (per output kind, the check ids enabled), shared by rule
 * files, project overrides and governance floors.
 *
 * @example ajv.compile({ type: 'object', properties: { checks: CHECK_LISTS_SCHEMA } })
 */
import { CHECK_ID_VALUES, OUTPUT_KIND_VALUES } from '../domain.js';

export const CHECK_LISTS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(OUTPUT_KIND_VALUES.map((k) => [k, { type: 'array', items: { enum: CHECK_ID_VALUES }, uniqueItems: true }])),
} as const;
