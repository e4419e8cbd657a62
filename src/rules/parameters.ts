/**
 * The parameters governance teams set in rule files, with their defaults from
 * `sdc-rules.md`. Every check reads its parameters from this one object; the JSON Schema
 * below is what rule files are validated against, so a parameter out of range is caught when
 * the rules load, not when a request arrives.
 *
 * @example
 * const p: Parameters = { ...DEFAULT_PARAMETERS, threshold: 20 };
 */
import type { IdentifierDetector } from '../lib/identifier-detectors.js';
import { IDENTIFIER_DETECTOR_VALUES } from '../lib/identifier-detectors.js';

export interface Parameters {
  /** Minimum count of contributors in a cell/bin/class (`min_count`, differencing, survival). */
  threshold: number;
  /** Zero cells in frequency/count tables are disclosive (`zeros`). */
  zeros_are_disclosive: boolean;
  /** Number of largest contributions in the (n,k) rule. */
  nk_n: number;
  /** Share limit of the (n,k) rule. */
  nk_k: number;
  /** p% rule limit (a fraction: 0.10 is 10%). */
  p: number;
  /** Flag cells with missing measure values for review (`missing`). */
  check_missing_values: boolean;
  /** Minimum residual degrees of freedom (`residual_dof`). */
  dof_threshold: number;
  /** Base released counts must be multiples of, when `rounding` is enabled. */
  round_base: number;
  /** Largest n_params / n_obs ratio (`saturation`). */
  saturation: number;
  /** Smallest leaf size of tree-based models (`tree_leaf_size`). */
  min_samples_leaf: number;
  /** Minimum equivalence-class size of record-level outputs (`k_anonymity`). */
  k: number;
  /** Minimum distinct sensitive values per equivalence class (`l_diversity`). */
  l: number;
  /** File extensions that fail `file_type` (lower case, with the dot). */
  blocked_extensions: string[];
  /** Model families that store their training records (`instance_based`). */
  instance_based_families: string[];
  /** Model serialisation formats that run code when loaded (`model_format`). */
  unsafe_model_formats: string[];
  /** Model serialisation formats that are data only and pass `model_format` (others: review). */
  safe_model_formats: string[];
  /** Model families built from decision trees, whose leaves `tree_leaf_size` checks. */
  tree_model_families: string[];
  /**
   * File extensions released without review when every check passes and the content is of
   * the type the extension names (`file_content`); default none: every file is reviewed.
   */
  auto_release_file_extensions: string[];
  /** Column and variable names that are direct identifiers (`direct_identifiers`: review), matched after normalisation. */
  direct_identifier_columns: string[];
  /** Value detectors of `direct_identifiers` (a column at least half of whose values match one fails). */
  identifier_detectors: IdentifierDetector[];
}

/** Direct-identifier names (sdc-rules.md's list, and a few spellings it implies). */
const DEFAULT_IDENTIFIER_COLUMNS = [
  'nhs_number', 'nhs_no', 'chi', 'patient_id', 'mrn', 'hospital_number', 'name', 'forename', 'surname', 'address', 'postcode',
  'email', 'phone', 'telephone', 'date_of_birth', 'birth_date', 'dob', 'ni_number', 'national_insurance_number',
] as const;

export const DEFAULT_PARAMETERS: Readonly<Parameters> = Object.freeze({
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
  blocked_extensions: ['.svg', '.gph', '.pkl', '.pickle', '.joblib', '.pt', '.pth', '.rds', '.rdata', '.dta', '.sav'],
  instance_based_families: ['knn', 'k_nearest_neighbours', 'k_nearest_neighbors', 'support_vector_machine', 'svm', 'svc', 'svr', 'gaussian_process', 'kernel_ridge', 'kernel', 'som', 'self_organising_map', 'lvq'],
  unsafe_model_formats: ['pickle', 'joblib', 'dill', 'cloudpickle'],
  safe_model_formats: ['onnx', 'pmml', 'json', 'safetensors'],
  tree_model_families: ['decision_tree', 'random_forest', 'extra_trees', 'gradient_boosting', 'hist_gradient_boosting', 'xgboost', 'lightgbm', 'catboost', 'random_survival_forest', 'isolation_forest'],
  auto_release_file_extensions: [],
  direct_identifier_columns: [...DEFAULT_IDENTIFIER_COLUMNS],
  identifier_detectors: [...IDENTIFIER_DETECTOR_VALUES],
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
    blocked_extensions: extensionList,
    instance_based_families: stringList,
    unsafe_model_formats: stringList,
    safe_model_formats: stringList,
    tree_model_families: stringList,
    auto_release_file_extensions: extensionList,
    direct_identifier_columns: stringList,
    identifier_detectors: { type: 'array', items: { enum: IDENTIFIER_DETECTOR_VALUES }, uniqueItems: true },
  },
} as const;
