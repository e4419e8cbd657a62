/**
 * A large object graph sent between threads so that the receiving thread never holds its event
 * loop for long. A structured clone (`postMessage`) is deserialised in one uninterrupted piece
 * on the receiving thread: half a second for a 40,000-cell table's evaluated output. Here the
 * sender takes every long array out of the graph and serialises it in chunks of a few hundred
 * items (`node:v8`, the structured-clone format), each in its own `ArrayBuffer` that is moved,
 * not copied; the receiver deserialises the chunks one by one with the loop let in between
 * (`loopSlicer`) and puts the arrays back where they were.
 *
 * What the graph means is unchanged: the same values, and an array or object found at several
 * places is one again on the other side. Objects shared between long arrays' items are not (each
 * chunk is its own clone), so nothing may rely on their identity. Only plain objects and arrays
 * are searched for long arrays; anything else (typed arrays, maps) is cloned as it is.
 *
 * @example
 * // sender:   const packed = await packLongArrays(answer); port.postMessage(packed, transferList(packed));
 * // receiver: const answer = await unpackLongArrays(packed);
 */
import { deserialize, serialize } from 'node:v8';
import { holdsLongArray } from './holds-long-array.js';
import { loopSlicer } from './yield-to-loop.js';

/** Arrays at least this long are taken out of the graph. */
const LONG_ARRAY = 1_000;
/** Items per serialised chunk: a few milliseconds to deserialise. */
const CHUNK_ITEMS = 500;

/** One place a long array was taken from: its path from the root, and which array it is. */
interface Hole {
  path: (string | number)[];
  array: number;
}

/** A graph with its long arrays taken out: `root` (cloned as usual) and, per array, its chunks. */
export interface PackedGraph<T> {
  root: T;
  holes: Hole[];
  /** Per array taken out: its length and its serialised chunks, in order. */
  arrays: { length: number; chunks: ArrayBuffer[] }[];
}

function isPlain(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A chunk serialised, failing as `postMessage` does for what is not data (callers tell a `DataCloneError` apart). */
function serialized(items: unknown[]): ArrayBuffer {
  try {
    return ownBuffer(serialize(items));
  } catch (e) {
    throw new DOMException((e as Error).message, 'DataCloneError');
  }
}

/** A chunk's serialised bytes in an `ArrayBuffer` of their own (so it can be moved). */
function ownBuffer(bytes: Buffer): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) return bytes.buffer;
  const out = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(out).set(bytes);
  return out;
}

/**
 * A copy of `value` whose long arrays are taken out and serialised in chunks, with the event
 * loop let in between (the sender may be the request's thread). `value` is left as it was;
 * the buffers to move are `transferList(packed)`. Throws what `postMessage` would for
 * something that is not data (a function: `DataCloneError`).
 *
 * @example (await packLongArrays({ cells: new Array(5000).fill(0) })).arrays[0]?.chunks.length // 10
 */
export async function packLongArrays<T>(value: T): Promise<PackedGraph<T>> {
  const holes: Hole[] = [];
  const arrays: PackedGraph<T>['arrays'] = [];
  const taken = new Map<unknown[], number>();
  // Each plain object or array copied once (a shallow copy whose long arrays become null), so shared ones stay shared.
  const copies = new Map<object, object>();
  const slicer = loopSlicer();
  const copy = async (v: unknown, path: (string | number)[]): Promise<unknown> => {
    if (Array.isArray(v) && v.length >= LONG_ARRAY) {
      let id = taken.get(v);
      if (id === undefined) {
        id = arrays.length;
        taken.set(v, id);
        const chunks: ArrayBuffer[] = [];
        arrays.push({ length: v.length, chunks });
        for (let i = 0; i < v.length; i += CHUNK_ITEMS) {
          chunks.push(serialized(v.slice(i, i + CHUNK_ITEMS)));
          await slicer.pause();
        }
      }
      holes.push({ path, array: id });
      return null;
    }
    if (!(Array.isArray(v) || isPlain(v))) return v;
    const seen = copies.get(v);
    if (seen) return seen;
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      copies.set(v, out);
      for (const [i, x] of v.entries()) out.push(await copy(x, [...path, i]));
      return out;
    }
    const out: Record<string, unknown> = Object.getPrototypeOf(v) === null ? Object.create(null) : {};
    copies.set(v, out);
    // Defined, not assigned: a submitted key `__proto__` (an own key after JSON.parse) stays a key, not a prototype.
    for (const [k, x] of Object.entries(v)) Object.defineProperty(out, k, { value: await copy(x, [...path, k]), writable: true, enumerable: true, configurable: true });
    return out;
  };
  const root = (await copy(value, [])) as T;
  return { root, holes, arrays };
}

/**
 * Whether `packLongArrays` would take anything out of `value` (an array of its length within a
 * few levels): where nothing would be, the graph can be sent as it is, at once.
 *
 * @example isWorthPacking({ cells: new Array(5000).fill(0) }) // true
 */
export function isWorthPacking(value: unknown): boolean {
  return holdsLongArray(value, LONG_ARRAY);
}

/**
 * The buffers of a packed graph, to move with it (`postMessage`'s transfer list, piscina's `move`).
 *
 * @example worker.postMessage(packed, transferList(packed))
 */
export function transferList(packed: PackedGraph<unknown>): ArrayBuffer[] {
  return packed.arrays.flatMap((a) => a.chunks);
}

/**
 * The graph `packLongArrays` packed, its long arrays deserialised chunk by chunk with the event
 * loop let in between. `eachChunk` sees every chunk's items as they arrive (a fix-up the
 * receiver would otherwise make in one long walk over the whole graph).
 *
 * @example const answer = await unpackLongArrays(packed, (items) => labelsWithoutPrototype(items));
 */
export async function unpackLongArrays<T>(packed: PackedGraph<T>, eachChunk?: (items: unknown[]) => void): Promise<T> {
  const slicer = loopSlicer();
  const arrays: unknown[][] = [];
  for (const a of packed.arrays) {
    const out: unknown[] = [];
    for (const chunk of a.chunks) {
      const items = deserialize(new Uint8Array(chunk)) as unknown[];
      eachChunk?.(items);
      for (const item of items) out.push(item);
      await slicer.pause();
    }
    arrays.push(complete(out, a.length));
  }
  return refilled(packed, arrays);
}

/**
 * `unpackLongArrays` at once, for a thread with nothing else to answer meanwhile (the audit
 * writer, whose requests must be handled one after another).
 *
 * @example const inputs = unpackLongArraysNow(req.inputs);
 */
export function unpackLongArraysNow<T>(packed: PackedGraph<T>): T {
  return refilled(
    packed,
    packed.arrays.map((a) => complete(a.chunks.flatMap((chunk) => deserialize(new Uint8Array(chunk)) as unknown[]), a.length)),
  );
}

function complete(items: unknown[], length: number): unknown[] {
  if (items.length !== length) throw new Error(`a chunked array arrived with ${items.length} of its ${length} items`);
  return items;
}

/** The packed graph's root with its long arrays put back. */
function refilled<T>(packed: PackedGraph<T>, arrays: unknown[][]): T {
  const box: Record<string, unknown> = { root: packed.root };
  for (const h of packed.holes) {
    let parent: unknown = box;
    const path = ['root', ...h.path];
    for (let i = 0; i < path.length - 1; i++) parent = (parent as Record<string | number, unknown>)[path[i] as string | number];
    (parent as Record<string | number, unknown>)[path[path.length - 1] as string | number] = arrays[h.array];
  }
  return box.root as T;
}
