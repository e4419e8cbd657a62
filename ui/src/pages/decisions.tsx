import { useState } from 'preact/hooks';
import { api, query, type Schemas, type SignedRecord } from '../api';
import { ErrorNote, Loading, useAsync } from '../components/async';
import { Badge } from '../components/status-badge';
import { short, when } from '../format';
import { BASE, navigate, useLocation } from '../router';
import { Head } from '../components/head';
import { verifyInBrowser, type BrowserJwks } from '../verify';

/** What checking a page's signatures found: how many verified, and each record that did not, with why. */
interface PageCheck {
  search: string;
  ok: number;
  bad: { id: string; seq: number; reason: string }[];
}

/**
 * Checks every listed record's detached signature (RFC 7515 App. F) in this browser against the
 * published keys: the list carries no payloads, so each verifies over the record as shown.
 */
async function checkPage(items: readonly SignedRecord[], search: string): Promise<PageCheck> {
  const jwks = await api<BrowserJwks>('GET', '/.well-known/jwks.json');
  const results = await Promise.all(items.map(async (d) => ({ d, v: await verifyInBrowser(d.decision, d.signature, jwks) })));
  return { search, ok: results.filter((r) => r.v.ok).length, bad: results.filter((r) => !r.v.ok).map((r) => ({ id: r.d.decision.id, seq: r.d.audit.seq, reason: r.v.reason })) };
}

/** Suggestions only: any check id the service knows can be typed (rule sets add checks). */
const CHECKS = ['min_count', 'zeros', 'nk_dominance', 'p_percent', 'negative', 'missing', 'residual_dof', 'rounding', 'extremes', 'dominance_evidence', 'differencing', 'saturation', 'instance_based', 'tree_leaf_size', 'model_format', 'survival_step', 'k_anonymity', 'l_diversity', 'file_type', 'formula_cells'] satisfies Schemas['CheckId'][];
const FIELDS = ['project', 'requester', 'outcome', 'check', 'kind', 'from', 'to', 'text', 'limit'] as const;
type Field = (typeof FIELDS)[number];

/** Decision search for auditors: filters in the URL (shareable), cursor paging through any number of records. */
export default function Decisions() {
  const { search } = useLocation();
  const current = Object.fromEntries(FIELDS.map((f) => [f, search.get(f) ?? ''])) as Record<Field, string>;
  const cursor = search.get('cursor');
  const pageNo = Number(search.get('page') ?? '1');
  const [form, setForm] = useState(current);
  const [check, setCheck] = useState<PageCheck | null>(null);
  const [checking, setChecking] = useState(false);
  const r = useAsync(
    () =>
      api<{ items: SignedRecord[]; next_cursor: string | null }>(
        'GET',
        `/v1/decisions${query({ ...current, limit: current.limit || 100, from: current.from ? new Date(current.from).toISOString() : '', to: current.to ? new Date(current.to).toISOString() : '', cursor })}`,
      ),
    [search.toString()],
  );
  const go = (params: Record<string, string | null>) => navigate(`${BASE}/decisions${query(params)}`);
  const set = (f: Field) => (e: Event) => setForm({ ...form, [f]: (e.target as HTMLInputElement).value });
  return (
    <section aria-labelledby="dec-h">
      <h1 id="dec-h">Decisions</h1>
      <form
        class="filters"
        aria-label="Filters"
        onSubmit={(e) => {
          e.preventDefault();
          go({ ...form });
        }}
      >
        <label>
          Project <input name="project" value={form.project} onInput={set('project')} />
        </label>
        <label>
          Requester <input name="requester" value={form.requester} onInput={set('requester')} />
        </label>
        <label>
          Outcome
          <select name="outcome" value={form.outcome} onChange={set('outcome')}>
            <option value="">any</option>
            <option>release</option>
            <option>review</option>
            <option>reject</option>
          </select>
        </label>
        <label>
          Check flagged
          <input name="check" list="check-ids" value={form.check} onInput={set('check')} placeholder="any" />
          <datalist id="check-ids">
            {CHECKS.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
        </label>
        <label>
          Record kind
          <select name="kind" value={form.kind} onChange={set('kind')}>
            <option value="">any</option>
            <option>decision</option>
            <option>review</option>
            <option>comment</option>
            <option>final</option>
          </select>
        </label>
        <label>
          From <input type="datetime-local" name="from" value={form.from} onInput={set('from')} />
        </label>
        <label>
          To <input type="datetime-local" name="to" value={form.to} onInput={set('to')} />
        </label>
        <label>
          Text <input name="text" value={form.text} onInput={set('text')} placeholder="id, name, message…" />
        </label>
        <label>
          Per page
          <select name="limit" value={form.limit || '100'} onChange={set('limit')}>
            <option>50</option>
            <option>100</option>
            <option>250</option>
            <option>1000</option>
          </select>
        </label>
        <button type="submit">Search</button>
      </form>
      <ErrorNote error={r.error} />
      {r.loading ? <Loading what="decisions" /> : null}
      {r.data ? (
        <>
          <table class="dense striped">
            <caption>
              Page {pageNo}: {r.data.items.length} records, newest first
            </caption>
            <Head cols={['Seq#', 'Recorded', 'Record', 'Kind', 'Project', 'Requester', 'Outcome', 'By']} />
            <tbody>
              {r.data.items.map((d) => (
                <tr key={d.decision.id}>
                  <td class="num">{d.audit.seq}</td>
                  <td>{when(d.recorded_at)}</td>
                  <td>
                    <a href={`${BASE}/decisions/${encodeURIComponent(d.decision.id)}`}>{short(d.decision.id, 13)}</a>
                  </td>
                  <td>{d.kind}</td>
                  <td>{d.decision.project}</td>
                  <td>{d.decision.requester}</td>
                  <td>
                    <Badge value={d.decision.review?.state ?? d.decision.outcome} />
                  </td>
                  <td>{d.decision.review?.by?.name ?? d.submitted_by}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            <button
              type="button"
              class="secondary"
              aria-busy={checking}
              onClick={() => {
                setChecking(true);
                void checkPage(r.data!.items, search.toString()).then(setCheck, () => setCheck(null)).finally(() => setChecking(false));
              }}
            >
              Verify this page's signatures
            </button>
          </p>
          {check && check.search === search.toString() ? (
            <div class={check.bad.length ? 'verify-bad' : 'verify-ok'} role="status">
              {check.bad.length ? '✗' : '✓'} {check.ok} of {check.ok + check.bad.length} signatures valid, checked in this browser against the published keys.
              {check.bad.length ? (
                <ul>
                  {check.bad.map((b) => (
                    <li key={b.id}>
                      seq {b.seq}, <a href={`${BASE}/decisions/${encodeURIComponent(b.id)}`}>{short(b.id, 13)}</a>: {b.reason}
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
          ) : null}
          <nav aria-label="Pages" class="pager">
            {pageNo > 1 ? (
              <button type="button" class="secondary" onClick={() => history.back()}>
                Previous page
              </button>
            ) : null}
            {r.data.next_cursor ? (
              <button type="button" onClick={() => go({ ...current, cursor: r.data!.next_cursor, page: String(pageNo + 1) })}>
                Next page
              </button>
            ) : (
              <span>End of results.</span>
            )}
          </nav>
        </>
      ) : null}
    </section>
  );
}
