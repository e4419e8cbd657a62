/**
 * The registry of output kinds: kind → the module that parses and presents it, typed per kind
 * so that what a module's `parse` returns is what its `releasable`, `evidence` and `present`
 * take, and what consumers get back (`ParsedOf<'table'>` is a `CellTable`), without casts.
 *
 * @example outputKindModule('table').parse(raw, ctx) // a CellTable
 */
import type { OutputKind } from '../domain.js';
import { AirlockError } from '../errors.js';
import type { OutputKindModule } from './output-kind.js';
import { tableKind } from './table/table-kind.js';
import { modelKind } from './model/model-kind.js';
import { plotKind } from './plot/plot-kind.js';
import { summaryKind } from './summary/summary-kind.js';
import { recordsKind } from './records/records-kind.js';
import { fileKind } from './file/file-kind.js';

const KIND_MODULES = {
  table: tableKind,
  model: modelKind,
  plot: plotKind,
  summary: summaryKind,
  records: recordsKind,
  file: fileKind,
} as const;

type Modules = typeof KIND_MODULES;
/** What `parse` returns for a kind: the form its checks read. */
export type ParsedOf<K extends OutputKind> = ReturnType<Modules[K]['parse']>;
/** What the audit store keeps of a released output of a kind (`never`: nothing). */
export type ReleasableOf<K extends OutputKind> = Modules[K] extends OutputKindModule<unknown, infer R, unknown> ? R : never;
/** What the audit store keeps of every output of a kind for replay (`never`: nothing). */
export type EvidenceOf<K extends OutputKind> = Modules[K] extends OutputKindModule<unknown, unknown, infer E> ? E : never;
/** The module of kind K, with its types. */
export type KindModule<K extends OutputKind> = OutputKindModule<ParsedOf<K>, ReleasableOf<K>, EvidenceOf<K>>;

// A mapped type over the kinds (not the object's own type), so that code generic in the kind
// (`<K extends OutputKind>`) can pass a module's parsed form back to the same module.
const MODULES: { [K in OutputKind]: KindModule<K> } = KIND_MODULES;

/** An output's kind with its parsed form, correlated: narrowing `kind` narrows `parsed`. */
export type ParsedOutput = { [K in OutputKind]: { kind: K; parsed: ParsedOf<K> } }[OutputKind];

/**
 * Code generic in the kind builds `{ kind: K, … ParsedOf<K> … }`; that such a value is a member
 * of a union over the kinds holds for every K, but TypeScript cannot see it for a generic K (it
 * resolves the union's indexed access to an intersection). This is the one place that says so,
 * for the union types of `ParsedOutput` and `EvaluatedOutput`.
 *
 * @example const p: ParsedOutput = asKindUnion<ParsedOutput>({ kind: raw.kind, parsed });
 */
export function asKindUnion<U extends { kind: OutputKind }>(value: { [P in keyof U]: unknown }): U {
  return value as U;
}

/** The module for a kind; an unknown kind is bad input (the schema normally catches it first). */
export function outputKindModule<K extends OutputKind>(kind: K): KindModule<K> {
  // Own keys only: a kind read back from a store is a string, and `constructor` is no kind.
  if (!Object.hasOwn(MODULES, kind)) throw new AirlockError('INVALID_REQUEST', `output kind "${kind}" is not supported`);
  return MODULES[kind];
}
