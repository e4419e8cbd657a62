/**
 * The normalised form of a `kind: "model"` output: either a regression (its size: n_obs,
 * n_params and the residual degrees of freedom between them) or a trained machine-learning
 * model (its family, training-set size, serialisation format and the leaf size its
 * hyperparameters imply). Families and formats are normalised names (`random_forest`, `onnx`).
 *
 * @example
 * const m: ModelOutput = { type: 'regression', family: 'ols', nObs: 120, nParams: 4, residualDof: 116, coefficients: [] };
 */
export {};
//# sourceMappingURL=model-output.js.map