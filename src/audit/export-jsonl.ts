/**
 * Exports the audit trail as JSON Lines for archiving: one record per line, in seq order,
 * streamed from the store a page at a time. Each line is the canonical JSON of the chained
 * record (`chain.ts`) plus its `hash` and `prev`, so an archive can be re-verified offline:
 * drop `hash` and `prev`, canonicalise, and check `hash = SHA-256(prev || canonical)`.
 *
 * @example
 * import { Readable } from 'node:stream';
 * import { pipeline } from 'node:stream/promises';
 * await pipeline(Readable.from(exportJsonl(store)), createWriteStream('audit.jsonl'));
 */
import { canonicalJson } from '../lib/canonical-json.js';
import type { AuditStore } from './audit-store.js';

/**
 * The lines (each ending in `\n`) of the JSON Lines export from `fromSeq` (default 1).
 *
 * @example for await (const line of exportJsonl(store)) process.stdout.write(line);
 */
export async function* exportJsonl(store: Pick<AuditStore, 'scan'>, fromSeq = 1): AsyncGenerator<string> {
  for await (const r of store.scan(fromSeq)) {
    const chained = JSON.parse(r.canonical) as Record<string, unknown>;
    yield `${canonicalJson({ ...chained, hash: r.hash, prev: r.prev })}\n`;
  }
}
