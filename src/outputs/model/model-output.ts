/**
 * The normalised form of a `kind: "model"` output: either a regression (its size: n_obs,
 * n_params and the residual degrees of freedom between them, its coefficients and what the
 * fit reported) or a trained machine-learning model (training-set size, serialisation format
 * and the leaf size its hyperparameters imply). Both carry their family as submitted and as
 * resolved through the rules' alias table (`model-family.ts`).
 *
 * @example
 * const m: ModelOutput = { type: 'regression', family: 'ols', familyName: 'OLS', familyRecognised: true, nObs: 120, nParams: 4, residualDof: 116, coefficients: [], converged: null, perfectSeparation: null };
 */

/** One reported coefficient. */
export interface Coefficient {
  term: string;
  /** NaN when the fit reported none (R's `NA` for an aliased term) or a non-finite one. */
  estimate: number;
  /** null when not reported; NaN or ±Infinity when reported non-finite. */
  stdError: number | null;
  /** Observations behind the term (e.g. the members of a dummy's group), when declared. */
  n: number | null;
}

/** What every model carries about its family. */
export interface ModelFamily {
  /** The canonical family (a key of `model_family_aliases`), or the normalised name when unrecognised. */
  family: string;
  /** The family as submitted. */
  familyName: string;
  /** Whether the rules' alias table (or a family list) knows it. */
  familyRecognised: boolean;
}

/** A fitted regression (ols, logit, probit, poisson, glm, cox, …). */
export interface RegressionModel extends ModelFamily {
  type: 'regression';
  nObs: number;
  /** Parameters estimated, intercept included. */
  nParams: number;
  /** nObs − nParams. */
  residualDof: number;
  coefficients: Coefficient[];
  /** What the fit reported: false = did not converge; null = not declared. */
  converged: boolean | null;
  /** What the fit reported: true = (quasi-)complete separation; null = not declared. */
  perfectSeparation: boolean | null;
}

/** The smallest leaf a tree model may grow, as its hyperparameters declare it. */
export interface LeafSize {
  /** The hyperparameter it was read from (`min_samples_leaf`, `min_data_in_leaf`, …). */
  hyperparameter: string;
  /** The smallest number of training records in a leaf (a fraction is converted with n_train). */
  records: number;
}

/** A trained machine-learning model (random forest, gradient boosting, knn, svm, …). */
export interface TrainedModel extends ModelFamily {
  type: 'trained';
  nTrain: number;
  format: string;
  hyperparameters: Record<string, unknown>;
  /** null when no leaf-size hyperparameter that binds is declared. */
  leafSize: LeafSize | null;
  /** Why declared hyperparameters were not taken as a leaf size (for the review message), when any were not. */
  leafSizeNotes: string[];
}

export type ModelOutput = RegressionModel | TrainedModel;

/**
 * How findings name the model's family: as submitted, with what it resolved to when that differs.
 *
 * @example familyLabel({ familyName: 'rpart', family: 'decision_tree', familyRecognised: true }) // '"rpart" (decision_tree)'
 */
export function familyLabel(m: ModelFamily): string {
  return m.familyRecognised && m.family !== m.familyName ? `"${m.familyName}" (${m.family})` : `"${m.familyName}"`;
}
