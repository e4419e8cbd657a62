/**
 * A UUID derived from a name (RFC 9562 version 8, the first 122 bits of SHA-256 of the name).
 * Review and final records take ids derived from what they are about — `review:<decision>:<checker>`,
 * `final:<decision>` — so the store's unique (decision id, kind) index itself refuses a second
 * review by one checker or a second final outcome, even from two instances at once.
 *
 * @example derivedUuid('final:0190…') // '5d1f…-…-8…-…' (always the same for the same name)
 */
import { createHash } from 'node:crypto';
import { at } from '../lib/invariant.js';

export function derivedUuid(name: string): string {
  const b = createHash('sha256').update(name, 'utf8').digest().subarray(0, 16);
  b[6] = (at(b, 6) & 0x0f) | 0x80;
  b[8] = (at(b, 8) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
