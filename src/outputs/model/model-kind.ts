/**
 * `kind: "model"`: a regression (`n_obs`, `n_params` and/or `residual_dof`, optional
 * `coefficients` with their `n`, and what the fit reported: `converged`,
 * `perfect_separation`) or a trained machine-learning model (`n_train`, `format`, optional
 * `hyperparameters`). Which one is told by its fields, never guessed from the family name, so
 * an unfamiliar family is still checked; a model mixing both sets of fields is bad input.
 * The family is resolved through the rules' alias table (`model-family.ts`).
 *
 * @example
 * modelKind.parse({ name: 'm', kind: 'model', family: 'ols', n_obs: 120, n_params: 4 }, ctx);
 */
import type { Limits } from '../../limits.js';
import { nameKey, nameKeys } from '../../lib/name-key.js';
import type { Parameters } from '../../rules/parameters.js';
import type { OutputKindModule, ParseContext, RawOutput } from '../output-kind.js';
import type { Fields } from '../read-fields.js';
import { boundedObjects, invalid, normaliseName, readFields } from '../read-fields.js';
import { resolveFamily } from './model-family.js';
import type { Coefficient, LeafSize, ModelFamily, ModelOutput, RegressionModel, TrainedModel } from './model-output.js';
import { at } from '../../lib/invariant.js';

const REGRESSION_FIELDS = ['n_obs', 'n_params', 'residual_dof', 'coefficients', 'converged', 'perfect_separation'];
const TRAINED_FIELDS = ['n_train', 'format', 'hyperparameters'];

/** How statistical software writes a number that is not one (R's NA, Python's nan/inf). */
const NON_FINITE: ReadonlyMap<string, number> = new Map([
  ['na', NaN],
  ['nan', NaN],
  ['inf', Infinity],
  ['+inf', Infinity],
  ['infinity', Infinity],
  ['-inf', -Infinity],
  ['-infinity', -Infinity],
]);

/**
 * Hyperparameters that look like a leaf size but bound a sum of instance weights or
 * Hessians (XGBoost's `min_child_weight`, LightGBM's `min_sum_hessian_in_leaf`,
 * scikit-learn's `min_weight_fraction_leaf`): with weights or non-squared losses a leaf may
 * hold fewer records than the value, so they are never taken as a leaf size.
 */
const WEIGHT_BOUNDS = nameKeys(['min_child_weight', 'min_sum_hessian_in_leaf', 'min_weight_fraction_leaf']);
const FRACTION_ALLOWED = nameKey('min_samples_leaf');
/** CatBoost honours min_data_in_leaf only with these grow policies (its default, SymmetricTree, ignores it). */
const CATBOOST_LEAF_POLICIES = nameKeys(['Depthwise', 'Lossguide']);

/** A number as a fit reports it: finite, or null / "NA" / "NaN" / "Inf" (non-finite). */
function reportedNumber(c: Fields, key: string, raw: unknown): number {
  if (raw === null) return NaN;
  if (typeof raw === 'string') {
    const v = NON_FINITE.get(raw.trim().toLowerCase());
    if (v !== undefined) return v;
  }
  return c.number(key);
}

function parseCoefficient(c: Fields, raw: Record<string, unknown>, nObs: number): Coefficient {
  const term = c.string('term');
  if (!('estimate' in raw)) invalid('MODEL_INVALID', c.at('estimate'), 'is required (null or "NA" when the fit reported none)');
  const estimate = reportedNumber(c, 'estimate', raw.estimate);
  const stdError = raw.std_error === undefined || raw.std_error === null ? null : reportedNumber(c, 'std_error', raw.std_error);
  if (stdError !== null && stdError < 0) invalid('MODEL_INVALID', c.at('std_error'), 'must not be negative');
  const n = c.optInteger('n', 0) ?? null;
  if (n !== null && n > nObs) invalid('MODEL_INVALID', c.at('n'), `${n} observations behind the term, more than n_obs ${nObs}`);
  return { term, estimate, stdError, n };
}

function parseRegression(f: Fields, raw: RawOutput, family: ModelFamily, limits: Limits): RegressionModel {
  const nObs = f.integer('n_obs', 1);
  const declaredParams = f.optInteger('n_params', 1);
  const declaredDof = f.optInteger('residual_dof', 0);
  const nParams = declaredParams ?? nObs - (declaredDof ?? invalid('MODEL_INVALID', f.at('n_params'), 'a regression needs n_params (intercept included) or residual_dof'));
  if (nParams < 1) invalid('MODEL_INVALID', f.at('residual_dof'), `residual_dof ${declaredDof} leaves fewer than 1 parameter for n_obs ${nObs}`);
  if (nParams > nObs) invalid('MODEL_INVALID', f.at('n_params'), `n_params ${nParams} exceeds n_obs ${nObs}`);
  if (declaredDof !== undefined && declaredDof !== nObs - nParams) {
    invalid('MODEL_INVALID', f.at('residual_dof'), `residual_dof ${declaredDof} ≠ n_obs − n_params = ${nObs - nParams}`);
  }
  const coefficients: Coefficient[] = [];
  if (f.has('coefficients')) {
    const seen = new Set<string>();
    const rawList = raw.coefficients as Record<string, unknown>[];
    boundedObjects(f, 'coefficients', limits.maxCells, 'MODEL_INVALID', true).forEach((c, i) => {
      const coefficient = parseCoefficient(c, at(rawList, i), nObs);
      if (seen.has(coefficient.term)) invalid('MODEL_INVALID', c.at('term'), `term "${coefficient.term}" appears twice`);
      seen.add(coefficient.term);
      coefficients.push(coefficient);
    });
    if (coefficients.length > nParams) {
      invalid('MODEL_INVALID', f.at('coefficients'), `${coefficients.length} coefficients but n_params is ${nParams}`);
    }
  }
  return {
    type: 'regression',
    ...family,
    nObs,
    nParams,
    residualDof: nObs - nParams,
    coefficients,
    converged: f.optBoolean('converged') ?? null,
    perfectSeparation: f.optBoolean('perfect_separation') ?? null,
  };
}

/**
 * The leaf size the hyperparameters imply (the smallest when several are declared), by the
 * rules' `leaf_size_hyperparameters`, with notes on declared ones that do not bound a leaf's
 * records. A scikit-learn `min_samples_leaf` in (0, 1) is a fraction of the training set.
 */
function leafSizeOf(hp: Record<string, unknown>, nTrain: number, family: string, p: Parameters, at: (key: string) => string): { leafSize: LeafSize | null; notes: string[] } {
  const leafKeys = nameKeys(p.leaf_size_hyperparameters);
  const notes: string[] = [];
  let best: LeafSize | null = null;
  for (const [key, v] of Object.entries(hp)) {
    const k = nameKey(key);
    if (WEIGHT_BOUNDS.has(k)) {
      notes.push(`${key} bounds the sum of instance weights (Hessians) in a leaf, not its number of records`);
      continue;
    }
    if (!leafKeys.has(k) || v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) invalid('MODEL_INVALID', at(key), 'must be a positive number');
    let records: number;
    if (Number.isInteger(v)) records = v;
    else if (k === FRACTION_ALLOWED && v < 1) records = Math.ceil(v * nTrain);
    else return invalid('MODEL_INVALID', at(key), `must be an integer${k === FRACTION_ALLOWED ? ' or a fraction in (0, 1)' : ''} (got ${v})`);
    if (family === 'catboost') {
      const policy = hp.grow_policy;
      if (typeof policy !== 'string' || !CATBOOST_LEAF_POLICIES.has(nameKey(policy))) {
        notes.push(`CatBoost ignores ${key} unless grow_policy is Depthwise or Lossguide (its default, SymmetricTree, ignores it)`);
        continue;
      }
    }
    if (best === null || records < best.records) best = { hyperparameter: key, records };
  }
  return { leafSize: best, notes };
}

function parseTrained(f: Fields, family: ModelFamily, p: Parameters): TrainedModel {
  const nTrain = f.integer('n_train', 1);
  const format = normaliseName(f.string('format'));
  const hyperparameters = f.optObject('hyperparameters') ?? {};
  const { leafSize, notes } = leafSizeOf(hyperparameters, nTrain, family.family, p, (key) => `${f.at('hyperparameters')}/${key}`);
  return { type: 'trained', ...family, nTrain, format, hyperparameters, leafSize, leafSizeNotes: notes };
}

/**
 * Parses a model output; throws `MODEL_INVALID` (with a pointer) on missing fields,
 * n_params < 1, n_params > n_obs, inconsistent residual_dof, a term's n above n_obs, or
 * mixed model fields.
 *
 * @example parseModel({ name: 'rf', kind: 'model', family: 'RandomForestClassifier', n_train: 500, format: 'onnx' }, ctx).family // 'random_forest'
 */
export function parseModel(raw: RawOutput, ctx: ParseContext): ModelOutput {
  const { limits, pointer } = ctx;
  const f = readFields(raw, pointer, 'MODEL_INVALID');
  const resolved = resolveFamily(f.string('family'), ctx.params);
  const family: ModelFamily = { family: resolved.family, familyName: resolved.name, familyRecognised: resolved.recognised };
  const regression = REGRESSION_FIELDS.filter((k) => f.has(k));
  const trained = TRAINED_FIELDS.filter((k) => f.has(k));
  if (regression.length && trained.length) {
    invalid('MODEL_INVALID', pointer, `mixes regression fields (${regression.join(', ')}) with trained-model fields (${trained.join(', ')})`);
  }
  if (trained.length) return parseTrained(f, family, ctx.params);
  if (regression.length) return parseRegression(f, raw, family, limits);
  return invalid('MODEL_INVALID', pointer, 'a model needs n_obs and n_params (regression) or n_train and format (trained model)');
}

/** A number as the submission form writes it: non-finite values as the strings parse accepts. */
function reported(x: number): number | string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Inf' : '-Inf';
  return x;
}

/**
 * What replay keeps of a model: the model's description in its submission form (sizes,
 * coefficients, family, format, hyperparameters): nothing in it is microdata.
 *
 * @example modelEvidence(parsed) // { family: 'ols', n_obs: 120, n_params: 4, coefficients: [...] }
 */
export function modelEvidence(m: ModelOutput): Record<string, unknown> {
  if (m.type === 'trained') return { family: m.familyName, n_train: m.nTrain, format: m.format, hyperparameters: m.hyperparameters };
  return {
    family: m.familyName,
    n_obs: m.nObs,
    n_params: m.nParams,
    coefficients: m.coefficients.map((c) => ({
      term: c.term,
      estimate: reported(c.estimate),
      ...(c.stdError === null ? {} : { std_error: reported(c.stdError) }),
      ...(c.n === null ? {} : { n: c.n }),
    })),
    ...(m.converged === null ? {} : { converged: m.converged }),
    ...(m.perfectSeparation === null ? {} : { perfect_separation: m.perfectSeparation }),
  };
}

export const modelKind: OutputKindModule<ModelOutput, never, Record<string, unknown>> = { kind: 'model', parse: parseModel, evidence: modelEvidence };
