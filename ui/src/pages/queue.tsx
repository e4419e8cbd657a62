import { useState } from 'preact/hooks';
import { api, query, type Schemas } from '../api';
import { ErrorNote, Loading, useAsync } from '../components/async';
import { Badge } from '../components/status-badge';
import { age, short } from '../format';
import { BASE } from '../router';
import { Head } from '../components/head';

type Item = Schemas['ReviewQueueItem'];

/** Checks an output was flagged by (fail or review), for the queue's "flags" column. */
function flags(item: Item): string[] {
  const out = new Set<string>();
  for (const o of item.original.decision.outputs) for (const f of o.findings) if (f.status !== 'pass') out.add(f.check);
  return [...out];
}

/** The checkers' queue: decisions waiting for review, oldest first, with their age. */
export default function Queue() {
  const [project, setProject] = useState('');
  const [applied, setApplied] = useState('');
  const [pages, setPages] = useState<Item[][]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const first = useAsync(async () => {
    const r = await api<{ items: Item[]; next_cursor: string | null }>('GET', `/v1/reviews${query({ project: applied, limit: 100 })}`);
    setPages([r.items]);
    setCursor(r.next_cursor);
    return r;
  }, [applied]);
  const more = async () => {
    if (!cursor) return;
    const r = await api<{ items: Item[]; next_cursor: string | null }>('GET', `/v1/reviews${query({ project: applied, limit: 100, cursor })}`);
    setPages((p) => [...p, r.items]);
    setCursor(r.next_cursor);
  };
  const items = pages.flat();
  return (
    <section aria-labelledby="queue-h">
      <h1 id="queue-h">Review queue</h1>
      <form
        class="filters"
        aria-label="Filters"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(project.trim());
        }}
      >
        <label>
          Project
          <input name="project" value={project} onInput={(e) => setProject((e.target as HTMLInputElement).value)} placeholder="all your projects" />
        </label>
        <button type="submit">Filter</button>
      </form>
      <ErrorNote error={first.error} />
      {first.loading ? <Loading what="queue" /> : null}
      {!first.loading && items.length === 0 ? <p>Nothing is waiting for review.</p> : null}
      {items.length > 0 ? (
        <table class="dense striped">
          <caption>Decisions waiting for output checkers, oldest first</caption>
          <Head cols={['Waiting', 'Decision', 'Project', 'Requester', 'Outputs', 'Flagged by', 'Votes', 'You']} />
          <tbody>
            {items.map((i) => {
              const d = i.original.decision;
              return (
                <tr key={d.id}>
                  <td class="num">{age(i.original.recorded_at)}</td>
                  <td>
                    <a href={`${BASE}/reviews/${encodeURIComponent(d.id)}`} aria-label={`Review decision ${d.id}`}>
                      {short(d.id, 13)}
                    </a>
                  </td>
                  <td>{d.project}</td>
                  <td>{d.requester}</td>
                  <td>{d.outputs.map((o) => o.name).join(', ')}</td>
                  <td>{flags(i).join(', ')}</td>
                  <td class="num">
                    {i.review.votes} / {i.review.required}
                  </td>
                  <td>{i.review.my_vote ? <Badge value={`voted ${i.review.my_vote}`} /> : i.can_review ? 'to review' : <span title="You submitted this request">cannot review</span>}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      {cursor ? (
        <button type="button" class="secondary" onClick={() => void more()}>
          Load more
        </button>
      ) : null}
    </section>
  );
}
