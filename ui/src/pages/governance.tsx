import { useState } from 'preact/hooks';
import { PARAMETER_MEANINGS } from '../../../src/rules/parameter-docs';
import { ApiError, api, type OkBody } from '../api';
import { ErrorNote, Loading, useAction, useAsync } from '../components/async';
import { Badge } from '../components/status-badge';
import { when } from '../format';
import { Head } from '../components/head';

interface RulesetDoc {
  name: string;
  version: string;
  digest: string;
  content: { default: { parameters?: Record<string, unknown>; checks?: Record<string, string[]> }; projects: { project: string; parameters?: Record<string, unknown>; checks?: Record<string, string[]> }[] };
}
/** One rule set of the history, as the contract defines `GET /v1/rulesets` (no hand-kept copy). */
type HistoryItem = OkBody<'listRulesets'>['items'][number];
interface DiffResult {
  before: { name: string; version: string; digest: string };
  after: { name: string; version: string; digest: string };
  changes: { scope: string; path: string; before?: unknown; after?: unknown; effect?: string; detail?: string }[];
  floor_violations: { scope: string; path: string; message: string }[];
  replay: { scanned: number; fully_replayed: number; changed: { decision_id: string; project: string; before: string; after: string; outputs: { name: string; newly_flagged: { check: string; status: string; reasons: string[] }[]; no_longer_flagged: { check: string }[] }[] }[]; incomplete: unknown[] } | null;
}

const show = (v: unknown) => (v === undefined ? '—' : Array.isArray(v) ? v.join(', ') : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));

function Parameters({ rs }: { rs: RulesetDoc }) {
  const params = rs.content.default.parameters ?? {};
  // Every documented parameter, and any the rule set carries that this console does not know yet.
  const meanings: Record<string, string> = PARAMETER_MEANINGS;
  const names = [...new Set([...Object.keys(meanings), ...Object.keys(params), ...rs.content.projects.flatMap((p) => Object.keys(p.parameters ?? {}))])];
  return (
    <>
      <table class="dense">
        <caption>
          Parameters of {rs.name} {rs.version} (unset ones take the built-in default)
        </caption>
        <thead>
          <tr>
            <th scope="col">Parameter</th>
            <th scope="col">Value</th>
            {rs.content.projects.map((p) => (
              <th scope="col" key={p.project}>
                project {p.project}
              </th>
            ))}
            <th scope="col">Meaning</th>
          </tr>
        </thead>
        <tbody>
          {names.map((n) => (
            <tr key={n}>
              <th scope="row">
                <code>{n}</code>
              </th>
              <td>{params[n] === undefined ? <small>default</small> : show(params[n])}</td>
              {rs.content.projects.map((p) => (
                <td key={p.project}>{p.parameters?.[n] === undefined ? '' : <strong>{show(p.parameters[n])}</strong>}</td>
              ))}
              <td class="meaning">{meanings[n] ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table class="dense">
        <caption>Checks per output kind</caption>
        <thead>
          <tr>
            <th scope="col">Kind</th>
            <th scope="col">Checks</th>
            {rs.content.projects.map((p) => (
              <th scope="col" key={p.project}>
                project {p.project}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {Object.entries(rs.content.default.checks ?? {}).map(([kind, checks]) => (
            <tr key={kind}>
              <th scope="row">{kind}</th>
              <td>{checks.join(', ')}</td>
              {rs.content.projects.map((p) => (
                <td key={p.project}>{p.checks?.[kind]?.join(', ') ?? ''}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function RulesetSelect({ label, name, value, items, onChange }: { label: string; name: string; value: string; items: HistoryItem[]; onChange(v: string): void }) {
  return (
    <label>
      {label}
      <select name={name} value={value} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
        <option value="">live</option>
        {items.map((i) => (
          <option key={i.digest} value={i.digest}>
            {i.name} {i.version} ({i.digest.slice(0, 12)})
          </option>
        ))}
      </select>
    </label>
  );
}

/** Governance: the rules in force with their meaning, the history by digest, and a diff with its replay impact. */
export default function Governance() {
  const history = useAsync(() => api<{ items: HistoryItem[] }>('GET', '/v1/rulesets'), []);
  const live = history.data?.items.find((i) => i.live);
  const active = useAsync(async () => {
    if (!live) return null;
    try {
      return await api<RulesetDoc>('GET', '/v1/rulesets/active');
    } catch (e) {
      // Auditors read the live rule set by its digest.
      if (e instanceof ApiError && e.status === 403) return api<RulesetDoc>('GET', `/v1/rulesets/${live.digest}`);
      throw e;
    }
  }, [live?.digest]);
  const [before, setBefore] = useState('');
  const [after, setAfter] = useState('');
  const [candidate, setCandidate] = useState('');
  const [replay, setReplay] = useState(true);
  const [project, setProject] = useState('');
  const [diff, setDiff] = useState<DiffResult | null>(null);
  const { busy, error, run } = useAction();
  const runDiff = () =>
    run(async () => {
      const body: Record<string, unknown> = { before: before || live?.digest };
      if (candidate.trim()) {
        try {
          body.candidate = JSON.parse(candidate) as unknown;
        } catch (e) {
          throw new Error(`The candidate is not JSON: ${(e as Error).message}`);
        }
      } else body.after = after || live?.digest;
      if (replay) body.replay = project ? { project } : {};
      setDiff(await api<DiffResult>('POST', '/v1/rulesets/diff', body));
    });
  const items = history.data?.items ?? [];
  return (
    <section aria-labelledby="gov-h">
      <h1 id="gov-h">Governance</h1>
      <ErrorNote error={history.error ?? active.error} />
      <h2>Rules in force</h2>
      {active.data ? (
        <>
          <p>
            {active.data.name} {active.data.version} — digest <code>{active.data.digest}</code>
          </p>
          <Parameters rs={active.data} />
        </>
      ) : (
        <Loading what="rules" />
      )}
      <h2>History</h2>
      <table class="dense striped">
        <caption>Rule sets decisions were made under, by digest, most recently used first</caption>
        <Head cols={['Digest', 'Name', 'Version', 'Decisions#', 'First used', 'Last used', 'Live']} />
        <tbody>
          {items.map((i) => (
            <tr key={i.digest}>
              <td>
                <code>{i.digest.slice(0, 16)}…</code>
              </td>
              <td>{i.name ?? '—'}</td>
              <td>{i.version ?? '—'}</td>
              <td class="num">{i.decisions}</td>
              <td>{when(i.first_used)}</td>
              <td>{when(i.last_used)}</td>
              <td>{i.live ? <Badge value="live" /> : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Compare two rule sets</h2>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          void runDiff();
        }}
      >
        <RulesetSelect label="Before" name="before" value={before} items={items} onChange={setBefore} />
        <RulesetSelect label="After" name="after" value={after} items={items} onChange={setAfter} />
        <label>
          Replay for project <input name="project" value={project} onInput={(e) => setProject((e.target as HTMLInputElement).value)} placeholder="all" />
        </label>
        <label class="inline">
          <input type="checkbox" checked={replay} onChange={(e) => setReplay((e.target as HTMLInputElement).checked)} /> Replay past decisions
        </label>
        <label class="wide">
          Or a candidate rule set (JSON: {'{'} default, projects {'}'}, as GET /v1/rulesets/&#123;digest&#125; returns its content)
          <textarea name="candidate" rows={4} value={candidate} onInput={(e) => setCandidate((e.target as HTMLTextAreaElement).value)} />
        </label>
        <button type="submit" aria-busy={busy}>
          Compare
        </button>
      </form>
      <ErrorNote error={error} />
      {diff ? (
        <article aria-labelledby="diff-h">
          <h3 id="diff-h">
            {diff.before.name} {diff.before.version} → {diff.after.name} {diff.after.version}
          </h3>
          {diff.changes.length === 0 ? (
            <p>No differences.</p>
          ) : (
            <table class="dense">
              <caption>What changes</caption>
              <Head cols={['Scope', 'Setting', 'Before', 'After', 'Effect']} />
              <tbody>
                {diff.changes.map((c, i) => (
                  <tr key={i}>
                    <td>{c.scope}</td>
                    <td>
                      <code>{c.path}</code>
                    </td>
                    <td>{show(c.before)}</td>
                    <td>{show(c.after)}</td>
                    <td>
                      {c.effect ? <Badge value={c.effect} /> : null} {c.detail ? <small>{c.detail}</small> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {diff.floor_violations.length ? (
            <div class="error-note" role="alert">
              <p>Below the governance floors — this rule set would be refused at load:</p>
              <ul>
                {diff.floor_violations.map((v, i) => (
                  <li key={i}>
                    {v.scope}: {v.message}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {diff.replay ? (
            <>
              <p>
                Replay: {diff.replay.scanned} decisions, {diff.replay.fully_replayed} fully replayed; <strong>{diff.replay.changed.length}</strong> would change outcome.
              </p>
              {diff.replay.changed.length ? (
                <table class="dense">
                  <caption>Decisions whose outcome would change</caption>
                  <Head cols={['Decision', 'Project', 'Outcome', 'Why']} />
                  <tbody>
                    {diff.replay.changed.slice(0, 500).map((c) => (
                      <tr key={c.decision_id}>
                        <td>
                          <code>{c.decision_id}</code>
                        </td>
                        <td>{c.project}</td>
                        <td>
                          <Badge value={c.before} /> → <Badge value={c.after} />
                        </td>
                        <td>{c.outputs.map((o) => `${o.name}: ${[...o.newly_flagged.map((f) => `${f.check} would ${f.status}`), ...o.no_longer_flagged.map((f) => `${f.check} no longer`)].join(', ')}`).join('; ')}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : null}
            </>
          ) : null}
        </article>
      ) : null}
    </section>
  );
}
