import { itemCheck } from './item-check.js';
import { dofBelowThreshold } from './threshold-reasons.js';
export const modelResidualDof = itemCheck({
    id: 'residual_dof',
    kind: 'model',
    status: 'fail',
    flag: (m, p) => {
        if (m.type !== 'regression')
            return null;
        const reason = dofBelowThreshold(m.residualDof, p.dof_threshold);
        return reason ? [{ ref: 'residual_dof', value: m.residualDof, reason }] : [];
    },
    message: (_n, _m, p) => `The model has fewer than ${p.dof_threshold} residual degrees of freedom.`,
    remedy: (_n, m, p) => {
        if (m.type !== 'regression')
            return '';
        const maxParams = m.nObs - p.dof_threshold;
        const fewer = maxParams >= 1 ? `Reduce the model to at most ${maxParams} parameters (it has ${m.nParams}), or fit` : 'Fit';
        return `${fewer} it on at least ${m.nParams + p.dof_threshold} observations, so that n_obs − n_params ≥ ${p.dof_threshold}.`;
    },
    passMessage: (_m, p) => `The model has at least ${p.dof_threshold} residual degrees of freedom.`,
});
//# sourceMappingURL=model-residual-dof.js.map