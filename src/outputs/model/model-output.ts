/**
 * The normalised form of a `kind: "model"` output: either a regression (its size: n_obs,
 * n_params and the residual degrees of freedom between them) or a trained machine-learning
 * model (its family, training-set size, serialisation format and the leaf size its
 * hyperparameters imply). Families and formats are normalised names (`random_forest`, `onnx`).
 *
 * @example
 * const m: ModelOutput = { type: 'regression', family: 'ols', nObs: 120, nParams: 4, residualDof: 116, coefficients: [] };
 */

/** One reported coefficient. */
export interface Coefficient {
  term: string;
  estimate: number;
  stdError: number | null;
}

/** A fitted regression (ols, logit, probit, poisson, glm, cox, …). */
export interface RegressionModel {
  type: 'regression';
  family: string;
  nObs: number;
  /** Parameters estimated, intercept included. */
  nParams: number;
  /** nObs − nParams. */
  residualDof: number;
  coefficients: Coefficient[];
}

/** The smallest leaf a tree model may grow, as its hyperparameters declare it. */
export interface LeafSize {
  /** The hyperparameter it was read from (`min_samples_leaf`, `min_data_in_leaf`, …). */
  hyperparameter: string;
  /** The smallest number of training records in a leaf (a fraction is converted with n_train). */
  records: number;
}

/** A trained machine-learning model (random forest, gradient boosting, knn, svm, …). */
export interface TrainedModel {
  type: 'trained';
  family: string;
  nTrain: number;
  format: string;
  hyperparameters: Record<string, unknown>;
  /** null when no leaf-size hyperparameter is declared. */
  leafSize: LeafSize | null;
}

export type ModelOutput = RegressionModel | TrainedModel;
