/**
 * One shared, frozen, prototype-free record per distinct label set (a cell's labels, a form's
 * constants) among the label forms the differencing history keeps in memory. The history
 * index holds the parsed forms of every output for the life of the process, and a
 * prototype-free record is a dictionary-mode object to V8 (a few hundred bytes for two
 * labels): one per cell of every output made the index grow by about 20 KiB per 40-cell table
 * released (the soak benchmark's RSS growth, issue 13 item 7), though successive outputs of
 * one dataset repeat the same label sets. Shared, each distinct set costs its record once.
 *
 * The table is bounded (`limit` records): when it is full it starts again, so a history of
 * ever-new labels costs at most what it did before, never the table's growth on top.
 * Records are frozen because they are shared: a consumer that wrote into a history form's
 * labels would change every output holding them (none does; a frozen record makes it fail).
 *
 * @example
 * const labels = new LabelInterner(1000);
 * labels.shared({ region: 'north' }) === labels.shared({ region: 'north' }) // true
 */
import { recordFrom } from '../lib/null-record.js';

/** Distinct label sets shared at most (a history's tables seldom have more cells' label sets; 65,536 two-label records are about 20 MiB). */
export const SHARED_LABEL_SETS = 65_536;

/**
 * A bounded table of shared label records (see the module comment).
 *
 * @example const labels = new LabelInterner(100); labels.shared({ sex: 'f' }); labels.size // 1
 */
export class LabelInterner {
  private readonly records = new Map<string, Readonly<Record<string, string>>>();

  constructor(private readonly limit = SHARED_LABEL_SETS) {}

  /**
   * The shared prototype-free record with `record`'s own entries, in their order (stored forms
   * are canonical JSON, so equal sets come in one order).
   *
   * @example new LabelInterner().shared(JSON.parse('{"__proto__":"x"}')).constructor // undefined
   */
  shared(record: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
    const entries = Object.entries(record);
    const key = JSON.stringify(entries);
    const hit = this.records.get(key);
    if (hit) return hit;
    const made = Object.freeze(recordFrom(entries));
    if (this.records.size >= this.limit) this.records.clear();
    this.records.set(key, made);
    return made;
  }

  /** Records held now (at most `limit`). */
  get size(): number {
    return this.records.size;
  }
}
