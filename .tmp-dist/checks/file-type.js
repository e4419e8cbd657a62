import { itemCheck } from './item-check.js';
/** Why each blocked-by-default type is blocked, and what to send instead. */
const ADVICE = {
    '.svg': 'export the figure as PNG or PDF (an SVG can carry the plotted data points and scripts)',
    '.gph': 'export the Stata graph as PNG or PDF (a .gph file contains the data behind the graph)',
    '.pkl': 'save models as ONNX or PMML and data as CSV (pickles run code when loaded and can hold any data)',
    '.pickle': 'save models as ONNX or PMML and data as CSV (pickles run code when loaded and can hold any data)',
    '.joblib': 'save models as ONNX or PMML (joblib files are pickles: they run code when loaded)',
};
function blockedItems(file, p) {
    const blocked = new Set(p.blocked_extensions.map((e) => e.toLowerCase()));
    const items = file.extensions.filter((e) => blocked.has(e)).map((e) => ({ ref: 'filename', value: null, reason: `extension "${e}" is blocked` }));
    const s = file.sniffed;
    if (s && s.extensions.some((e) => blocked.has(e)) && !file.extensions.some((e) => s.extensions.includes(e))) {
        items.push({ ref: 'content_base64', value: null, reason: `the content is a ${s.type} (blocked as ${s.extensions.filter((e) => blocked.has(e)).join(', ')}) under another name` });
    }
    return items;
}
/** The blocked extensions this file goes by, by name or by content. */
function blockedTypes(file, p) {
    const all = [...file.extensions, ...(file.sniffed?.extensions ?? [])];
    return [...new Set(all.filter((e) => p.blocked_extensions.includes(e)))];
}
export const fileType = itemCheck({
    id: 'file_type',
    kind: 'file',
    status: 'fail',
    flag: (file, p) => blockedItems(file, p),
    message: (_n, file, p) => `${file.filename} is a blocked file type (${blockedTypes(file, p).join(', ')}).`,
    remedy: (_n, file, p) => {
        const advice = blockedTypes(file, p).map((e) => ADVICE[e] ?? `convert the ${e} file to a format that is not blocked`);
        const text = [...new Set(advice)].join('; ');
        return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
    },
    passMessage: (file) => `${file.filename} is not a blocked file type.`,
});
//# sourceMappingURL=file-type.js.map