/**
 * `model_format` on trained models: formats that execute code when loaded
 * (`unsafe_model_formats`: pickle, joblib, dill, cloudpickle, torch's pickle-based
 * `.pt`/`.pth`/`.ckpt`, R's `.rds`/`.rdata`, whose loading can run code) fail; data-only formats
 * (`safe_model_formats`: ONNX, PMML, JSON, safetensors) pass; any other format goes to
 * review, since nobody has vouched that loading it is safe.
 *
 * @example modelFormat.run({ …, format: 'pickle' }, DEFAULT_PARAMETERS, ctx)[0].status // 'fail'
 */
import type { ModelOutput } from '../outputs/model/model-output.js';
import { nameKey } from '../lib/name-key.js';
import type { Parameters } from '../rules/parameters.js';
import { itemCheck } from './item-check.js';

const listed = (list: string[], format: string): boolean => list.some((f) => nameKey(f) === nameKey(format));
const formatOf = (m: ModelOutput): string => (m.type === 'trained' ? m.format : '');

function isUnsafe(m: ModelOutput, p: Parameters): boolean {
  return m.type === 'trained' && listed(p.unsafe_model_formats, m.format);
}

export const modelFormat = itemCheck<ModelOutput>({
  id: 'model_format',
  kind: 'model',
  status: (m, p) => (isUnsafe(m, p) ? 'fail' : 'review'),
  flag: (m, p) => {
    if (m.type !== 'trained') return null;
    if (isUnsafe(m, p)) return [{ ref: 'format', value: null, reason: `"${m.format}" runs code when the model is loaded` }];
    if (listed(p.safe_model_formats, m.format)) return [];
    return [{ ref: 'format', value: null, reason: `"${m.format}" is not a format known to be safe to load` }];
  },
  message: (_n, m, p) =>
    isUnsafe(m, p)
      ? `The model is serialised as ${formatOf(m)}, which can execute arbitrary code when loaded.`
      : `The model is serialised as ${formatOf(m)}; an output checker must confirm loading it runs no code.`,
  remedy: (_n, _m, p) => `Export the model as ONNX (e.g. skl2onnx, torch.onnx) or another data-only format: ${p.safe_model_formats.join(', ')}.`,
  passMessage: (m) => `${formatOf(m)} is a data-only format.`,
});
