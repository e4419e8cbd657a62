import { boundedObjects, invalid, normaliseName, readFields } from '../read-fields.js';
const REGRESSION_FIELDS = ['n_obs', 'n_params', 'residual_dof', 'coefficients'];
const TRAINED_FIELDS = ['n_train', 'format', 'hyperparameters'];
/**
 * Hyperparameters that bound the number of training records in a leaf, as the common
 * libraries name them (scikit-learn, LightGBM, R randomForest, rpart).
 */
export const LEAF_HYPERPARAMETERS = ['min_samples_leaf', 'min_data_in_leaf', 'min_child_samples', 'nodesize', 'minbucket'];
function parseRegression(f, family, limits) {
    const nObs = f.integer('n_obs', 1);
    const declaredParams = f.optInteger('n_params', 1);
    const declaredDof = f.optInteger('residual_dof', 0);
    if (declaredParams === undefined && declaredDof === undefined)
        invalid('MODEL_INVALID', f.at('n_params'), 'a regression needs n_params (intercept included) or residual_dof');
    const nParams = declaredParams ?? nObs - declaredDof;
    if (nParams < 1)
        invalid('MODEL_INVALID', f.at('residual_dof'), `residual_dof ${declaredDof} leaves fewer than 1 parameter for n_obs ${nObs}`);
    if (nParams > nObs)
        invalid('MODEL_INVALID', f.at('n_params'), `n_params ${nParams} exceeds n_obs ${nObs}`);
    if (declaredDof !== undefined && declaredDof !== nObs - nParams) {
        invalid('MODEL_INVALID', f.at('residual_dof'), `residual_dof ${declaredDof} ≠ n_obs − n_params = ${nObs - nParams}`);
    }
    const coefficients = [];
    if (f.has('coefficients')) {
        const seen = new Set();
        for (const c of boundedObjects(f, 'coefficients', limits.maxCells, 'MODEL_INVALID', true)) {
            const term = c.string('term');
            if (seen.has(term))
                invalid('MODEL_INVALID', c.at('term'), `term "${term}" appears twice`);
            seen.add(term);
            const stdError = c.optNumber('std_error');
            if (stdError !== undefined && stdError < 0)
                invalid('MODEL_INVALID', c.at('std_error'), 'must not be negative');
            coefficients.push({ term, estimate: c.number('estimate'), stdError: stdError ?? null });
        }
        if (coefficients.length > nParams) {
            invalid('MODEL_INVALID', f.at('coefficients'), `${coefficients.length} coefficients but n_params is ${nParams}`);
        }
    }
    return { type: 'regression', family, nObs, nParams, residualDof: nObs - nParams, coefficients };
}
/**
 * The leaf size the hyperparameters imply, the smallest when several are declared. A
 * scikit-learn `min_samples_leaf` in (0, 1) is a fraction of the training set.
 */
function leafSizeOf(hp, nTrain, at) {
    let best = null;
    for (const key of LEAF_HYPERPARAMETERS) {
        const v = hp[key];
        if (v === undefined || v === null)
            continue;
        if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
            invalid('MODEL_INVALID', at(key), 'must be a positive number');
        let records;
        if (Number.isInteger(v))
            records = v;
        else if (key === 'min_samples_leaf' && v < 1)
            records = Math.ceil(v * nTrain);
        else
            return invalid('MODEL_INVALID', at(key), `must be an integer${key === 'min_samples_leaf' ? ' or a fraction in (0, 1)' : ''} (got ${v})`);
        if (best === null || records < best.records)
            best = { hyperparameter: key, records };
    }
    return best;
}
function parseTrained(f, family) {
    const nTrain = f.integer('n_train', 1);
    const format = normaliseName(f.string('format'));
    const hyperparameters = f.optObject('hyperparameters') ?? {};
    const leafSize = leafSizeOf(hyperparameters, nTrain, (key) => `${f.at('hyperparameters')}/${key}`);
    return { type: 'trained', family, nTrain, format, hyperparameters, leafSize };
}
/**
 * Parses a model output; throws `MODEL_INVALID` (with a pointer) on missing fields,
 * n_params < 1, n_params > n_obs, inconsistent residual_dof, or mixed model fields.
 *
 * @example parseModel({ name: 'rf', kind: 'model', family: 'random_forest', n_train: 500, format: 'onnx' }, ctx).type // 'trained'
 */
export function parseModel(raw, ctx) {
    const { limits, pointer } = ctx;
    const f = readFields(raw, pointer, 'MODEL_INVALID');
    const family = normaliseName(f.string('family'));
    const regression = REGRESSION_FIELDS.filter((k) => f.has(k));
    const trained = TRAINED_FIELDS.filter((k) => f.has(k));
    if (regression.length && trained.length) {
        invalid('MODEL_INVALID', pointer, `mixes regression fields (${regression.join(', ')}) with trained-model fields (${trained.join(', ')})`);
    }
    if (trained.length)
        return parseTrained(f, family);
    if (regression.length)
        return parseRegression(f, family, limits);
    return invalid('MODEL_INVALID', pointer, 'a model needs n_obs and n_params (regression) or n_train and format (trained model)');
}
export const modelKind = { kind: 'model', parse: parseModel };
//# sourceMappingURL=model-kind.js.map