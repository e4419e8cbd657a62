import { invalid, readFields } from '../read-fields.js';
import { readMicrodata } from '../table/table-kind.js';
import { equivalenceClasses } from './equivalence-classes.js';
function columnNames(list, at) {
    const names = list.map((v, i) => (typeof v === 'string' && v !== '' ? v : invalid('RECORDS_INVALID', `${at}/${i}`, 'must be a non-empty column name')));
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup !== undefined)
        invalid('RECORDS_INVALID', at, `"${dup}" is named twice`);
    return names;
}
/**
 * Parses a records output and computes its equivalence classes.
 *
 * @example parseRecords(raw, ctx).classes.sizes
 */
export function parseRecords(raw, ctx) {
    const f = readFields(raw, ctx.pointer, 'RECORDS_INVALID');
    const qiList = f.array('quasi_identifiers');
    if (qiList.length === 0)
        invalid('RECORDS_INVALID', f.at('quasi_identifiers'), 'name at least one quasi-identifier column');
    const quasiIdentifiers = columnNames(qiList, f.at('quasi_identifiers'));
    const sensitive = f.optString('sensitive') ?? null;
    if (sensitive !== null && quasiIdentifiers.includes(sensitive))
        invalid('RECORDS_INVALID', f.at('sensitive'), `"${sensitive}" is also a quasi-identifier`);
    const m = readFields(f.optObject('microdata') ?? invalid('RECORDS_INVALID', f.at('microdata'), 'is required'), f.at('microdata'), 'RECORDS_INVALID');
    const format = m.string('format');
    if (format !== 'csv' && format !== 'json')
        invalid('RECORDS_INVALID', m.at('format'), `must be "csv" or "json" (got "${format}")`);
    if (!m.has('data'))
        invalid('RECORDS_INVALID', m.at('data'), 'is required');
    const names = sensitive === null ? quasiIdentifiers : [...quasiIdentifiers, sensitive];
    const data = readMicrodata(raw.microdata, { categories: names, numbers: [] }, ctx);
    const column = (name) => {
        const col = data.columns.get(name);
        return col && col.type === 'category' ? col : invalid('RECORDS_INVALID', ctx.pointer, `column "${name}" was not read`);
    };
    const qiColumns = quasiIdentifiers.map(column);
    return {
        nRows: data.nRows,
        quasiIdentifiers,
        qiColumns,
        sensitive,
        sensitiveColumn: sensitive === null ? null : column(sensitive),
        classes: equivalenceClasses(qiColumns, data.nRows),
    };
}
export const recordsKind = { kind: 'records', parse: parseRecords };
//# sourceMappingURL=records-kind.js.map