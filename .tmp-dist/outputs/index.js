import { AirlockError } from '../errors.js';
import { tableKind } from './table/table-kind.js';
import { modelKind } from './model/model-kind.js';
import { plotKind } from './plot/plot-kind.js';
import { summaryKind } from './summary/summary-kind.js';
import { recordsKind } from './records/records-kind.js';
import { fileKind } from './file/file-kind.js';
const MODULES = {
    table: tableKind,
    model: modelKind,
    plot: plotKind,
    summary: summaryKind,
    records: recordsKind,
    file: fileKind,
};
/** The module for a kind; an unknown kind is bad input (the schema normally catches it first). */
export function outputKindModule(kind) {
    const m = MODULES[kind];
    if (!m)
        throw new AirlockError('INVALID_REQUEST', `output kind "${kind}" is not supported`);
    return m;
}
//# sourceMappingURL=index.js.map