import type { Finding } from '../api';

interface Cell {
  labels: Record<string, string>;
  value: number | null;
  count?: number;
  suppressed?: boolean;
  reason?: string;
}

interface Flag {
  check: string;
  status: string;
  reason: string;
  remedy: string;
}

const keyOf = (labels: Record<string, string>, dims: readonly string[]) => JSON.stringify(dims.map((d) => labels[d] ?? ''));

function distinct(cells: readonly Cell[], dims: readonly string[]): string[][] {
  const seen = new Map<string, string[]>();
  for (const c of cells) {
    const combo = dims.map((d) => c.labels[d] ?? '');
    const k = JSON.stringify(combo);
    if (!seen.has(k)) seen.set(k, combo);
  }
  const all = [...seen.values()];
  // Margins ("All") last, as published tables show them.
  return all.sort((a, b) => Number(a.includes('All')) - Number(b.includes('All')));
}

/** Flags per cell key from a decision's findings (fail and review only). */
export function cellFlags(findings: readonly Finding[], dims: readonly string[]): Map<string, Flag[]> {
  const out = new Map<string, Flag[]>();
  for (const f of findings) {
    if (f.status === 'pass') continue;
    for (const c of f.cells ?? []) {
      const k = keyOf(c.labels, dims);
      out.set(k, [...(out.get(k) ?? []), { check: f.check, status: f.status, reason: c.reason, remedy: f.remedy }]);
    }
  }
  return out;
}

function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined) return '';
  return Number.isInteger(v) ? String(v) : v.toFixed(Math.abs(v) < 10 ? 3 : 2);
}

/**
 * A table as it would be published: rows by the index variables, columns by the column
 * variables. Flagged cells are marked (colour and a symbol) and focusable; the rule, reason and
 * remedy show on hover and focus, and are read out by screen readers.
 */
export function TableGrid({ caption, index, columns, cells, flags }: { caption: string; index: readonly string[]; columns: readonly string[]; cells: readonly Cell[]; flags?: Map<string, Flag[]> }) {
  const dims = [...index, ...columns];
  const byKey = new Map(cells.map((c) => [keyOf(c.labels, dims), c]));
  const rows = distinct(cells, index);
  const cols = columns.length ? distinct(cells, columns) : [[]];
  return (
    <div class="grid-scroll">
      <table class="dense cell-grid">
        <caption>{caption}</caption>
        <thead>
          <tr>
            {index.map((d) => (
              <th scope="col" key={d}>
                {d}
              </th>
            ))}
            {cols.map((c) => (
              <th scope="col" class="num" key={c.join('|')}>
                {columns.length ? columns.map((d, i) => `${d} = ${c[i]}`).join(', ') : 'value'}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.join('|')}>
              {r.map((v, i) => (
                <th scope="row" key={i}>
                  {v}
                </th>
              ))}
              {cols.map((c) => {
                const labels: Record<string, string> = {};
                index.forEach((d, i) => (labels[d] = r[i]!));
                columns.forEach((d, i) => (labels[d] = c[i]!));
                const k = keyOf(labels, dims);
                const cell = byKey.get(k);
                const f = flags?.get(k) ?? [];
                const worst = f.some((x) => x.status === 'fail') ? 'fail' : f.length ? 'review' : '';
                const tip = f.map((x) => `${x.check} (${x.status}): ${x.reason}${x.remedy ? ` Remedy: ${x.remedy}` : ''}`).join(' · ');
                if (cell?.suppressed) {
                  return (
                    <td key={k} class={`num suppressed suppressed-${cell.reason ?? 'x'}`} tabIndex={0} data-tooltip={`suppressed (${cell.reason ?? 'suppressed'})`}>
                      ✕<span class="visually-hidden"> suppressed ({cell.reason})</span>
                    </td>
                  );
                }
                return f.length ? (
                  <td key={k} class={`num flagged cell-${worst}`} tabIndex={0} data-tooltip={tip.length > 280 ? `${tip.slice(0, 277)}…` : tip} data-placement="bottom">
                    <span aria-hidden="true">{worst === 'fail' ? '▲ ' : '● '}</span>
                    {fmt(cell?.value)}
                    <span class="visually-hidden"> — {tip}</span>
                  </td>
                ) : (
                  <td key={k} class="num">
                    {fmt(cell?.value)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
