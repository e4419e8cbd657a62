import { useState } from 'preact/hooks';
import { api, type SignedRecord } from '../api';
import { ErrorNote, Loading, useAsync } from '../components/async';
import { CopyButton } from '../components/copy-button';
import { OutputView } from '../components/output-view';
import { Badge } from '../components/status-badge';
import { when } from '../format';
import { BASE } from '../router';
import { verifyInBrowser, type BrowserJwks, type BrowserVerification } from '../verify';

/** One recorded decision (or review, comment, final record): its signature verified here, its place in the chain. */
export default function DecisionPage({ id }: { id: string }) {
  const r = useAsync(() => api<SignedRecord & { trace_id?: string | null }>('GET', `/v1/decisions/${encodeURIComponent(id)}`), [id]);
  const [v, setV] = useState<BrowserVerification | null>(null);
  const [verifying, setVerifying] = useState(false);
  if (r.error) return <ErrorNote error={r.error} />;
  if (!r.data) return <Loading what="decision" />;
  const rec = r.data;
  const d = rec.decision;
  const verify = async () => {
    setVerifying(true);
    const jwks = await api<BrowserJwks>('GET', '/.well-known/jwks.json');
    setV(await verifyInBrowser(d, rec.signature, jwks));
    setVerifying(false);
  };
  return (
    <section aria-labelledby="d-h">
      <h1 id="d-h">
        {rec.kind === 'decision' ? 'Decision' : `${rec.kind} record`} {d.id}
      </h1>
      <p class="meta">
        <Badge value={d.review?.state ?? d.outcome} /> · project <strong>{d.project}</strong> · requester {d.requester} · dataset {d.dataset ?? '—'} · recorded {when(rec.recorded_at)} by {d.review?.by?.name ?? rec.submitted_by} · rules {d.ruleset.name} {d.ruleset.version} (<code>{d.ruleset.digest.slice(0, 12)}</code>)
      </p>
      {rec.references ? (
        <p>
          About decision <a href={`${BASE}/decisions/${encodeURIComponent(rec.references)}`}>{rec.references}</a>
        </p>
      ) : null}
      <div class="cards">
        <article aria-labelledby="sig-h">
          <h2 id="sig-h">Signature</h2>
          <p>Checked in this browser with WebCrypto (Ed25519) against the published keys, not by the service.</p>
          <button type="button" onClick={() => void verify()} aria-busy={verifying}>
            Verify signature
          </button>
          {v ? (
            <p class={v.ok ? 'verify-ok' : 'verify-bad'} role="status">
              {v.ok ? '✓ Valid' : '✗ Not valid'}: {v.reason}. Key id <code>{v.kid ?? '—'}</code>
            </p>
          ) : null}
        </article>
        <article aria-labelledby="chain-h">
          <h2 id="chain-h">Place in the audit chain</h2>
          <dl class="kv">
            <div>
              <dt>Seq</dt>
              <dd>{rec.audit.seq}</dd>
            </div>
            <div>
              <dt>Hash</dt>
              <dd>
                <code class="hash">{rec.audit.hash}</code> <CopyButton text={rec.audit.hash} label="record hash" />
              </dd>
            </div>
            <div>
              <dt>Previous</dt>
              <dd>
                <code class="hash">{rec.audit.prev}</code>
              </dd>
            </div>
          </dl>
          <p>
            <a href={`${BASE}/audit`}>Check the whole chain</a>
          </p>
        </article>
      </div>
      {d.review ? (
        <article>
          <h2>Review</h2>
          <p>
            State <Badge value={d.review.state} /> · approvals {d.review.approvals} of {d.review.required}
            {d.review.verdict ? (
              <>
                {' '}
                · verdict <Badge value={d.review.verdict} />
              </>
            ) : null}
          </p>
          {d.review.justification ? <blockquote>{d.review.justification}</blockquote> : null}
          {d.review.comment ? (
            <blockquote>
              {d.review.comment.text} <small>({d.review.comment.visibility})</small>
            </blockquote>
          ) : null}
        </article>
      ) : null}
      <h2>Outputs</h2>
      {d.outputs.map((o) => (
        <OutputView key={o.name} decisionId={rec.references ?? d.id} output={o} />
      ))}
    </section>
  );
}
