import { normaliseName } from '../outputs/read-fields.js';
import { itemCheck } from './item-check.js';
const listed = (list, format) => list.some((f) => normaliseName(f) === format);
const formatOf = (m) => (m.type === 'trained' ? m.format : '');
function isUnsafe(m, p) {
    return m.type === 'trained' && listed(p.unsafe_model_formats, m.format);
}
export const modelFormat = itemCheck({
    id: 'model_format',
    kind: 'model',
    status: (m, p) => (isUnsafe(m, p) ? 'fail' : 'review'),
    flag: (m, p) => {
        if (m.type !== 'trained')
            return null;
        if (isUnsafe(m, p))
            return [{ ref: 'format', value: null, reason: `"${m.format}" runs code when the model is loaded` }];
        if (listed(p.safe_model_formats, m.format))
            return [];
        return [{ ref: 'format', value: null, reason: `"${m.format}" is not a format known to be safe to load` }];
    },
    message: (_n, m, p) => isUnsafe(m, p)
        ? `The model is serialised as ${formatOf(m)}, which can execute arbitrary code when loaded.`
        : `The model is serialised as ${formatOf(m)}; an output checker must confirm loading it runs no code.`,
    remedy: (_n, _m, p) => `Export the model as ONNX (e.g. skl2onnx, torch.onnx) or another data-only format: ${p.safe_model_formats.join(', ')}.`,
    passMessage: (m) => `${formatOf(m)} is a data-only format.`,
});
//# sourceMappingURL=model-format.js.map