/**
 * JSON Schema of a `checks:` block (per output kind, the check ids enabled), shared by rule
 * files, project overrides and governance floors.
 *
 * @example ajv.compile({ type: 'object', properties: { checks: CHECK_LISTS_SCHEMA } })
 */
import type { FromSchema } from 'json-schema-to-ts';
import type { OutputKind } from '../domain.js';
import { CHECK_ID_VALUES, OUTPUT_KIND_VALUES } from '../domain.js';

const CHECK_LIST = { type: 'array', items: { enum: CHECK_ID_VALUES }, uniqueItems: true } as const;

export const CHECK_LISTS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  // Object.fromEntries forgets the keys; naming them lets CheckLists be derived from this schema.
  properties: Object.fromEntries(OUTPUT_KIND_VALUES.map((k) => [k, CHECK_LIST])) as Record<OutputKind, typeof CHECK_LIST>,
} as const;

/** Per output kind, the check ids enabled: a `checks:` block as validated. */
export type CheckLists = FromSchema<typeof CHECK_LISTS_SCHEMA>;
