import { useState } from 'preact/hooks';
import { api, type ReviewStatus, type SignedRecord } from '../api';
import { ErrorNote, Loading, useAction, useAsync } from '../components/async';
import { OutputView } from '../components/output-view';
import { Badge } from '../components/status-badge';
import { age, when } from '../format';
import { BASE } from '../router';

interface Loaded {
  original: SignedRecord;
  status: ReviewStatus;
}

/** True when the automation said fail somewhere (an exception turned it into review): approving needs a comment. */
function automationFailed(r: SignedRecord): boolean {
  return r.decision.outputs.some((o) => o.findings.some((f) => f.status === 'fail' || f.original_status === 'fail'));
}

function Comment({ r }: { r: SignedRecord }) {
  const c = r.decision.review?.comment;
  const by = r.decision.review?.by;
  return (
    <li class={`comment comment-${c?.visibility}`}>
      <p class="meta">
        <strong>{by?.name ?? r.submitted_by}</strong> · <Badge value={c?.visibility} /> · {when(r.recorded_at)}
      </p>
      <p>{c?.text}</p>
    </li>
  );
}

function Vote({ r }: { r: SignedRecord }) {
  const info = r.decision.review;
  return (
    <li>
      <strong>{info?.by?.name ?? info?.checker}</strong> voted <Badge value={info?.verdict} /> {info?.justification ? <q>{info.justification}</q> : null} <small>{when(r.recorded_at)}</small>
    </li>
  );
}

/** The review panel: blinded status, the vote, comments, return to researcher. */
function ReviewPanel({ data, reload }: { data: Loaded; reload(): void }) {
  const { original, status } = data;
  const id = original.decision.id;
  const [verdict, setVerdict] = useState<'release' | 'reject' | ''>('');
  const [justification, setJustification] = useState('');
  const [comment, setComment] = useState('');
  const [visibility, setVisibility] = useState<'public' | 'private'>('private');
  const { busy, error, run } = useAction();
  const needsComment = verdict === 'reject' || (verdict === 'release' && automationFailed(original));
  const act = (fn: () => Promise<unknown>) =>
    run(async () => {
      await fn();
      setJustification('');
      setComment('');
      setVerdict('');
      reload();
    });
  const settled = status.final !== null;
  return (
    <aside class="review-panel" aria-labelledby="panel-h">
      <h2 id="panel-h">Review</h2>
      <p>
        State <Badge value={status.state} /> · votes {status.votes} of {status.required} needed to release
        {status.blinded ? (
          <span class="blind-note">
            {' '}
            · blinded: you see the others' votes and comments after you have voted
          </span>
        ) : null}
      </p>
      {status.my_vote ? (
        <p>
          You voted <Badge value={status.my_vote} />.
        </p>
      ) : null}
      <ErrorNote error={error} />
      {!settled && !status.can_comment && !status.my_vote ? (
        <p class="refusal" role="alert">
          You cannot review this request: you submitted it, or it names you as its requester. Another output checker must.
        </p>
      ) : null}
      {status.can_review ? (
        <form
          aria-labelledby="vote-h"
          onSubmit={(e) => {
            e.preventDefault();
            if (!verdict) return;
            void act(() => api('POST', `/v1/decisions/${encodeURIComponent(id)}/reviews`, { verdict, ...(justification.trim() ? { justification } : {}) }));
          }}
        >
          <h3 id="vote-h">Your vote</h3>
          <fieldset>
            <legend>Verdict</legend>
            <label>
              <input type="radio" name="verdict" value="release" checked={verdict === 'release'} onChange={() => setVerdict('release')} /> Approve (release)
            </label>
            <label>
              <input type="radio" name="verdict" value="reject" checked={verdict === 'reject'} onChange={() => setVerdict('reject')} /> Reject
            </label>
          </fieldset>
          <label>
            Reason {needsComment ? <strong>(required)</strong> : <small>(optional)</small>}
            <textarea name="justification" rows={3} required={needsComment} minLength={needsComment ? 10 : undefined} value={justification} onInput={(e) => setJustification((e.target as HTMLTextAreaElement).value)} aria-describedby="reason-help" />
          </label>
          <small id="reason-help">A reject always needs a reason; so does approving an output the automation failed. Recorded in your signed vote (checkers and auditors see it).</small>
          <button type="submit" disabled={busy || !verdict}>
            Record vote
          </button>
        </form>
      ) : null}
      {status.can_comment ? (
        <form
          aria-labelledby="comment-h"
          onSubmit={(e) => {
            e.preventDefault();
            void act(() => api('POST', `/v1/decisions/${encodeURIComponent(id)}/comments`, { text: comment, visibility }));
          }}
        >
          <h3 id="comment-h">Comment or return</h3>
          <label>
            Comment text
            <textarea name="comment" rows={3} value={comment} onInput={(e) => setComment((e.target as HTMLTextAreaElement).value)} />
          </label>
          <fieldset>
            <legend>Who sees it</legend>
            <label>
              <input type="radio" name="visibility" checked={visibility === 'private'} onChange={() => setVisibility('private')} /> Private (checkers only)
            </label>
            <label>
              <input type="radio" name="visibility" checked={visibility === 'public'} onChange={() => setVisibility('public')} /> Public (the researcher)
            </label>
          </fieldset>
          <div class="actions">
            <button type="submit" class="secondary" disabled={busy || comment.trim().length === 0}>
              Add comment
            </button>
            <button
              type="button"
              class="contrast outline"
              disabled={busy}
              onClick={() => void act(() => api('POST', `/v1/decisions/${encodeURIComponent(id)}/return`, comment.trim() ? { comment } : {}))}
            >
              Return to researcher
            </button>
          </div>
          <small>Returning sends the public comments (this one too, if written) back to the researcher, who revises and submits again. Nothing is released.</small>
        </form>
      ) : null}
      <h3>Votes</h3>
      {status.reviews.length ? <ul>{status.reviews.map((r) => <Vote key={r.decision.id} r={r} />)}</ul> : <p>{status.blinded && status.votes > 0 ? `${status.votes} vote(s) recorded, hidden until you vote.` : 'No votes visible.'}</p>}
      <h3>Comments</h3>
      {status.comments.length ? <ul class="comments">{status.comments.map((r) => <Comment key={r.decision.id} r={r} />)}</ul> : <p>No comments visible.</p>}
      {status.final ? (
        <p>
          Settled: <Badge value={status.final.decision.review?.state} /> by {status.final.decision.review?.by?.name ?? status.final.submitted_by}, {when(status.final.recorded_at)}.{' '}
          <a href={`${BASE}/decisions/${encodeURIComponent(status.final.decision.id)}`}>Final record</a>
        </p>
      ) : null}
    </aside>
  );
}

/** One decision under review: its outputs as published, and the review panel. */
export default function Review({ id }: { id: string }) {
  const r = useAsync(async (): Promise<Loaded> => {
    const status = await api<ReviewStatus>('GET', `/v1/decisions/${encodeURIComponent(id)}/reviews`);
    return { original: status.original, status };
  }, [id]);
  if (r.error) return <ErrorNote error={r.error} />;
  if (!r.data) return <Loading what="review" />;
  const d = r.data.original.decision;
  return (
    <section aria-labelledby="review-h">
      <h1 id="review-h">
        Review {d.id}
      </h1>
      <p class="meta">
        Project <strong>{d.project}</strong> · requester <strong>{d.requester}</strong> · dataset {d.dataset ?? '—'} · submitted by {r.data.original.submitted_by} · {when(r.data.original.recorded_at)} ({age(r.data.original.recorded_at)} ago) · rules {d.ruleset.name} {d.ruleset.version}
      </p>
      <div class="review-layout">
        <div class="outputs">
          <h2 class="visually-hidden">Outputs</h2>
          {d.outputs.map((o) => (
            <OutputView key={o.name} decisionId={d.id} output={o} />
          ))}
        </div>
        <ReviewPanel data={r.data} reload={r.reload} />
      </div>
    </section>
  );
}
