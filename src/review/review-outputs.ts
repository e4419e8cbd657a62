/**
 * The outputs of decisions that need review, kept so checkers see them as they would be
 * published — a file's text, CSV or image, a plot's data, a record extract's rows — without
 * putting any of it into the signed decision (which is returned, stored in the chain and
 * exported: it carries digests and findings, never the bytes). They are kept in side tables of
 * the audit store's database (`src/audit/side-store.ts`), only for decisions whose outcome is
 * `review`, only up to `AIRLOCK_REVIEW_KEEP_LIMIT` bytes per request, and dropped when the
 * review is settled. Each kept output carries the SHA-256 the decision names, and is checked
 * against it when read, so a preview is always of exactly the output that was judged.
 *
 * @example
 * await outputs.keep(decision, request.outputs);
 * const kept = await outputs.get(decision.id, 'by_region'); // { name, kind, sha256, content } | null
 */
import type { SideStore } from '../audit/side-store.js';
import type { Decision } from '../domain.js';
import { AirlockError } from '../errors.js';
import { jsonSha256 } from '../lib/json-digest.js';

export const REVIEW_OUTPUT_TABLES: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS {review_outputs} (
     decision_id TEXT NOT NULL,
     name TEXT NOT NULL,
     kind TEXT NOT NULL,
     sha256 TEXT NOT NULL,
     content TEXT NOT NULL,
     stored_at BIGINT NOT NULL,
     PRIMARY KEY (decision_id, name))`,
];

/** One kept output: what was submitted, as JSON. */
export interface KeptOutput {
  name: string;
  kind: string;
  sha256: string;
  content: unknown;
}

/** Why an output of a decision needing review has no preview. */
export type NotKept = 'not_review' | 'too_large' | 'streamed' | 'settled_or_unknown';

export interface ReviewOutputs {
  /** Keeps the outputs of a decision needing review (nothing for other outcomes). Throws `STORE_UNAVAILABLE`. */
  keep(decision: Decision, outputs: readonly unknown[]): Promise<void>;
  /** The names of the outputs kept for a decision. */
  names(decisionId: string): Promise<string[]>;
  /** One kept output, or null; `INTERNAL` when its content no longer matches the decision's digest. */
  get(decisionId: string, name: string, expectedSha256: string): Promise<KeptOutput | null>;
  /** Drops what was kept for a decision (its review is settled). */
  drop(decisionId: string): Promise<void>;
}

export function reviewOutputs(db: SideStore, opts: { limitBytes: number; now?: () => number }): ReviewOutputs {
  const now = opts.now ?? Date.now;
  return {
    async keep(decision, outputs) {
      if (decision.outcome !== 'review' || opts.limitBytes <= 0) return;
      let budget = opts.limitBytes;
      for (const o of decision.outputs) {
        const raw = outputs.find((x) => (x as { name?: unknown }).name === o.name);
        // Only an output whose JSON is what the decision's digest names (a raw CSV upload is not).
        if (raw === undefined || jsonSha256(raw) !== o.sha256) continue;
        const text = JSON.stringify(raw);
        budget -= Buffer.byteLength(text, 'utf8');
        if (budget < 0) break;
        await db.run('INSERT INTO {review_outputs} (decision_id, name, kind, sha256, content, stored_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING', [
          decision.id,
          o.name,
          o.kind,
          o.sha256,
          text,
          now(),
        ]);
      }
    },

    async names(decisionId) {
      return (await db.all<{ name: string }>('SELECT name FROM {review_outputs} WHERE decision_id = $1 ORDER BY name', [decisionId])).map((r) => r.name);
    },

    async get(decisionId, name, expectedSha256) {
      const [row] = await db.all<{ name: string; kind: string; sha256: string; content: string }>('SELECT name, kind, sha256, content FROM {review_outputs} WHERE decision_id = $1 AND name = $2', [decisionId, name]);
      if (!row) return null;
      const content = JSON.parse(row.content) as unknown;
      if (row.sha256 !== expectedSha256 || jsonSha256(content) !== expectedSha256) {
        throw new AirlockError('INTERNAL', `the output "${name}" kept for decision ${decisionId} no longer matches the digest the decision names`);
      }
      return { name: row.name, kind: row.kind, sha256: row.sha256, content };
    },

    async drop(decisionId) {
      await db.run('DELETE FROM {review_outputs} WHERE decision_id = $1', [decisionId]);
    },
  };
}
