/**
 * Lists the members of a tar archive held in memory: POSIX ustar, pax extended headers
 * (`path`, `size`) and GNU long names. Every header's checksum must hold and every member's
 * declared size must fit in the archive; a member that claims more bytes than the archive
 * has is a lie, reported rather than trusted. Members are views into the archive's bytes,
 * never copies.
 *
 * tar-stream (npm) reads tar only as an asynchronous stream; airlock parses outputs
 * synchronously, and a tar held in memory needs no more than this.
 *
 * @example
 * const t = readTarEntries(bytes, 1000);
 * for (const m of t.entries) m.name, m.data.length
 */

export interface TarEntry {
  name: string;
  /** `file`, or what else the header says (links and devices carry no data). */
  type: 'file' | 'directory' | 'link' | 'other';
  data: Uint8Array;
}

export interface TarListing {
  entries: TarEntry[];
  /** Members seen, also past the cap. */
  seen: number;
  problem: { status: 'fail' | 'review'; reason: string } | null;
}

const BLOCK = 512;
const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

function text(b: Uint8Array, start: number, len: number): string {
  const field = b.subarray(start, start + len);
  const end = field.indexOf(0);
  return utf8.decode(end < 0 ? field : field.subarray(0, end));
}

/** A numeric field: octal text, or GNU base-256 (high bit set). null when malformed. */
function numeric(b: Uint8Array, start: number, len: number): number | null {
  if (((b[start] ?? 0) & 0x80) !== 0) {
    let v = (b[start] ?? 0) & 0x7f;
    for (let i = 1; i < len; i++) v = v * 256 + (b[start + i] ?? 0);
    return Number.isSafeInteger(v) ? v : null;
  }
  const s = latin1.decode(b.subarray(start, start + len)).replace(/[\0 ]+$/g, '').trim();
  if (s === '') return 0;
  return /^[0-7]+$/.test(s) ? parseInt(s, 8) : null;
}

function checksumOk(b: Uint8Array, at: number): boolean {
  const want = numeric(b, at + 148, 8);
  if (want === null) return false;
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (b[at + i] ?? 0);
  return sum === want;
}

/** pax records `len key=value\n`. */
function paxRecords(data: Uint8Array): Map<string, string> {
  const out = new Map<string, string>();
  const s = utf8.decode(data);
  let i = 0;
  while (i < s.length) {
    const space = s.indexOf(' ', i);
    if (space < 0) break;
    const len = Number(s.slice(i, space));
    if (!Number.isInteger(len) || len <= 0) break;
    const rec = s.slice(space + 1, i + len - 1);
    const eq = rec.indexOf('=');
    if (eq > 0) out.set(rec.slice(0, eq), rec.slice(eq + 1));
    i += len;
  }
  return out;
}

/**
 * Reads the members; at most `maxEntries` are returned, the rest counted.
 *
 * @example readTarEntries(bytes, 1000).problem // null for a well-formed archive
 */
export function readTarEntries(b: Uint8Array, maxEntries: number): TarListing {
  const entries: TarEntry[] = [];
  let seen = 0;
  let at = 0;
  let longName: string | null = null;
  let pax: Map<string, string> | null = null;
  while (at + BLOCK <= b.length) {
    const header = b.subarray(at, at + BLOCK);
    if (header.every((x) => x === 0)) return { entries, seen, problem: null };
    if (!checksumOk(b, at)) return { entries, seen, problem: { status: 'review', reason: `the tar header at byte ${at} is damaged (its checksum does not hold)` } };
    const flag = String.fromCharCode(header[156] ?? 0);
    const declared = numeric(b, at + 124, 12);
    const size = pax?.has('size') ? Number(pax.get('size')) : declared;
    if (size === null || !Number.isSafeInteger(size) || size < 0) return { entries, seen, problem: { status: 'fail', reason: `the tar header at byte ${at} has an unreadable size` } };
    const dataStart = at + BLOCK;
    if (dataStart + size > b.length) {
      return { entries, seen, problem: { status: 'fail', reason: `a tar member declares ${size} bytes, more than the archive holds (${b.length - dataStart})` } };
    }
    const data = b.subarray(dataStart, dataStart + size);
    at = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (flag === 'L') {
      longName = text(data, 0, data.length);
      continue;
    }
    if (flag === 'x') {
      pax = paxRecords(data);
      continue;
    }
    if (flag === 'g' || flag === 'K') continue;
    const prefix = text(header, 345, 155);
    const base = text(header, 0, 100);
    const name = pax?.get('path') ?? longName ?? (prefix && latin1.decode(header.subarray(257, 262)) === 'ustar' ? `${prefix}/${base}` : base);
    longName = null;
    pax = null;
    const type = flag === '0' || flag === '\0' || flag === '7' ? 'file' : flag === '5' ? 'directory' : flag === '1' || flag === '2' ? 'link' : 'other';
    seen++;
    if (entries.length < maxEntries) entries.push({ name, type, data: type === 'file' ? data : new Uint8Array(0) });
  }
  // No end-of-archive blocks: a truncated archive is read as far as it goes.
  return { entries, seen, problem: at < b.length ? { status: 'review', reason: 'the tar archive ends inside a header' } : null };
}
