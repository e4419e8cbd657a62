/**
 * What each rule-set parameter means, in words a governance team reads: the console's
 * governance page shows it beside each value. Typed against `Parameters`, so a parameter added
 * without its meaning is a compile error, not a blank on the page.
 *
 * @example PARAMETER_MEANINGS.threshold // 'Smallest number of contributors …'
 */
import type { Parameters } from './parameters.js';

export const PARAMETER_MEANINGS: Readonly<Record<keyof Parameters, string>> = {
  threshold: 'Smallest number of contributors a published cell, bin, bar, risk set or statistic may rest on (min_count); also the smallest difference between two releases that differencing lets through, and the survival-step minimum.',
  zeros_are_disclosive: 'Whether an empty cell in a frequency or count table fails (zeros): a zero can say that nobody in a group has a condition.',
  nk_n: 'How many of the largest contributions the (n,k) dominance rule adds up.',
  nk_k: 'Largest share of a cell total that the n largest contributions may make up (nk_dominance); 0.90 means 90%.',
  p: 'p% rule: the rest of a cell must leave the largest contribution uncertain by at least this fraction (0.10 = 10%).',
  check_missing_values: 'Whether cells with missing measure values go to review (missing).',
  dof_threshold: 'Smallest residual degrees of freedom of a regression or a std table (residual_dof).',
  round_base: 'Base released counts must be multiples of, when the rounding check is on (rounding), and the base protected versions round to (rounding_scheme nearest).',
  protection: 'How a failing table\'s protected version protects: suppress (failing cells and their complements), round (every released count rounded; only where threshold is at most round_base), or both (rounded, then suppressed).',
  rounding_scheme: 'How counts are rounded: nearest (nearest multiple of round_base) or midpoint6 (OpenSAFELY: 0 stays 0, 1–6 → 3, 7–12 → 9, …). A rounded count is known to an attacker only as the interval that rounds to it.',
  saturation: 'Largest ratio of parameters to observations a regression may have (saturation).',
  min_samples_leaf: 'Smallest leaf a tree model may have (tree_leaf_size).',
  k: 'Smallest equivalence class of a record-level output over its quasi-identifiers (k_anonymity).',
  l: 'Fewest distinct sensitive values each such class must hold (l_diversity).',
  blocked_extensions: 'File extensions that never leave (file_type), also inside compressed names.',
  instance_based_families: 'Model families that store their training records and so cannot leave (instance_based).',
  unsafe_model_formats: 'Model file formats that run code when loaded and fail (model_format).',
  safe_model_formats: 'Model file formats that are data only and pass model_format (any other format: review).',
  tree_model_families: 'Model families built from decision trees, whose leaf size tree_leaf_size checks.',
  auto_release_file_extensions: 'File extensions released without a person looking when every check passes and the content really is that type (file_content); empty means every file is reviewed.',
  direct_identifier_columns: 'Column and variable names that are direct identifiers (NHS number, name, postcode…): a column so named goes to review (direct_identifiers).',
  structural_zeros: 'Table cells that are empty by definition (e.g. male × pregnant), as label objects: such an empty cell passes zeros and min_count and is never suppressed; a cell only the submitter declares gets review.',
  identifier_detectors: 'Value detectors of direct_identifiers (NHS and CHI numbers, postcodes, e-mail, UK phone numbers, birth dates): a column at least half of whose values match one fails.',
  sensitive_attributes: 'Columns of record extracts that hold sensitive attributes (l_diversity); every other column is a quasi-identifier (k_anonymity). Matched ignoring case, spaces and punctuation.',
  model_family_aliases: 'The model families airlock recognises, each with the names libraries use for it (DecisionTreeClassifier is decision_tree); an unrecognised family goes to review (model_family).',
  leaf_size_hyperparameters: 'Hyperparameters that bound the number of training records in a tree leaf (min_samples_leaf, minbucket, …), read by tree_leaf_size.',
  require_unit: 'Whether tables, plots and summaries must name a unit column (spec.unit), so counts are of people rather than rows: without one, an output from microdata fails min_count and a pre-aggregated one goes to review.',
  differencing_scope: 'Which earlier releases differencing compares an output with: every release of its population across the TRE (tre), or only its project\'s (project).',
  require_dataset: 'Whether a table, plot or summary in a request without a dataset goes to review (differencing could not be checked); false compares such a request with itself only.',
  require_known_dataset: 'Whether a dataset that no population declares goes to review, instead of being its own population (a new name would start an empty history).',
  unit_namespaces: 'Splits the TRE\'s one namespace of unit identifiers: namespace → the populations whose units it holds (for populations that number their units independently). Default file only.',
};
