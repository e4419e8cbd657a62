/**
 * Most table checks judge each cell on its own: this factory turns a per-cell rule into a
 * `Check<CellTable>` that lists every flagged cell with its labels, value, count and reason,
 * and passes when none is flagged. Each check module supplies only its rule and wording.
 *
 * @example
 * export const zeros = tableCellCheck({
 *   id: 'zeros', status: 'fail',
 *   applies: (t, p) => isCountStatistic(t.statistic) && p.zeros_are_disclosive,
 *   flag: (t, cell) => (t.count[cell] === 0 ? 'count is 0' : null),
 *   message: (n) => `${n} cells are zero`, remedy: () => 'Suppress or merge them.', passMessage: 'No zero cells.',
 * });
 */
import type { CellFinding, CheckId, Finding } from '../domain.js';
import type { CellTable } from '../outputs/table/cell-table.js';
import { cellCount, cellCountValue, cellLabels, cellValue } from '../outputs/table/cell-table.js';
import type { Parameters } from '../rules/parameters.js';
import type { Check } from './check.js';
import { passed } from './check.js';
import { countOf } from './threshold-reasons.js';

export interface TableCellRule {
  id: CheckId;
  /** `fail` for disclosive cells, `review` for cells a human must judge. */
  status: 'fail' | 'review';
  /** Whether the check applies to this table at all (statistic, enabled by parameters). */
  applies(t: CellTable, p: Parameters): boolean;
  /** The reason a cell is flagged, or null when it is fine. */
  flag(t: CellTable, cell: number, p: Parameters): string | null;
  message(flagged: number, p: Parameters): string;
  remedy(p: Parameters): string;
  passMessage(p: Parameters): string;
}

/** Indices of the cells a rule flags. Suppressed cells are not published, so no per-cell rule judges them. */
export function flaggedCells(rule: TableCellRule, t: CellTable, p: Parameters): number[] {
  const out: number[] = [];
  const n = cellCount(t);
  for (let c = 0; c < n; c++) if (!t.suppressed[c] && rule.flag(t, c, p) !== null) out.push(c);
  return out;
}

/**
 * A table cell as a finding names it: labels, published value and count, and why.
 *
 * @example cellFinding(t, 4, 'count 3 < threshold 10')
 */
export function cellFinding(t: CellTable, cell: number, reason: string): CellFinding {
  return { labels: cellLabels(t, cell), value: cellValue(t, cell), count: cellCountValue(t, cell), reason };
}

/** Builds a table check from a per-cell rule. */
export function tableCellCheck(rule: TableCellRule): Check<CellTable> & { rule: TableCellRule } {
  return {
    id: rule.id,
    kind: 'table',
    rule,
    run(t: CellTable, p: Parameters): Finding[] {
      if (!rule.applies(t, p)) return [];
      const cells: CellFinding[] = [];
      const n = cellCount(t);
      for (let c = 0; c < n; c++) {
        // A suppressed cell is not published: its smallness is suppression_audit's business.
        if (t.suppressed[c]) continue;
        const reason = rule.flag(t, c, p);
        if (reason !== null) cells.push(cellFinding(t, c, reason));
      }
      if (cells.length === 0) return [passed(rule.id, rule.passMessage(p))];
      return [{ check: rule.id, status: rule.status, message: rule.message(cells.length, p), remedy: rule.remedy(p), cells }];
    },
  };
}

/** "1 cell" / "3 cells": findings are read by researchers, so plurals matter. */
export function cellsWord(n: number): string {
  return countOf(n, 'cell');
}
