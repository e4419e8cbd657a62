import { itemCheck } from './item-check.js';
export const saturation = itemCheck({
    id: 'saturation',
    kind: 'model',
    status: 'fail',
    flag: (m, p) => {
        if (m.type !== 'regression')
            return null;
        const ratio = m.nParams / m.nObs;
        return ratio > p.saturation ? [{ ref: 'n_params', value: ratio, reason: `n_params / n_obs = ${m.nParams}/${m.nObs} = ${ratio.toFixed(3)} > ${p.saturation}` }] : [];
    },
    message: (_n, _m, p) => `The model estimates more than ${p.saturation} parameters per observation, so it comes close to reproducing its data.`,
    remedy: (_n, m, p) => {
        if (m.type !== 'regression')
            return '';
        const maxParams = Math.floor(p.saturation * m.nObs + 1e-9);
        const minObs = Math.ceil(m.nParams / p.saturation - 1e-9);
        return `Reduce the model to at most ${maxParams} parameters (merge factor levels, drop interactions or rarely-observed terms), or fit it on at least ${minObs} observations.`;
    },
    passMessage: (_m, p) => `The model has at most ${p.saturation} parameters per observation.`,
});
//# sourceMappingURL=saturation.js.map