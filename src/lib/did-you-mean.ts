/**
 * "Did you mean …?" for names a person typed: the closest candidate by edit distance
 * (fastest-levenshtein), ignoring case, offered only when it is close enough to be a typo —
 * one edit for names up to 3 characters, else two or a third of the longer name's length
 * (`tabel` → `table` is two edits) — so a
 * suggestion is a hint, never a guess about a name that is nothing like any candidate.
 *
 * @example
 * didYouMean('regoin', ['region', 'sex']); // 'region'
 * didYouMean('zzz', ['region', 'sex']); // null
 */
import { distance } from 'fastest-levenshtein';

export function didYouMean(input: string, candidates: Iterable<string>): string | null {
  const typed = input.toLowerCase();
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (c === input) continue;
    const d = distance(typed, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  if (best === null) return null;
  const longer = Math.max(typed.length, best.length);
  const allowed = longer <= 3 ? 1 : Math.max(2, Math.floor(longer / 3));
  return bestDistance <= allowed ? best : null;
}

/**
 * The hint to append to a message: `; did you mean "region"?`, or '' without a close match.
 *
 * @example `no column "regoin"${suggestion('regoin', ['region'])}` // no column "regoin"; did you mean "region"?
 */
export function suggestion(input: string, candidates: Iterable<string>): string {
  const match = didYouMean(input, candidates);
  return match === null ? '' : `; did you mean "${match}"?`;
}

/**
 * The hint for a list of unknown names: `suggestion` of the name when there is just one (with
 * several, each error detail carries its own), else ''.
 *
 * @example suggestionIfOne(['regoin'], ['region']) // '; did you mean "region"?'
 */
export function suggestionIfOne(inputs: readonly string[], candidates: Iterable<string>): string {
  const [only, ...more] = inputs;
  return only !== undefined && more.length === 0 ? suggestion(only, candidates) : '';
}

/**
 * A list of allowed values as shown in messages: quoted and comma-separated.
 *
 * @example listed(['count', 'sum']) // '"count", "sum"'
 */
export function listed(values: Iterable<unknown>): string {
  return [...values].map((v) => JSON.stringify(v)).join(', ');
}
