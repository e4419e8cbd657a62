/**
 * The registry of output kinds: kind → the module that parses and presents it.
 *
 * @example outputKindModule('table').parse(raw, ctx)
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

const MODULES: Partial<Record<OutputKind, OutputKindModule<unknown>>> = {
  table: tableKind as OutputKindModule<unknown>,
  model: modelKind as OutputKindModule<unknown>,
  plot: plotKind as OutputKindModule<unknown>,
  summary: summaryKind as OutputKindModule<unknown>,
  records: recordsKind as OutputKindModule<unknown>,
  file: fileKind as OutputKindModule<unknown>,
};

/** The module for a kind; an unknown kind is bad input (the schema normally catches it first). */
export function outputKindModule(kind: OutputKind): OutputKindModule<unknown> {
  const m = MODULES[kind];
  if (!m) throw new AirlockError('INVALID_REQUEST', `output kind "${kind}" is not supported`);
  return m;
}
