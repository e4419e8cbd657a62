/**
 * The parameters governance teams set in rule files, with their defaults from
 * `sdc-rules.md`. Every check reads its parameters from this one object; the JSON Schema
 * below is what rule files are validated against, so a parameter out of range is caught when
 * the rules load, not when a request arrives.
 *
 * @example
 * const p: Parameters = { ...DEFAULT_PARAMETERS, threshold: 20 };
 */
export const DEFAULT_PARAMETERS = Object.freeze({
    threshold: 10,
    zeros_are_disclosive: true,
    nk_n: 2,
    nk_k: 0.9,
    p: 0.1,
    check_missing_values: false,
    dof_threshold: 10,
    round_base: 5,
    saturation: 0.33,
    min_samples_leaf: 5,
    k: 10,
    l: 2,
    blocked_extensions: ['.svg', '.gph', '.pkl', '.pickle', '.joblib'],
    instance_based_families: ['knn', 'k_nearest_neighbours', 'k_nearest_neighbors', 'support_vector_machine', 'svm', 'svc', 'svr', 'gaussian_process', 'kernel_ridge', 'kernel', 'som', 'self_organising_map', 'lvq'],
    unsafe_model_formats: ['pickle', 'joblib', 'dill', 'cloudpickle'],
    safe_model_formats: ['onnx', 'pmml', 'json', 'safetensors'],
    tree_model_families: ['decision_tree', 'random_forest', 'extra_trees', 'gradient_boosting', 'hist_gradient_boosting', 'xgboost', 'lightgbm', 'catboost', 'random_survival_forest', 'isolation_forest'],
});
const positiveInt = { type: 'integer', minimum: 1 };
const fraction = { type: 'number', exclusiveMinimum: 0, maximum: 1 };
const stringList = { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true };
/** JSON Schema of a (possibly partial) parameter block in a rule file. */
export const PARAMETERS_SCHEMA = {
    type: 'object',
    additionalProperties: false,
    properties: {
        threshold: positiveInt,
        zeros_are_disclosive: { type: 'boolean' },
        nk_n: positiveInt,
        nk_k: fraction,
        p: fraction,
        check_missing_values: { type: 'boolean' },
        dof_threshold: { type: 'integer', minimum: 0 },
        round_base: positiveInt,
        saturation: fraction,
        min_samples_leaf: positiveInt,
        k: positiveInt,
        l: positiveInt,
        blocked_extensions: { type: 'array', items: { type: 'string', pattern: '^\\.[a-z0-9]+$' }, uniqueItems: true },
        instance_based_families: stringList,
        unsafe_model_formats: stringList,
        safe_model_formats: stringList,
        tree_model_families: stringList,
    },
};
//# sourceMappingURL=parameters.js.map