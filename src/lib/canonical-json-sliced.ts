/**
 * RFC 8785 canonical JSON of a large value written on the event loop in short slices: the same
 * bytes as `canonicalJsonBytes` (src/lib/canonical-json.ts), or the same refusal, with the loop
 * let in between. Apart from that file because it needs Node (Buffer, setImmediate), and the
 * console verifies signatures in the browser with `canonicalJson` alone.
 *
 * @example const bytes = await canonicalJsonSliced(decision); // signed, or written out
 */
import { BAIL, canonicalJson, FAST_MAX_DEPTH, fast, wellFormed } from './canonical-json.js';
import { holdsLongArray } from './holds-long-array.js';
import { loopSlicer } from './yield-to-loop.js';

/** Arrays at least this long are written item by item, with the event loop let in between (`canonicalJsonSliced`). */
const SLICED_ARRAY = 256;
/** Text gathered before it is encoded to UTF-8 and put aside (a few hundred microseconds of work). */
const SLICED_BATCH_CHARS = 256 * 1024;

/**
 * `canonicalJsonBytes` for a large value on the event loop (a 14 MB decision, a response): the
 * same bytes, or the same refusal, but written in short slices with the loop let in between
 * (see `loopSlicer`), so `/healthz` keeps answering while it is made. Large arrays are where the
 * bulk of airlock's large values is (cells, rows), so they are what is cut; everything smaller
 * is written by the same fast writer as `canonicalJson`. The text is encoded batch by batch as
 * it is written, so no 14 MB string is ever flattened or encoded in one piece.
 *
 * @example (await canonicalJsonSliced({ cells: new Array(40_000).fill({ n: 1 }) })).equals(canonicalJsonBytes({ cells: new Array(40_000).fill({ n: 1 }) })) // true
 */
export async function canonicalJsonSliced(value: unknown): Promise<Buffer> {
  const chunks = await canonicalJsonChunks(value);
  return chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks);
}

/**
 * `canonicalJsonSliced`'s bytes as the chunks it encoded them in (a few hundred KB each), for a
 * caller that writes them out one by one (a response) rather than joining 14 MB in one piece.
 * `premade`: bytes already made of values inside `value` (by identity), written as they are —
 * so they must be exactly those values' canonical JSON (the answer to a decision request
 * carries the decision's signed bytes, made once by the recorder).
 *
 * @example Buffer.concat(await canonicalJsonChunks(value)).equals(await canonicalJsonSliced(value)) // true
 */
export async function canonicalJsonChunks(value: unknown, premade?: ReadonlyMap<object, Uint8Array>): Promise<Buffer[]> {
  const encoded: Buffer[] = [];
  let batch: string[] = [];
  let chars = 0;
  const flush = (): void => {
    if (batch.length === 0) return;
    encoded.push(Buffer.from(batch.join(''), 'utf8'));
    batch = [];
    chars = 0;
  };
  const out: Out = {
    emit(piece) {
      batch.push(piece);
      chars += piece.length;
      if (chars >= SLICED_BATCH_CHARS) flush();
    },
    bytes(b) {
      flush();
      encoded.push(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
    },
  };
  try {
    await sliced(value, 0, out, loopSlicer(), premade);
  } catch (e) {
    if (e !== BAIL) throw e;
    // What the fast writer hands over is rare (a refusal, a toJSON): the careful writer gives
    // the same text, or the refusal with its pointer, at once.
    return [Buffer.from(canonicalJson(value), 'utf8')];
  }
  flush();
  return encoded;
}

/** Where `sliced` writes: text, or bytes made already (`premade`). */
interface Out {
  emit(piece: string): void;
  bytes(b: Uint8Array): void;
}

async function sliced(value: unknown, depth: number, out: Out, slicer: { pause(): Promise<void> | undefined }, premade: ReadonlyMap<object, Uint8Array> | undefined): Promise<void> {
  const made = premade && typeof value === 'object' && value !== null ? premade.get(value) : undefined;
  if (made) {
    out.bytes(made);
    return;
  }
  const emit = out.emit;
  if (typeof value !== 'object' || value === null || depth > FAST_MAX_DEPTH || typeof (value as { toJSON?: unknown }).toJSON === 'function' || !holdsLongArray(value, SLICED_ARRAY)) {
    emit(fast(value, depth));
    return;
  }
  if (Array.isArray(value)) {
    emit('[');
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item === undefined) throw BAIL;
      if (i > 0) emit(',');
      await sliced(item, depth + 1, out, slicer, premade);
      await slicer.pause();
    }
    emit(']');
    return;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  for (const k of keys) if (!wellFormed(k)) throw BAIL;
  let first = true;
  emit('{');
  for (const k of keys) {
    const v = record[k];
    if (v === undefined) continue;
    emit(`${first ? '' : ','}${JSON.stringify(k)}:`);
    first = false;
    await sliced(v, depth + 1, out, slicer, premade);
  }
  emit('}');
}
