import { AirlockError } from '../../errors.js';
const asList = (v) => (v === undefined ? [] : typeof v === 'string' ? [v] : [...v]);
/** Validates the spec's internal consistency (not the columns' existence: the reader does). */
export function normaliseSpec(input, pointer) {
    const index = asList(input.index);
    const columns = asList(input.columns);
    const values = input.values ?? null;
    const bad = (message, at) => {
        throw new AirlockError('SPEC_INVALID', message, [{ pointer: `${pointer}/${at}`, message }]);
    };
    if (index.length === 0)
        bad('the spec needs at least one row variable in `index`', 'index');
    const dims = [...index, ...columns];
    const seen = new Set();
    for (const d of dims) {
        if (seen.has(d))
            bad(`variable "${d}" appears twice among index and columns`, 'columns');
        seen.add(d);
    }
    if (values !== null && seen.has(values))
        bad(`the measure "${values}" is also a dimension`, 'values');
    if (input.aggfunc !== undefined && values === null)
        bad(`aggfunc "${input.aggfunc}" needs a measure in \`values\``, 'values');
    if (values !== null && input.aggfunc === undefined)
        bad('a measure in `values` needs an `aggfunc`', 'aggfunc');
    return { index, columns, values, statistic: input.aggfunc ?? 'frequency', margins: input.margins ?? false };
}
//# sourceMappingURL=table-spec.js.map