/**
 * Whether a column or variable name names a direct identifier (sdc-rules.md: "a column or
 * variable so named gets review"), against governance's list (`direct_identifier_columns`).
 * Names are compared as words after normalisation, so every spelling of one name matches:
 * `nhs_number`, `NHS Number`, `nhs-number`, `NHSNumber`, `nhsnumber`, `Ｎｈｓ＿Ｎｕｍｂｅｒ`.
 *
 * Beyond the exact name:
 * - a name of several words matches wherever those words stand together
 *   (`patient_nhs_number`, `nhs_number_hashed`, `mother_date_of_birth`);
 * - a one-word name matches when every other word only says whose or which it is
 *   (`patient_name`, `first_name`, `home_address`, `mobile_phone`, `email_address`), but not
 *   when another word makes it something else (`drug_name`, `site_name`, `practice_postcode`:
 *   their values are still run through the detectors).
 *
 * @example
 * const match = identifierNameMatcher(['nhs_number', 'name']);
 * match('NHSNumber') // 'nhs_number'
 * match('drug_name') // null
 */
import { nameWords } from './identifier-detectors.js';

/** Words that qualify a one-word identifier without changing what it is. */
const QUALIFIERS = new Set([
  'patient', 'patients', 'pt', 'person', 'persons', 'subject', 'participant', 'client', 'member', 'individual', 'resident', 'case',
  'first', 'last', 'middle', 'given', 'family', 'full', 'maiden', 'preferred', 'known', 'sur', 'fore', 'birth',
  'home', 'work', 'mobile', 'cell', 'contact', 'personal', 'private', 'current', 'usual', 'primary', 'main', 'previous', 'residential', 'postal', 'mailing', 'street',
  'number', 'no', 'num', 'nr', 'id', 'code', 'line', 'address', 'raw', 'text', 'value', 'of', 'the', 's',
  '1', '2', '3', '4',
]);

interface CompiledName {
  /** The name as governance wrote it (what findings report). */
  name: string;
  words: string[];
  compact: string;
}

/**
 * A matcher for a list of identifier names: the list's entry a name matches, or null.
 *
 * @example identifierNameMatcher(['postcode'])('Patient Postcode') // 'postcode'
 */
export function identifierNameMatcher(names: readonly string[]): (name: string) => string | null {
  const compiled: CompiledName[] = names
    .map((name) => ({ name, words: nameWords(name) }))
    .filter((c) => c.words.length > 0)
    .map((c) => ({ ...c, compact: c.words.join('') }));
  const memo = new Map<string, string | null>();
  return (name: string): string | null => {
    const hit = memo.get(name);
    if (hit !== undefined) return hit;
    const found = matchName(name, compiled);
    if (memo.size < 10_000) memo.set(name, found);
    return found;
  };
}

function matchName(name: string, list: readonly CompiledName[]): string | null {
  const words = nameWords(name);
  if (words.length === 0) return null;
  const compact = words.join('');
  for (const c of list) if (c.compact === compact) return c.name;
  for (const c of list) {
    if (c.words.length > 1) {
      if (containsRun(words, c.words)) return c.name;
    } else {
      const i = words.indexOf(c.compact);
      if (i >= 0 && words.every((w, j) => j === i || QUALIFIERS.has(w))) return c.name;
    }
  }
  return null;
}

/** Whether `run` occurs in `words` as consecutive words. */
function containsRun(words: readonly string[], run: readonly string[]): boolean {
  outer: for (let i = 0; i + run.length <= words.length; i++) {
    for (let j = 0; j < run.length; j++) if (words[i + j] !== run[j]) continue outer;
    return true;
  }
  return false;
}
