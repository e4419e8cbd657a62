/**
 * Reads a ZIP archive's central directory without trusting it: every entry's local header
 * must exist where the directory says and agree with it, its data must lie inside the
 * archive before the directory, and no two entries may share bytes. Overlapping entries are
 * how non-recursive zip bombs (one deflate stream referenced by thousands of entries) reach
 * ratios of millions to one; a reader that follows the directory blindly inflates the same
 * bytes again and again. Sizes are read from ZIP64 extra fields where the classic fields say
 * 0xFFFFFFFF. Nothing is inflated here (see `inspect-file.ts`).
 *
 * fflate's `unzipSync` inflates every entry into a buffer sized by its declared size and does
 * not check for overlaps, and its streaming `Unzip` follows local headers only, so the
 * directory is read here; fflate inflates the data.
 *
 * @example
 * const dir = readZipDirectory(bytes, 1000);
 * if (dir.problem) … else for (const e of dir.entries) e.name, e.method, e.compressedSize
 */

export interface ZipEntry {
  /** The name as stored (UTF-8, or CP437 read as Latin-1). */
  name: string;
  method: number;
  encrypted: boolean;
  compressedSize: number;
  /** As declared by the archive: checked against what inflating produces. */
  uncompressedSize: number;
  crc32: number;
  /** Where the entry's local header starts, and its (compressed) data starts and ends. */
  localOffset: number;
  dataStart: number;
  dataEnd: number;
  directory: boolean;
}

/** Why the archive cannot be read as declared; `fail` for structures that only an attack produces. */
export interface ZipProblem {
  status: 'fail' | 'review';
  reason: string;
}

export interface ZipDirectory {
  entries: ZipEntry[];
  /** Entries the directory declares (may exceed `entries.length` when capped). */
  declared: number;
  problem: ZipProblem | null;
}

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const EOCD64 = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

const u16 = (b: Uint8Array, o: number): number => (b[o] ?? 0) | ((b[o + 1] ?? 0) << 8);
const u32 = (b: Uint8Array, o: number): number => (u16(b, o) + u16(b, o + 2) * 65536) >>> 0;
const u64 = (b: Uint8Array, o: number): number => u32(b, o) + u32(b, o + 4) * 2 ** 32;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

function decodeName(bytes: Uint8Array, utf8Flag: boolean): string {
  if (utf8Flag) {
    try {
      return utf8.decode(bytes);
    } catch {
      return latin1.decode(bytes);
    }
  }
  try {
    return utf8.decode(bytes);
  } catch {
    return latin1.decode(bytes);
  }
}

function bad(reason: string, declared = 0, entries: ZipEntry[] = []): ZipDirectory {
  return { entries, declared, problem: { status: 'fail', reason } };
}

/** The end-of-central-directory record: the last one whose comment runs exactly to the end. */
function findEocd(b: Uint8Array): number {
  const last = b.length - 22;
  for (let o = last; o >= Math.max(0, last - 65535); o--) {
    if (u32(b, o) === EOCD && o + 22 + u16(b, o + 20) === b.length) return o;
  }
  return -1;
}

/**
 * Reads the directory; at most `maxEntries` entries are returned (the rest are counted).
 *
 * @example readZipDirectory(bytes, 1000).problem // null for a well-formed archive
 */
export function readZipDirectory(b: Uint8Array, maxEntries: number): ZipDirectory {
  const eocd = findEocd(b);
  if (eocd < 0) return { entries: [], declared: 0, problem: { status: 'review', reason: 'no ZIP end-of-central-directory record: the archive is truncated or not a ZIP file' } };
  let count = u16(b, eocd + 10);
  let cdSize = u32(b, eocd + 12);
  let cdOffset = u32(b, eocd + 16);
  if (u16(b, eocd + 4) !== 0 || u16(b, eocd + 6) !== 0) return { entries: [], declared: count, problem: { status: 'review', reason: 'a multi-disk (spanned) ZIP archive: airlock cannot read it' } };
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || u32(b, loc) !== EOCD64_LOCATOR) return bad('ZIP64 fields without a ZIP64 locator');
    const rec = u64(b, loc + 8);
    if (rec + 56 > loc || u32(b, rec) !== EOCD64) return bad('the ZIP64 end-of-central-directory record is not where its locator says');
    count = u64(b, rec + 32);
    cdSize = u64(b, rec + 40);
    cdOffset = u64(b, rec + 48);
  }
  const cdEnd = cdOffset + cdSize;
  if (cdEnd > eocd || cdOffset > b.length) return bad('the central directory lies outside the archive');
  // Each central entry takes at least 46 bytes: a count the directory cannot hold is a lie.
  if (count * 46 > cdSize) return bad(`the directory declares ${count} entries but has room for ${Math.floor(cdSize / 46)}`, count);
  const entries: ZipEntry[] = [];
  let o = cdOffset;
  for (let i = 0; i < count; i++) {
    if (o + 46 > cdEnd || u32(b, o) !== CENTRAL) return bad(`central directory entry ${i + 1} is malformed`, count, entries);
    const flags = u16(b, o + 8);
    const method = u16(b, o + 10);
    const crc32 = u32(b, o + 16);
    let compressedSize = u32(b, o + 20);
    let uncompressedSize = u32(b, o + 24);
    const nameLen = u16(b, o + 28);
    const extraLen = u16(b, o + 30);
    const commentLen = u16(b, o + 32);
    const disk = u16(b, o + 34);
    let localOffset = u32(b, o + 42);
    const next = o + 46 + nameLen + extraLen + commentLen;
    if (next > cdEnd) return bad(`central directory entry ${i + 1} runs past the directory`, count, entries);
    const name = decodeName(b.subarray(o + 46, o + 46 + nameLen), (flags & 0x800) !== 0);
    // ZIP64 extra field (0x0001): the 64-bit values of the fields set to 0xFFFFFFFF, in order.
    for (let e = o + 46 + nameLen; e + 4 <= o + 46 + nameLen + extraLen; ) {
      const id = u16(b, e);
      const size = u16(b, e + 2);
      if (id === 0x0001) {
        let f = e + 4;
        if (uncompressedSize === 0xffffffff && f + 8 <= e + 4 + size) (uncompressedSize = u64(b, f)), (f += 8);
        if (compressedSize === 0xffffffff && f + 8 <= e + 4 + size) (compressedSize = u64(b, f)), (f += 8);
        if (localOffset === 0xffffffff && f + 8 <= e + 4 + size) localOffset = u64(b, f);
      }
      e += 4 + size;
    }
    if (disk !== 0 && disk !== 0xffff) return { entries, declared: count, problem: { status: 'review', reason: 'a multi-disk (spanned) ZIP archive: airlock cannot read it' } };
    if (localOffset + 30 > cdOffset || u32(b, localOffset) !== LOCAL) return bad(`"${name}" has no local header where the directory says`, count, entries);
    const localNameLen = u16(b, localOffset + 26);
    const localExtraLen = u16(b, localOffset + 28);
    const dataStart = localOffset + 30 + localNameLen + localExtraLen;
    const dataEnd = dataStart + compressedSize;
    if (dataEnd > cdOffset) return bad(`"${name}" declares ${compressedSize} compressed bytes, more than the archive holds`, count, entries);
    if (entries.length < maxEntries) {
      entries.push({ name, method, encrypted: (flags & 1) !== 0, compressedSize, uncompressedSize, crc32, localOffset, dataStart, dataEnd, directory: name.endsWith('/') && uncompressedSize === 0 });
    }
    o = next;
  }
  const overlap = overlapping(entries);
  if (overlap) return bad(`entries "${overlap[0]}" and "${overlap[1]}" share bytes (overlapping entries are a zip bomb pattern)`, count, entries);
  return { entries, declared: count, problem: null };
}

/** Two entries whose spans (local header and data) overlap, if any. */
function overlapping(entries: readonly ZipEntry[]): [string, string] | null {
  const spans = entries.map((e) => ({ name: e.name, start: e.localOffset, end: e.dataEnd })).sort((a, b) => a.start - b.start);
  let widest = spans[0];
  for (let i = 1; i < spans.length; i++) {
    const cur = spans[i];
    if (!cur || !widest) continue;
    if (cur.start < widest.end) return [widest.name, cur.name];
    if (cur.end > widest.end) widest = cur;
  }
  return null;
}
