/**
 * The `suppression_audit` finding about a table's `protection` token (sdc-rules.md
 * "Suppressed cells"): whether the evidence behind its suppressed cells is airlock's own. The
 * protection audit itself (`suppression-audit.ts`) reads the outcome as
 * `CellTable.evidenceTrusted`; this module only says, in the decision, what the token was
 * found to be, so a checker can follow why the audit used (or did not use) the evidence.
 * - No token: nothing (the audit follows the doc for a table without one).
 * - A trusted token: `pass`, naming the key and what it covers.
 * - A token airlock does not trust (forged, expired, for another request, or cells or evidence
 *   changed since airlock sealed them): `review`. The evidence is then a claim, as without a
 *   token, and a token that does not match what it came with is worth a person's look: it is
 *   never a reason to release.
 *
 * @example protectionEvidence.run(resubmittedTable, params, ctx)[0].status // 'pass'
 */
import type { Finding } from '../domain.js';
import type { CellTable } from '../outputs/table/cell-table.js';
import { cellCount } from '../outputs/table/cell-table.js';
import type { Check } from './check.js';
import { cellsWord } from './table-cell-check.js';
import { outOfRange } from '../lib/invariant.js';

export const protectionEvidence: Check<CellTable> = {
  id: 'suppression_audit',
  kind: 'table',
  run(t: CellTable): Finding[] {
    const v = t.protection;
    if (!v) return [];
    let suppressed = 0;
    for (let c = 0, n = cellCount(t); c < n; c++) suppressed += t.suppressed[c] ?? outOfRange();
    if (v.trusted) {
      return [
        {
          check: 'suppression_audit',
          status: 'pass',
          message: `Protection token verified: ${v.reason}, so the evidence of the ${cellsWord(suppressed)} suppressed is airlock's own and the protection audit uses it.`,
          remedy: '',
        },
      ];
    }
    return [
      {
        check: 'suppression_audit',
        status: 'review',
        message: `The table carries a protection token airlock does not trust: ${v.reason}. The evidence of its ${cellsWord(suppressed)} suppressed is treated as a claim (frequency cells audited by the width rule alone, magnitude cells reviewed), and an output checker should see why the token does not match.`,
        remedy: 'Submit the resubmit form exactly as airlock offered it (same project and dataset, before the token expires), or submit the table without suppressed cells to get a new protected version.',
      },
    ];
  },
};
