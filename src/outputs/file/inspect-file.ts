/**
 * Looks inside a file: what its content is (by its bytes, not its name), a profile of
 * delimited text, and — for archives and compressed files — every member, each looked at as
 * a file in its own right, down to `maxDepth` levels. Decompression streams: inflated bytes go
 * straight to the member's inspector and are counted, never gathered (except a nested
 * archive, which must be held to be opened, up to `maxNestedBytes`).
 *
 * Bounds (sdc-rules.md, Files): depth 3, 1,000 members, 10× the request's byte limit
 * uncompressed in all, and a time budget. Whatever exceeds a bound — a nested, quine-like or
 * overlapping-entry zip bomb, a member that inflates past its declared size or past a 200:1
 * ratio, a declared size beyond the budget — stops unpacking there and leaves a problem on
 * the node (`fail` for structures only an attack or a broken tool produces, `review` for what
 * airlock cannot open or ran out of time for). Nothing is ever released on the strength of a
 * part that was not checked.
 *
 * @example
 * const root = inspectFile(bytes, 'results.zip', { ...boundsFor(limits), profile: { threshold: 10, detectors } });
 * root.members?.map((m) => m.path)
 */
import * as zlib from 'node:zlib';
import type { FlateStreamHandler } from 'fflate';
import { Gunzip, Inflate, Unzlib } from 'fflate';
import { TextDecoder } from 'node:util';
import bunzip from 'seek-bzip';
import type { FileTypeId, TextEncodingId } from '../../domain.js';
import type { Limits } from '../../limits.js';
import { DEFAULT_LIMITS } from '../../limits.js';
import type { DelimitedProfile, ProfileOptions } from './delimited-profile.js';
import { DelimitedProfiler, detectDelimiter } from './delimited-profile.js';
import type { DetectedType } from './detect-type.js';
import { containerOf, sniffBinary, textType, typeOf } from './detect-type.js';
import { decoderFor, textEncoding } from './text-decoding.js';
import { readTarEntries } from './tar-entries.js';
import { readZipDirectory } from './zip-directory.js';
import { extensionsOf } from './extensions.js';

/** The bounds of one file's inspection. */
export interface InspectBounds {
  /** Archive levels opened: members of the file are level 1; containers at this level are not opened. */
  maxDepth: number;
  /** Members in all levels together. */
  maxMembers: number;
  /** Uncompressed bytes produced in all (10× the request's byte limit). */
  maxInflated: number;
  /** Largest nested archive held in memory to be opened. */
  maxNestedBytes: number;
  /** Largest inflated/compressed ratio of a member, checked once it passes `ratioFloor` bytes. */
  maxRatio: number;
  ratioFloor: number;
  /** Milliseconds the whole inspection may take. */
  timeMs: number;
  /** The clock (tests pass their own). */
  now?: () => number;
  profile: ProfileOptions;
}

export const DEFAULT_MAX_DEPTH = 3;
export const DEFAULT_MAX_MEMBERS = 1000;
export const DEFAULT_MAX_RATIO = 200;
export const DEFAULT_RATIO_FLOOR = 1 << 20;

/**
 * The bounds the request's limits imply.
 *
 * @example boundsFor(DEFAULT_LIMITS, { threshold: 10, detectors: [] }).maxInflated // 10 × 128 MiB
 */
export function boundsFor(limits: Limits, profile: ProfileOptions): InspectBounds {
  const maxBytes = limits.maxBytes ?? DEFAULT_LIMITS.maxBytes;
  return {
    maxDepth: DEFAULT_MAX_DEPTH,
    maxMembers: DEFAULT_MAX_MEMBERS,
    maxInflated: 10 * maxBytes,
    maxNestedBytes: maxBytes,
    maxRatio: DEFAULT_MAX_RATIO,
    ratioFloor: DEFAULT_RATIO_FLOOR,
    timeMs: limits.fileCheckMs ?? DEFAULT_LIMITS.fileCheckMs,
    profile,
  };
}

/** Why part of a file was not checked. */
export interface FileProblem {
  status: 'fail' | 'review';
  reason: string;
}

/** A file or archive member, inspected. */
export interface FileNode {
  /** Display path: the file name, then ` › ` and each member's path inside its archive. */
  path: string;
  /** Its own name (the member's path inside its archive), for extension checks. */
  name: string;
  extensions: string[];
  /** 0 for the file itself, 1 for its members, … */
  depth: number;
  /** Bytes (uncompressed). */
  size: number;
  compressedSize: number | null;
  type: DetectedType;
  encoding: TextEncodingId | null;
  /** Delimited text (or a one-column list) as profiled. */
  text: DelimitedProfile | null;
  /** Members of an opened container, in archive order; null when not a container or not opened. */
  members: FileNode[] | null;
  problems: FileProblem[];
}

/** The result of inspecting one file: the tree, and what unpacking it cost. */
export interface Inspection {
  root: FileNode;
  /** Uncompressed bytes produced by decompression in all. */
  inflated: number;
  /** Members listed in all levels. */
  members: number;
}

/** A bound was reached: unpacking stops where it is. */
class BoundReached extends Error {
  constructor(readonly problem: FileProblem) {
    super(problem.reason);
  }
}

const HEAD_BYTES = 1 << 16;
/** Compressed bytes pushed to an inflater at once: bounds the output of one push (≤ ~1032×). */
const INPUT_SLICE = 1 << 14;
/** Slices of stored data pushed to a member's inspector. */
const STORED_SLICE = 1 << 20;
const SEPARATOR = ' › ';
/** Directory entries read at most: enough to see that an archive has too many members, bounded work. */
const MAX_DIRECTORY_ENTRIES = 100_000;
/** node:zlib's crc32 (Node ≥ 20.15); without it, ZIP checksums are not verified. */
const crc32: ((data: Uint8Array, value?: number) => number) | null = typeof zlib.crc32 === 'function' ? zlib.crc32 : null;

/** Whether a head that opens like a zlib stream really is one (its first KiB inflates). */
function inflatesAsZlib(head: Uint8Array): boolean {
  try {
    const u = new Unzlib();
    u.ondata = () => undefined;
    u.push(head.subarray(0, 1024), false);
    return true;
  } catch {
    return false;
  }
}

/** What every node of one inspection shares: the counters and bounds. */
class Unpacking {
  inflated = 0;
  members = 0;
  /** The first bound reached; afterwards nothing more is opened. */
  stopped: FileProblem | null = null;
  private readonly deadline: number;
  private readonly now: () => number;

  constructor(readonly bounds: InspectBounds) {
    this.now = bounds.now ?? Date.now;
    this.deadline = this.now() + bounds.timeMs;
  }

  /**
   * Counts bytes a decompressor has produced (they exist in memory, whatever happens next),
   * checks the member's own bound, then the budget and the time; throws past any of them.
   */
  produced(n: number, checkMember: () => void = () => undefined): void {
    this.inflated += n;
    checkMember();
    if (this.inflated > this.bounds.maxInflated) {
      this.stop({ status: 'fail', reason: `unpacking would exceed ${this.bounds.maxInflated} uncompressed bytes (10 × the request limit); unpacking stopped there` });
    }
    this.checkTime();
  }

  checkTime(): void {
    if (this.now() > this.deadline) this.stop({ status: 'review', reason: `airlock could not check the whole file within ${this.bounds.timeMs} ms; the rest was not checked` });
  }

  /** Counts one more member; throws past the bound. */
  member(): void {
    if (++this.members > this.bounds.maxMembers) {
      this.stop({ status: 'fail', reason: `more than ${this.bounds.maxMembers} members in all; the rest were not checked` });
    }
  }

  stop(problem: FileProblem): never {
    this.stopped ??= problem;
    throw new BoundReached(problem);
  }
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1 && chunks[0]) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Display form of a stored name: control characters replaced, length capped. */
function shownMemberName(name: string): string {
  const clean = name.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > 255 ? `${clean.slice(0, 252)}…` : clean;
}

/**
 * Receives one file's bytes in chunks and inspects them: the first 64 KiB decide its type;
 * containers are gathered (bounded) and opened at the end; text is profiled as it streams;
 * anything else is only counted.
 */
class NodeSink {
  private readonly node: FileNode;
  private head: Uint8Array[] = [];
  private headLength = 0;
  private mode: 'undecided' | 'gather' | 'text' | 'count' = 'undecided';
  private gathered: Uint8Array[] = [];
  private gatheredLength = 0;
  private decoder: TextDecoder | null = null;
  private profiler: DelimitedProfiler | null = null;

  constructor(
    private readonly run: Unpacking,
    path: string,
    name: string,
    depth: number,
    compressedSize: number | null,
  ) {
    this.node = {
      path,
      name,
      extensions: extensionsOf(name.slice(name.lastIndexOf('/') + 1)),
      depth,
      size: 0,
      compressedSize,
      type: typeOf('empty'),
      encoding: null,
      text: null,
      members: null,
      problems: [],
    };
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.run.checkTime();
    this.node.size += chunk.length;
    switch (this.mode) {
      case 'undecided':
        this.head.push(chunk);
        this.headLength += chunk.length;
        if (this.headLength >= HEAD_BYTES) this.decide(false);
        return;
      case 'gather':
        this.gather(chunk);
        return;
      case 'text':
        this.profiler?.push(this.decoder?.decode(chunk, { stream: true }) ?? '');
        return;
      default:
    }
  }

  private gather(chunk: Uint8Array): void {
    this.gatheredLength += chunk.length;
    if (this.gatheredLength > this.run.bounds.maxNestedBytes && this.node.depth > 0) {
      this.run.stop({ status: 'fail', reason: `${this.node.path} is an archive of more than ${this.run.bounds.maxNestedBytes} bytes inside another: too large to open` });
    }
    this.gathered.push(chunk);
  }

  /** Decides the type from the head; `complete` when the head is the whole content. */
  private decide(complete: boolean): void {
    const head = concat(this.head, this.headLength);
    this.head = [];
    let binary = sniffBinary(head.subarray(0, HEAD_BYTES));
    // Two bytes can look like a zlib header by chance (text starting `x^`): it must inflate.
    if (binary === 'zlib' && !inflatesAsZlib(head)) binary = null;
    if (binary && containerOf(binary)) {
      this.node.type = typeOf(binary);
      this.mode = 'gather';
      this.gather(head);
      return;
    }
    this.classify(head, complete, binary);
  }

  /** Types content that is not a container: a binary format, text (profiled), or unknown binary. */
  private classify(bytes: Uint8Array, complete: boolean, binary: FileTypeId | null): void {
    if (binary) {
      this.node.type = typeOf(binary);
      this.mode = 'count';
      return;
    }
    const sample = bytes.subarray(0, HEAD_BYTES);
    const encoding = textEncoding(sample);
    if (encoding === null) {
      this.node.type = typeOf('binary');
      this.mode = 'count';
      return;
    }
    this.node.encoding = encoding;
    const headText = decoderFor(encoding).decode(sample);
    const kind = textType(headText);
    if (kind !== 'text') {
      this.node.type = typeOf(kind);
      this.mode = 'count';
      return;
    }
    // A file named .csv/.tsv is read as such even when the head shows one column.
    const named = this.node.extensions[0] === '.csv' ? ',' : this.node.extensions[0] === '.tsv' || this.node.extensions[0] === '.tab' ? '\t' : null;
    const delimiter = detectDelimiter(headText, complete && bytes.length <= HEAD_BYTES) ?? named;
    this.node.type = typeOf(delimiter === null ? 'text' : 'delimited_text');
    this.profiler = new DelimitedProfiler(delimiter, this.run.bounds.profile);
    this.decoder = decoderFor(encoding);
    this.mode = 'text';
    for (let at = 0; at < bytes.length; at += STORED_SLICE) {
      if (at > 0) this.run.checkTime();
      this.profiler.push(this.decoder.decode(bytes.subarray(at, at + STORED_SLICE), { stream: true }));
    }
  }

  /**
   * The node as far as it got, after a bound stopped the reading: a text profile is closed
   * over what was read, and the problem recorded.
   */
  stopped(problem: FileProblem): FileNode {
    if (this.mode === 'text' && this.profiler && this.node.text === null) this.node.text = this.profiler.finish();
    if (this.mode === 'undecided') {
      const head = concat(this.head, this.headLength);
      this.node.type = typeOf(head.length > 0 ? (sniffBinary(head) ?? 'binary') : 'binary');
    }
    if (!this.node.problems.includes(problem)) this.node.problems.push(problem);
    return this.node;
  }

  /** `end()`, or the node as far as it got when a bound stops it. */
  finish(): FileNode {
    try {
      return this.end();
    } catch (e) {
      if (!(e instanceof BoundReached)) throw e;
      return this.stopped(e.problem);
    }
  }

  /** The inspected node; containers are opened here. */
  end(): FileNode {
    if (this.mode === 'undecided') this.decide(true);
    if (this.mode === 'text' && this.profiler && this.decoder) {
      this.profiler.push(this.decoder.decode());
      this.node.text = this.profiler.finish();
    }
    if (this.mode === 'gather') {
      const bytes = concat(this.gathered, this.gatheredLength);
      this.gathered = [];
      this.open(bytes);
    }
    return this.node;
  }

  private open(bytes: Uint8Array): void {
    const node = this.node;
    if (node.depth >= this.run.bounds.maxDepth) {
      node.problems.push({ status: 'fail', reason: `an archive nested more than ${this.run.bounds.maxDepth} levels deep: not opened` });
      return;
    }
    if (this.run.stopped) {
      node.problems.push({ status: 'review', reason: 'not opened: unpacking had already stopped at a bound' });
      return;
    }
    node.members = [];
    try {
      switch (containerOf(node.type.id)) {
        case 'zip':
          this.openZip(bytes);
          break;
        case 'tar':
          this.openTar(bytes);
          break;
        case 'gzip':
          this.openStream(bytes, 'gzip');
          break;
        case 'zlib':
          this.openStream(bytes, 'zlib');
          break;
        case 'bzip2':
          this.openBzip2(bytes);
          break;
        default:
      }
    } catch (e) {
      if (!(e instanceof BoundReached)) throw e;
      node.problems.push(e.problem);
    }
  }

  private child(name: string, compressedSize: number | null): NodeSink {
    this.run.member();
    return new NodeSink(this.run, `${this.node.path}${SEPARATOR}${shownMemberName(name)}`, name, this.node.depth + 1, compressedSize);
  }

  private openZip(bytes: Uint8Array): void {
    const node = this.node;
    const dir = readZipDirectory(bytes, MAX_DIRECTORY_ENTRIES);
    if (dir.problem) node.problems.push(dir.problem);
    if (dir.problem?.status === 'fail') return;
    const files = dir.entries.filter((e) => !e.directory);
    if (dir.declared > MAX_DIRECTORY_ENTRIES || this.run.members + files.length > this.run.bounds.maxMembers) {
      this.run.stop({ status: 'fail', reason: `holds ${Math.max(dir.declared, files.length)} entries: more than the ${this.run.bounds.maxMembers} members airlock checks per file` });
    }
    const names = files.map((e) => e.name);
    // What kind of ZIP it is, from its member names.
    if (names.some((n) => /(^|\/)data\.pkl$/.test(n))) node.type = typeOf('torch');
    else if (names.includes('[Content_Types].xml')) {
      node.type = typeOf(names.some((n) => n.startsWith('xl/')) ? 'xlsx' : names.some((n) => n.startsWith('word/')) ? 'docx' : names.some((n) => n.startsWith('ppt/')) ? 'pptx' : 'zip');
    } else if (names.includes('mimetype') && names.includes('content.xml')) node.type = typeOf('opendocument');
    for (const e of files) {
      this.stopIfStopped();
      const sink = this.child(e.name, e.compressedSize);
      const problem = (p: FileProblem): void => {
        node.members?.push(sink.stopped(p));
      };
      if (e.encrypted) {
        problem({ status: 'fail', reason: 'encrypted: its content cannot be checked' });
        continue;
      }
      const left = this.run.bounds.maxInflated - this.run.inflated;
      if (e.uncompressedSize > left) {
        this.run.stopped ??= { status: 'fail', reason: 'a member declares more bytes than airlock unpacks' };
        problem({ status: 'fail', reason: `declares ${e.uncompressedSize} bytes uncompressed, more than airlock unpacks per file (${left} left): not unpacked` });
        continue;
      }
      if (e.method !== 0 && e.method !== 8) {
        problem({ status: 'review', reason: `compressed with ZIP method ${e.method}, which airlock cannot open: not checked` });
        continue;
      }
      const data = bytes.subarray(e.dataStart, e.dataEnd);
      let produced = 0;
      let crc = 0;
      const take = (chunk: Uint8Array, consumed = data.length): void => {
        produced += chunk.length;
        this.run.produced(chunk.length, () => {
          if (produced > e.uncompressedSize) this.bomb(`inflates to more than the ${e.uncompressedSize} bytes it declares (a zip bomb pattern): unpacking stopped`);
          this.checkRatio(produced, consumed);
        });
        if (crc32) crc = crc32(chunk, crc);
        sink.push(chunk);
      };
      try {
        if (e.method === 0) {
          for (let at = 0; at < data.length; at += STORED_SLICE) take(data.subarray(at, at + STORED_SLICE));
        } else {
          inflateSlices(new Inflate(), data, take);
        }
      } catch (err) {
        if (err instanceof BoundReached) {
          problem(err.problem);
          continue;
        }
        problem({ status: 'review', reason: `its compressed data is damaged (${(err as Error).message}): not fully checked` });
        continue;
      }
      const m = sink.finish();
      node.members?.push(m);
      if (produced !== e.uncompressedSize) m.problems.push({ status: 'fail', reason: `holds ${produced} bytes but declares ${e.uncompressedSize}` });
      else if (crc32 && crc >>> 0 !== e.crc32) m.problems.push({ status: 'fail', reason: 'its content does not match its CRC-32 checksum' });
    }
  }

  /** After a bound was reached anywhere, the rest of this container is not unpacked. */
  private stopIfStopped(): void {
    if (this.run.stopped) throw new BoundReached({ status: 'review', reason: 'unpacking stopped at a bound before the rest of this archive: its other members were not checked' });
  }

  /** A bomb pattern in the member being unpacked: stop everything. */
  private bomb(reason: string): never {
    return this.run.stop({ status: 'fail', reason });
  }

  /** `compressed`: the compressed bytes consumed so far (all of them where the decoder does not say). */
  private checkRatio(produced: number, compressed: number): void {
    const { maxRatio, ratioFloor } = this.run.bounds;
    if (produced > ratioFloor && produced > maxRatio * Math.max(compressed, 1)) {
      this.bomb(`expands more than ${maxRatio}:1 (a decompression bomb pattern): unpacking stopped`);
    }
  }

  private openTar(bytes: Uint8Array): void {
    const node = this.node;
    const listing = readTarEntries(bytes, MAX_DIRECTORY_ENTRIES);
    if (listing.problem) node.problems.push(listing.problem);
    const files = listing.entries.filter((e) => e.type !== 'directory' && e.type !== 'link');
    if (listing.seen > MAX_DIRECTORY_ENTRIES || this.run.members + files.length > this.run.bounds.maxMembers) {
      this.run.stop({ status: 'fail', reason: `holds ${Math.max(listing.seen, files.length)} entries: more than the ${this.run.bounds.maxMembers} members airlock checks per file` });
    }
    for (const e of files) {
      this.stopIfStopped();
      const sink = this.child(e.name, null);
      try {
        for (let at = 0; at < e.data.length; at += STORED_SLICE) sink.push(e.data.subarray(at, at + STORED_SLICE));
      } catch (err) {
        if (!(err instanceof BoundReached)) throw err;
        node.members?.push(sink.stopped(err.problem));
        continue;
      }
      const m = sink.finish();
      if (e.type === 'other') m.problems.push({ status: 'review', reason: 'a special tar member (sparse file or device): not checked' });
      node.members?.push(m);
    }
  }

  /** The name a compressed stream's content goes by: the outer name without its compression suffix. */
  private innerName(gzipName: string | null): string {
    if (gzipName) return gzipName;
    const n = this.node.name.slice(this.node.name.lastIndexOf('/') + 1);
    const m = /^(.+?)\.(?:gz|z|zlib|bz2)$/i.exec(n);
    if (m?.[1]) return m[1];
    return /\.tgz$/i.test(n) ? n.replace(/\.tgz$/i, '.tar') : n;
  }

  private openStream(bytes: Uint8Array, format: 'gzip' | 'zlib'): void {
    const sink = this.child(this.innerName(format === 'gzip' ? gzipFileName(bytes) : null), bytes.length);
    let produced = 0;
    this.unpackInto(sink, format, () =>
      inflateSlices(format === 'gzip' ? new Gunzip() : new Unzlib(), bytes, (chunk, consumed) => {
        produced += chunk.length;
        this.run.produced(chunk.length, () => this.checkRatio(produced, consumed));
        sink.push(chunk);
      }),
    );
  }

  /** Runs a decompression into `sink`; a bound or damage ends it with a problem on the member or here. */
  private unpackInto(sink: NodeSink, format: string, unpack: () => void): void {
    try {
      unpack();
    } catch (err) {
      if (err instanceof BoundReached) {
        this.node.members?.push(sink.stopped(err.problem));
        return;
      }
      this.node.problems.push({ status: 'review', reason: `the ${format} data is damaged or truncated (${err instanceof Error ? err.message : String(err)}): only the part before the damage was checked` });
    }
    this.node.members?.push(sink.finish());
  }

  private openBzip2(bytes: Uint8Array): void {
    const sink = this.child(this.innerName(null), bytes.length);
    const buffer = new Uint8Array(1 << 16);
    let fill = 0;
    let produced = 0;
    const flush = (): void => {
      if (fill === 0) return;
      produced += fill;
      this.run.produced(fill, () => this.checkRatio(produced, bytes.length));
      sink.push(buffer.slice(0, fill));
      fill = 0;
    };
    this.unpackInto(sink, 'bzip2', () => {
      // seek-bzip writes byte by byte; bytes are handed on (and counted) 64 KiB at a time.
      bunzip.decode(bytes, { writeByte: (byte: number) => {
        buffer[fill++] = byte;
        if (fill === buffer.length) flush();
      } }, true);
      flush();
    });
  }
}

/** An fflate streaming decompressor. */
interface Streaming {
  ondata: FlateStreamHandler;
  push(chunk: Uint8Array, final?: boolean): void;
}

/**
 * Pushes compressed input in small slices so no single push can produce more than ~16 MiB;
 * `take` learns how many compressed bytes have been consumed so far (for the ratio bound).
 */
function inflateSlices(stream: Streaming, data: Uint8Array, take: (chunk: Uint8Array, consumed: number) => void): void {
  let consumed = 0;
  stream.ondata = (chunk) => {
    if (chunk.length) take(chunk, consumed);
  };
  if (data.length === 0) {
    stream.push(new Uint8Array(0), true);
    return;
  }
  for (let at = 0; at < data.length; at += INPUT_SLICE) {
    const end = Math.min(data.length, at + INPUT_SLICE);
    consumed = end;
    stream.push(data.subarray(at, end), end === data.length);
  }
}

/** The original file name a gzip header carries (FNAME), if any. */
function gzipFileName(b: Uint8Array): string | null {
  const flags = b[3] ?? 0;
  if ((flags & 0x08) === 0) return null;
  let at = 10;
  if (flags & 0x04) at += 2 + ((b[10] ?? 0) | ((b[11] ?? 0) << 8));
  const end = b.indexOf(0, at);
  if (end < 0 || end - at > 1024) return null;
  const name = new TextDecoder('latin1').decode(b.subarray(at, end));
  // Only the base name: a header may carry a path.
  return name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1) || null;
}

/**
 * Inspects a whole file held in memory.
 *
 * @example inspectFile(bytes, 'results.csv', bounds).root.type.id // 'delimited_text'
 */
export function inspectFile(bytes: Uint8Array, filename: string, bounds: InspectBounds): Inspection {
  const run = new Unpacking(bounds);
  const sink = new NodeSink(run, filename, filename, 0, null);
  let root: FileNode;
  try {
    sink.push(bytes);
    root = sink.finish();
  } catch (e) {
    // A bound reached outside any container: the time budget while profiling the file itself.
    if (!(e instanceof BoundReached)) throw e;
    root = sink.stopped(e.problem);
  }
  return { root, inflated: run.inflated, members: run.members };
}

/**
 * Every node of a tree, depth first, the file itself first.
 *
 * @example [...walkNodes(root)].length // 1 + all members
 */
export function* walkNodes(root: FileNode): Generator<FileNode> {
  yield root;
  for (const m of root.members ?? []) yield* walkNodes(m);
}
