/**
 * The parameters governance teams set in rule files, with their defaults from
 * `sdc-rules.md`. Every check reads its parameters from this one object; the JSON Schema
 * below is what rule files are validated against, so a parameter out of range is caught when
 * the rules load, not when a request arrives.
 *
 * @example
 * const p: Parameters = { ...DEFAULT_PARAMETERS, threshold: 20 };
 */
import type { FromSchema } from 'json-schema-to-ts';
import { IDENTIFIER_DETECTOR_VALUES } from '../lib/identifier-detectors.js';
import { ROUNDING_SCHEMES } from '../lib/round-count.js';

/**
 * How a failing table's protected version protects (sdc-rules.md "Remedies and protection"):
 * suppression, rounding of every released count, or both (rounding, then suppression on the
 * rounded table).
 */
export const PROTECTION_METHODS = ['suppress', 'round', 'both'] as const;
export type ProtectionMethod = (typeof PROTECTION_METHODS)[number];

/** Where differencing looks for earlier releases. */
export const DIFFERENCING_SCOPES = ['tre', 'project'] as const;
export type DifferencingScope = (typeof DIFFERENCING_SCOPES)[number];

/** Direct-identifier names (sdc-rules.md's list, and a few spellings it implies). */
const DEFAULT_IDENTIFIER_COLUMNS = [
  'nhs_number', 'nhs_no', 'chi', 'patient_id', 'mrn', 'hospital_number', 'name', 'forename', 'surname', 'address', 'postcode',
  'email', 'phone', 'telephone', 'date_of_birth', 'birth_date', 'dob', 'ni_number', 'national_insurance_number',
] as const;

/**
 * The default `model_family_aliases`: family → its names in scikit-learn, statsmodels,
 * lifelines, R (with and without the package prefix), XGBoost, LightGBM, CatBoost, Spark
 * and common spellings. Regression families are recognised so that `model_family` passes;
 * what makes a family risky is its listing in `instance_based_families` or
 * `tree_model_families`.
 */
export const MODEL_FAMILY_ALIASES: Readonly<Record<string, string[]>> = Object.freeze({
  // regressions
  ols: ['lm', 'stats::lm', 'linear_regression', 'LinearRegression', 'ordinary_least_squares', 'linear_model', 'regress', 'OLS'],
  gls: ['GLS', 'WLS', 'weighted_least_squares', 'generalised_least_squares', 'generalized_least_squares', 'nlme::gls'],
  ridge: ['Ridge', 'RidgeCV', 'RidgeClassifier', 'ridge_regression'],
  lasso: ['Lasso', 'LassoCV', 'lasso_regression'],
  elastic_net: ['ElasticNet', 'ElasticNetCV', 'glmnet', 'glmnet::glmnet', 'cv.glmnet'],
  logit: ['logistic', 'logistic_regression', 'LogisticRegression', 'LogisticRegressionCV', 'Logit', 'logit_regression'],
  probit: ['Probit', 'probit_regression'],
  poisson: ['poisson_regression', 'PoissonRegressor', 'Poisson'],
  negative_binomial: ['glm.nb', 'MASS::glm.nb', 'negbin', 'nbreg', 'NegativeBinomial'],
  glm: ['stats::glm', 'GLM', 'generalised_linear_model', 'generalized_linear_model', 'TweedieRegressor', 'GammaRegressor'],
  multinomial_logit: ['multinom', 'nnet::multinom', 'mlogit', 'MNLogit', 'multinomial_logistic_regression'],
  ordinal_logit: ['polr', 'MASS::polr', 'ologit', 'OrderedModel', 'ordinal_logistic_regression'],
  cox: ['coxph', 'survival::coxph', 'CoxPHFitter', 'cox_ph', 'cox_proportional_hazards', 'stcox', 'CoxPHSurvivalAnalysis'],
  parametric_survival: ['survreg', 'survival::survreg', 'aft', 'WeibullAFTFitter', 'LogNormalAFTFitter', 'streg'],
  mixed_model: ['lmer', 'glmer', 'lme4::lmer', 'lme4::glmer', 'lme', 'nlme::lme', 'MixedLM', 'mixed_effects', 'mixed'],
  gee: ['GEE', 'geeglm', 'geepack::geeglm'],
  quantile_regression: ['rq', 'quantreg::rq', 'QuantileRegressor', 'QuantReg', 'qreg'],
  gam: ['mgcv::gam', 'LinearGAM', 'LogisticGAM', 'generalised_additive_model', 'generalized_additive_model'],
  // machine learning: trees
  decision_tree: ['DecisionTreeClassifier', 'DecisionTreeRegressor', 'rpart', 'rpart::rpart', 'tree', 'tree::tree', 'ctree', 'partykit::ctree', 'party::ctree', 'C5.0', 'C50::C5.0', 'J48', 'cart', 'DecisionTree'],
  random_forest: ['RandomForestClassifier', 'RandomForestRegressor', 'randomForest', 'randomForest::randomForest', 'ranger', 'ranger::ranger', 'cforest', 'party::cforest', 'rf', 'RandomForest'],
  extra_trees: ['ExtraTreesClassifier', 'ExtraTreesRegressor', 'ExtraTreeClassifier', 'ExtraTreeRegressor', 'extremely_randomised_trees', 'extremely_randomized_trees'],
  gradient_boosting: ['GradientBoostingClassifier', 'GradientBoostingRegressor', 'gbm', 'gbm::gbm', 'gbdt', 'gbt', 'GBTClassifier', 'GBTRegressor', 'boosted_trees'],
  hist_gradient_boosting: ['HistGradientBoostingClassifier', 'HistGradientBoostingRegressor'],
  adaboost: ['AdaBoostClassifier', 'AdaBoostRegressor', 'ada', 'ada::ada'],
  xgboost: ['XGBClassifier', 'XGBRegressor', 'XGBRanker', 'xgb', 'xgb.train', 'xgboost::xgboost', 'xgboost::xgb.train'],
  lightgbm: ['LGBMClassifier', 'LGBMRegressor', 'LGBMRanker', 'lgbm', 'lgb.train', 'lightgbm::lgb.train', 'lightgbm::lightgbm'],
  catboost: ['CatBoostClassifier', 'CatBoostRegressor', 'catboost::catboost.train'],
  random_survival_forest: ['RandomSurvivalForest', 'rfsrc', 'randomForestSRC::rfsrc'],
  isolation_forest: ['IsolationForest'],
  // machine learning: instance-based
  knn: ['KNeighborsClassifier', 'KNeighborsRegressor', 'RadiusNeighborsClassifier', 'RadiusNeighborsRegressor', 'NearestNeighbors', 'k_nearest_neighbours', 'k_nearest_neighbors', 'nearest_neighbours', 'nearest_neighbors', 'class::knn', 'knn3', 'caret::knn3', 'kknn', 'kknn::kknn', 'FNN::knn'],
  svm: ['SVC', 'SVR', 'NuSVC', 'NuSVR', 'OneClassSVM', 'e1071::svm', 'ksvm', 'kernlab::ksvm', 'support_vector_machine', 'support_vector_classifier', 'support_vector_regression'],
  gaussian_process: ['GaussianProcessClassifier', 'GaussianProcessRegressor', 'gausspr', 'kernlab::gausspr', 'gp', 'gpr'],
  kernel_ridge: ['KernelRidge', 'kernel_ridge_regression', 'krr'],
  kernel_density: ['KernelDensity', 'kde', 'kernel_density_estimate'],
  kernel_method: ['kernel', 'kernel_methods', 'KernelPCA'],
  som: ['self_organising_map', 'self_organizing_map', 'kohonen', 'kohonen::som', 'MiniSom'],
  lvq: ['learning_vector_quantisation', 'learning_vector_quantization', 'lvq1', 'olvq1', 'lvq3', 'class::lvq1'],
  // machine learning: other recognised families
  linear_svm: ['LinearSVC', 'LinearSVR', 'linear_support_vector_machine'],
  sgd_linear: ['SGDClassifier', 'SGDRegressor'],
  naive_bayes: ['GaussianNB', 'MultinomialNB', 'BernoulliNB', 'CategoricalNB', 'ComplementNB', 'naiveBayes', 'e1071::naiveBayes'],
  lda: ['LinearDiscriminantAnalysis', 'MASS::lda', 'linear_discriminant_analysis'],
  qda: ['QuadraticDiscriminantAnalysis', 'MASS::qda', 'quadratic_discriminant_analysis'],
  neural_network: ['MLPClassifier', 'MLPRegressor', 'mlp', 'nnet', 'nnet::nnet', 'neuralnet', 'neuralnet::neuralnet', 'neural_net', 'multilayer_perceptron'],
});

export const DEFAULT_PARAMETERS: Readonly<Parameters> = Object.freeze({
  threshold: 10,
  zeros_are_disclosive: true,
  nk_n: 2,
  nk_k: 0.9,
  p: 0.1,
  check_missing_values: false,
  dof_threshold: 10,
  round_base: 5,
  protection: 'suppress',
  rounding_scheme: 'nearest',
  saturation: 0.33,
  min_samples_leaf: 5,
  k: 10,
  l: 2,
  blocked_extensions: ['.svg', '.gph', '.pkl', '.pickle', '.joblib', '.pt', '.pth', '.rds', '.rdata', '.dta', '.sav'],
  instance_based_families: ['knn', 'svm', 'gaussian_process', 'kernel_ridge', 'kernel_density', 'kernel_method', 'som', 'lvq'],
  unsafe_model_formats: ['pickle', 'pkl', 'joblib', 'dill', 'cloudpickle', 'pt', 'pth', 'torch', 'pytorch', 'ckpt', 'sav', 'rds', 'rdata', 'rda'],
  safe_model_formats: ['onnx', 'pmml', 'json', 'safetensors'],
  tree_model_families: ['decision_tree', 'random_forest', 'extra_trees', 'gradient_boosting', 'hist_gradient_boosting', 'adaboost', 'xgboost', 'lightgbm', 'catboost', 'random_survival_forest', 'isolation_forest'],
  structural_zeros: [],
  auto_release_file_extensions: [],
  direct_identifier_columns: [...DEFAULT_IDENTIFIER_COLUMNS],
  identifier_detectors: [...IDENTIFIER_DETECTOR_VALUES],
  sensitive_attributes: ['diagnosis', 'condition', 'disease', 'icd10', 'read_code', 'snomed', 'medication', 'drug', 'procedure', 'cause_of_death', 'hiv_status'],
  model_family_aliases: MODEL_FAMILY_ALIASES,
  require_unit: false,
  leaf_size_hyperparameters: ['min_samples_leaf', 'minbucket', 'min.bucket', 'nodesize', 'min_child_samples', 'min_data_in_leaf', 'n.minobsinnode', 'minInstancesPerNode', 'min_rows'],
  differencing_scope: 'tre',
  require_dataset: true,
  require_known_dataset: false,
  unit_namespaces: {},
});

const positiveInt = { type: 'integer', minimum: 1 } as const;
const fraction = { type: 'number', exclusiveMinimum: 0, maximum: 1 } as const;
const stringList = { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true } as const;
const extensionList = { type: 'array', items: { type: 'string', pattern: '^\\.[a-z0-9]+$' }, uniqueItems: true } as const;

/** JSON Schema of a (possibly partial) parameter block in a rule file. */
export const PARAMETERS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    /** Minimum count of contributors in a cell/bin/class (`min_count`, differencing, survival). */
    threshold: positiveInt,
    /** Zero cells in frequency/count tables are disclosive (`zeros`). */
    zeros_are_disclosive: { type: 'boolean' },
    /** Number of largest contributions in the (n,k) rule. */
    nk_n: positiveInt,
    /** Share limit of the (n,k) rule. */
    nk_k: fraction,
    /** p% rule limit (a fraction: 0.10 is 10%). */
    p: fraction,
    /** Flag cells with missing measure values for review (`missing`). */
    check_missing_values: { type: 'boolean' },
    /** Minimum residual degrees of freedom (`residual_dof`). */
    dof_threshold: { type: 'integer', minimum: 0 },
    /** Base released counts must be multiples of, when `rounding` is enabled. */
    round_base: positiveInt,
    /**
     * How protected versions protect: `suppress` (default), `round` (every released count rounded,
     * no suppression; accepted only where `threshold` ≤ `round_base`) or `both`.
     */
    protection: { enum: PROTECTION_METHODS },
    /** How counts are rounded (protection `round`/`both`, and the `rounding` check): `nearest` multiple of `round_base`, or OpenSAFELY's `midpoint6`. */
    rounding_scheme: { enum: ROUNDING_SCHEMES },
    /** Largest n_params / n_obs ratio (`saturation`). */
    saturation: fraction,
    /** Smallest leaf size of tree-based models (`tree_leaf_size`). */
    min_samples_leaf: positiveInt,
    /** Minimum equivalence-class size of record-level outputs (`k_anonymity`). */
    k: positiveInt,
    /** Minimum distinct sensitive values per equivalence class (`l_diversity`). */
    l: positiveInt,
    /** File extensions that fail `file_type` (lower case, with the dot). */
    blocked_extensions: extensionList,
    /** Model families that store their training records (`instance_based`). */
    instance_based_families: stringList,
    /** Model serialisation formats that run code when loaded (`model_format`). */
    unsafe_model_formats: stringList,
    /** Model serialisation formats that are data only and pass `model_format` (others: review). */
    safe_model_formats: stringList,
    /** Model families built from decision trees, whose leaves `tree_leaf_size` checks. */
    tree_model_families: stringList,
    /**
     * Table cells empty by definition (pregnant men), as label objects compared after
     * normalisation: such a cell does not fail `zeros` or `min_count` and is never suppressed.
     */
    structural_zeros: {
      type: 'array',
      items: { type: 'object', minProperties: 1, additionalProperties: { type: 'string' } },
    },
    /**
     * File extensions released without review when every check passes and the content is of
     * the type the extension names (`file_content`); default none: every file is reviewed.
     */
    auto_release_file_extensions: extensionList,
    /** Column and variable names that are direct identifiers (`direct_identifiers`: review), matched after normalisation. */
    direct_identifier_columns: stringList,
    /** Value detectors of `direct_identifiers` (a column at least half of whose values match one fails). */
    identifier_detectors: { type: 'array', items: { enum: IDENTIFIER_DETECTOR_VALUES }, uniqueItems: true },
    /**
     * Column names of record-level outputs that hold sensitive attributes (`l_diversity`);
     * every other column is a quasi-identifier. Matched by `nameKey` (`ICD-10` is `icd10`).
     */
    sensitive_attributes: stringList,
    /**
     * The model families airlock recognises (`model_family`), each with the names libraries and
     * people use for it (scikit-learn classes, R functions, spellings), matched by `nameKey`.
     * A family that is neither a key nor an alias here, nor listed in `instance_based_families`
     * or `tree_model_families`, is unrecognised: `review`.
     */
    model_family_aliases: { type: 'object', propertyNames: { minLength: 1 }, additionalProperties: stringList },
    /**
     * Hyperparameters that bound the number of training records in a tree's leaf, as libraries
     * name them (`tree_leaf_size`), matched by `nameKey`.
     */
    leaf_size_hyperparameters: stringList,
    /**
     * Outputs must name a unit column, so counts are of people (or firms…) rather than rows: a
     * table, plot or summary from microdata without one fails `min_count`; a pre-aggregated one
     * gets review.
     */
    require_unit: { type: 'boolean' },
    /**
     * Which earlier releases differencing compares with: every release of the output's
     * population across the TRE (`tre`), or only those of the same project (`project`).
     */
    differencing_scope: { enum: DIFFERENCING_SCOPES },
    /** A table, summary or plot in a request without a `dataset` gets `differencing: review`. */
    require_dataset: { type: 'boolean' },
    /** A dataset no population in `populations:` lists gets `differencing: review`. */
    require_known_dataset: { type: 'boolean' },
    /**
     * Unit namespaces (sdc-rules.md "Unit mode"): namespace name → the populations whose unit
     * identifiers it holds. Populations not listed share the TRE's default namespace. Only the
     * default rule file may set it (units are compared TRE-wide).
     */
    unit_namespaces: { type: 'object', additionalProperties: stringList, propertyNames: { minLength: 1 } },
  },
} as const;

/**
 * Every parameter, as checks read it (the defaults filled in): derived from the rule-file
 * schema above, so the schema rule files are validated against and the type checks compile
 * against cannot drift. Each property's meaning is documented on its schema entry.
 */
export type Parameters = Required<FromSchema<typeof PARAMETERS_SCHEMA>>;

/** Parameters only the default rule file may set: they describe the whole TRE, not one project. */
export const TRE_WIDE_PARAMETERS = ['unit_namespaces'] as const;

/** JSON Schema of a project override's parameter block: every parameter except the TRE-wide ones. */
export const OVERRIDE_PARAMETERS_SCHEMA = {
  ...PARAMETERS_SCHEMA,
  // Typed as what the filter leaves, so ProjectOverride (derived from this schema) has no TRE-wide parameter either.
  properties: Object.fromEntries(Object.entries(PARAMETERS_SCHEMA.properties).filter(([k]) => !(TRE_WIDE_PARAMETERS as readonly string[]).includes(k))) as Omit<
    typeof PARAMETERS_SCHEMA.properties,
    (typeof TRE_WIDE_PARAMETERS)[number]
  >,
} as const;
