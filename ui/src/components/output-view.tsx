/**
 * One output as it would be published, by kind, with its findings: tables as grids with the
 * failing cells marked (and the protected version beside), model coefficients, plots drawn from
 * their data, summaries, record extracts with their class sizes, files with their content
 * evidence and a preview of text, CSV and images. What is drawn comes from the signed decision
 * and, where the decision carries digests only, from the output kept for review.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, api, type Schemas } from '../api';
import { parseCsv } from '../csv';
import { Badge } from './status-badge';
import { Plot } from './plot';
import { TableGrid, cellFlags } from './table-grid';
import { Head } from './head';

type OutputDecision = Schemas['OutputDecision'];
type Content = Record<string, unknown>;

function Findings({ findings }: { findings: Schemas['Finding'][] }) {
  const shown = findings.filter((f) => f.status !== 'pass');
  const passed = findings.filter((f) => f.status === 'pass').map((f) => f.check);
  return (
    <div class="findings">
      {shown.length === 0 ? <p>Every check passed.</p> : null}
      {shown.map((f, i) => (
        <details key={i} open={shown.length <= 3}>
          <summary>
            <Badge value={f.status} /> <code>{f.check}</code> {f.original_status ? <small>(was {f.original_status}; exception requested)</small> : null} — {f.message}
          </summary>
          {f.remedy ? (
            <p>
              <strong>Remedy:</strong> {f.remedy}
            </p>
          ) : null}
          {f.items?.length ? (
            <ul class="items">
              {f.items.slice(0, 50).map((it, j) => (
                <li key={j}>
                  <code>{it.ref}</code> {it.reason}
                </li>
              ))}
            </ul>
          ) : null}
          {f.related?.length ? <p>Related: {f.related.map((r) => `${r.output ?? ''}${r.decision_id ? ` (decision ${r.decision_id})` : ''}`).join('; ')}</p> : null}
        </details>
      ))}
      {passed.length ? <p class="passed">Passed: {passed.join(', ')}</p> : null}
    </div>
  );
}

function flaggedRefs(findings: Schemas['Finding'][]): Set<string> {
  return new Set(findings.filter((f) => f.status !== 'pass').flatMap((f) => (f.items ?? []).map((i) => i.ref)));
}

function rowsOfMicrodata(m: unknown): { header: string[]; rows: string[][] } | null {
  const md = m as { format?: string; data?: unknown } | undefined;
  if (md?.format === 'csv' && typeof md.data === 'string') {
    const all = parseCsv(md.data, 100_001);
    return { header: all[0] ?? [], rows: all.slice(1) };
  }
  if (md?.format === 'json' && Array.isArray(md.data)) {
    const header = [...new Set((md.data as Record<string, unknown>[]).flatMap((r) => Object.keys(r)))];
    return { header, rows: (md.data as Record<string, unknown>[]).slice(0, 100_000).map((r) => header.map((h) => (r[h] === null || r[h] === undefined ? '' : String(r[h])))) };
  }
  return null;
}

function RecordsView({ content, findings }: { content: Content; findings: Schemas['Finding'][] }) {
  const qi = (content.quasi_identifiers as string[] | undefined) ?? [];
  const classes = useMemo(() => {
    const data = rowsOfMicrodata(content.microdata);
    if (!data) return null;
    const idx = qi.map((q) => data.header.indexOf(q));
    const sizes = new Map<string, { values: string[]; n: number }>();
    for (const r of data.rows) {
      const values = idx.map((i) => (i < 0 ? '' : (r[i] ?? '')));
      const k = JSON.stringify(values);
      const e = sizes.get(k);
      if (e) e.n++;
      else sizes.set(k, { values, n: 1 });
    }
    return { rows: data.rows.length, classes: [...sizes.values()].sort((a, b) => a.n - b.n) };
  }, [content]);
  return (
    <>
      <Findings findings={findings} />
      {classes ? (
        <table class="dense">
          <caption>
            Equivalence classes over {qi.join(', ')}: {classes.classes.length} classes in {classes.rows} records, smallest first
          </caption>
          <thead>
            <tr>
              {qi.map((q) => (
                <th scope="col" key={q}>
                  {q}
                </th>
              ))}
              <th scope="col" class="num">
                Class size
              </th>
            </tr>
          </thead>
          <tbody>
            {classes.classes.slice(0, 200).map((c, i) => (
              <tr key={i}>
                {c.values.map((v, j) => (
                  <td key={j}>{v}</td>
                ))}
                <td class="num">{c.n}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}

const TEXT_EXT = /\.(csv|tsv|txt|md|json|log|yaml|yml|tex|r|py|do|sas|sps)$/i;
const IMAGE_TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp' };

function FileView({ content, findings }: { content: Content; findings: Schemas['Finding'][] }) {
  const filename = String(content.filename ?? '');
  const bytes = useMemo(() => {
    try {
      return Uint8Array.from(atob(String(content.content_base64 ?? '')), (c) => c.charCodeAt(0));
    } catch {
      return null;
    }
  }, [content]);
  const [url, setUrl] = useState<string | null>(null);
  const ext = filename.split('.').pop()?.toLowerCase() ?? '';
  const imageType = IMAGE_TYPES[ext];
  useEffect(() => {
    if (!bytes || !imageType) return;
    const u = URL.createObjectURL(new Blob([bytes], { type: imageType }));
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [bytes]);
  let preview = null;
  if (!bytes) preview = <p>The content is not valid base64.</p>;
  else if (imageType && url) preview = <img class="file-image" src={url} alt={`Preview of ${filename}`} />;
  else if (TEXT_EXT.test(filename)) {
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes.slice(0, 512 * 1024));
    if (/\.(csv|tsv)$/i.test(filename)) {
      const rows = parseCsv(text, 101, ext === 'tsv' ? '\t' : ',');
      preview = (
        <div class="grid-scroll">
          <table class="dense">
            <caption>
              {filename}: first {Math.max(0, rows.length - 1)} rows
            </caption>
            <thead>
              <tr>
                {(rows[0] ?? []).map((h, i) => (
                  <th scope="col" key={i}>
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.slice(1).map((r, i) => (
                <tr key={i}>
                  {r.map((v, j) => (
                    <td key={j}>{v}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      );
    } else preview = <pre class="file-text" tabIndex={0} aria-label={`Text of ${filename}`}>{text.slice(0, 20_000)}</pre>;
  } else {
    const head = [...bytes.slice(0, 32)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    preview = (
      <p>
        No preview for this type. First bytes: <code>{head}</code>
      </p>
    );
  }
  return (
    <>
      <p>
        <strong>{filename}</strong> — {bytes ? `${bytes.length} bytes` : 'unreadable'}
      </p>
      <Findings findings={findings} />
      {preview}
    </>
  );
}

function KeyValues({ content, keys }: { content: Content; keys: string[] }) {
  return (
    <dl class="kv">
      {keys
        .filter((k) => content[k] !== undefined)
        .map((k) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{typeof content[k] === 'object' ? JSON.stringify(content[k]) : String(content[k])}</dd>
          </div>
        ))}
    </dl>
  );
}

/** One output of a decision, as it would be published. */
export function OutputView({ decisionId, output }: { decisionId: string; output: OutputDecision }) {
  const [kept, setKept] = useState<{ content: Content } | null>(null);
  const [keptError, setKeptError] = useState<string | null>(null);
  useEffect(() => {
    if (output.kind === 'table') return;
    api<{ content: Content }>('GET', `/v1/decisions/${encodeURIComponent(decisionId)}/outputs/${encodeURIComponent(output.name)}`).then(setKept, (e: Error) =>
      setKeptError(e instanceof ApiError && e.status === 404 ? e.message : `The output could not be loaded: ${e.message}`),
    );
  }, [decisionId, output.name]);
  const findings = output.findings;
  const table = output.table as { index?: string[]; columns?: string[]; cells?: { labels: Record<string, string>; value: number | null }[]; statistic?: string } | undefined;
  const prot = output.protected as { rows?: { labels: Record<string, string>; value: number | null; suppressed: boolean; reason?: string }[]; rechecked?: boolean } | null | undefined;
  const content = kept?.content;
  let body = null;
  if (output.kind === 'table' && table?.cells) {
    const index = table.index ?? [];
    const columns = table.columns ?? [];
    body = (
      <>
        <div class={prot?.rows ? 'side-by-side' : ''}>
          <TableGrid caption={`${output.name} as submitted (${table.statistic ?? 'table'})`} index={index} columns={columns} cells={table.cells} flags={cellFlags(findings, [...index, ...columns])} />
          {prot?.rows ? <TableGrid caption={`Protected version (${prot.rechecked ? 're-checked' : 'not re-checked'})`} index={index} columns={columns} cells={prot.rows} /> : null}
        </div>
        <Findings findings={findings} />
      </>
    );
  } else if (output.kind === 'plot') {
    // The protected plot data (merged bins, "Other" bars, grouped steps) is in the decision itself.
    const protectedPlot = output.protected && typeof output.protected === 'object' ? (output.protected as Content) : null;
    body = (
      <>
        <div class={protectedPlot ? 'side-by-side' : ''}>
          {content ? <Plot data={content as never} flagged={flaggedRefs(findings)} title={`${output.name} as submitted`} /> : null}
          {protectedPlot ? <Plot data={{ ...(content ?? {}), ...protectedPlot } as never} flagged={new Set()} title={`${output.name}, protected version`} /> : null}
        </div>
        <Findings findings={findings} />
      </>
    );
  } else if (output.kind === 'model') {
    const coef = (content?.coefficients as { term: string; estimate: number; std_error?: number }[] | undefined) ?? [];
    body = (
      <>
        {content ? <KeyValues content={content} keys={['family', 'n_obs', 'n_params', 'residual_dof', 'n_train', 'format', 'hyperparameters']} /> : null}
        {coef.length ? (
          <table class="dense">
            <caption>Coefficients</caption>
            <Head cols={['Term', 'Estimate#', 'Std. error#']} />
            <tbody>
              {coef.map((c) => (
                <tr key={c.term}>
                  <th scope="row">{c.term}</th>
                  <td class="num">{c.estimate}</td>
                  <td class="num">{c.std_error ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        <Findings findings={findings} />
      </>
    );
  } else if (output.kind === 'summary') {
    const stats = (content?.statistics as { name: string; statistic: string; p?: number; n: number; value: number }[] | undefined) ?? [];
    const refs = flaggedRefs(findings);
    body = (
      <>
        {stats.length ? (
          <table class="dense">
            <caption>Summary statistics</caption>
            <Head cols={['Name', 'Statistic', 'n#', 'Value#']} />
            <tbody>
              {stats.map((st, i) => (
                <tr key={i} class={refs.has(`statistics[${i}]`) ? 'row-flagged' : ''}>
                  <th scope="row">{st.name}</th>
                  <td>{st.statistic === 'percentile' ? `p${st.p}` : st.statistic}</td>
                  <td class="num">{st.n}</td>
                  <td class="num">{st.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        <Findings findings={findings} />
      </>
    );
  } else if (output.kind === 'records') {
    body = content ? <RecordsView content={content} findings={findings} /> : <Findings findings={findings} />;
  } else if (output.kind === 'file') {
    body = content ? <FileView content={content} findings={findings} /> : <Findings findings={findings} />;
  } else body = <Findings findings={findings} />;
  return (
    <article class="output" aria-labelledby={`out-${output.name}`}>
      <header>
        <h3 id={`out-${output.name}`}>
          {output.name} <small>({output.kind})</small> <Badge value={output.outcome} />
        </h3>
        {output.exception ? (
          <p class="exception">
            <strong>Researcher's exception request:</strong> {output.exception.justification}
          </p>
        ) : null}
      </header>
      {body}
      {output.kind !== 'table' && keptError ? <p class="note">{keptError}</p> : null}
      <p class="digest">
        sha256 <code>{output.sha256}</code>
      </p>
    </article>
  );
}
