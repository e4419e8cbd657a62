import { useState } from 'preact/hooks';
import { api, type Schemas } from '../api';
import { ErrorNote, useAction } from '../components/async';
import { CopyButton } from '../components/copy-button';

/** Chain status: recompute every hash and signature (GET /v1/audit/verify), the head to keep elsewhere, and the export. */
export default function Chain() {
  const [result, setResult] = useState<Schemas['AuditVerification'] | null>(null);
  const { busy, error, run: act } = useAction();
  const run = () => act(async () => setResult(await api('GET', '/v1/audit/verify')));
  return (
    <section aria-labelledby="chain-h">
      <h1 id="chain-h">Audit chain</h1>
      <p>Recomputes every record's hash and link, checks every signature with the published keys and every stored rule set against its digest.</p>
      <button type="button" onClick={() => void run()} aria-busy={busy}>
        Verify the chain
      </button>
      <ErrorNote error={error} />
      {result ? (
        <div role="status" class={result.ok ? 'verify-ok' : 'verify-bad'}>
          {result.ok ? (
            <p>✓ The chain verifies: {result.checked} records.</p>
          ) : (
            <p>
              ✗ Tampering or damage at seq <strong>{result.first_bad_seq}</strong>: {result.reason}. {result.checked} records verified before it.
            </p>
          )}
        </div>
      ) : null}
      {result?.head ? (
        <p>
          Head (last good record): seq {result.head.seq}, hash <code class="hash">{result.head.hash}</code> <CopyButton text={result.head.hash} label="head hash" />
          <br />
          <small>Keep the head somewhere airlock cannot write: a chain cut short at its end still verifies, but not against a head you kept.</small>
        </p>
      ) : null}
      <h2>Export</h2>
      <p>
        <a href="/v1/audit/export" download="airlock-audit.jsonl" role="button" class="secondary">
          Download the chain (JSON Lines)
        </a>
      </p>
    </section>
  );
}
