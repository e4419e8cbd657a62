/**
 * Files for tests of `kind: "file"`: real pickles of every protocol (made by CPython's
 * pickle module, kept as base64), bzip2 data (made by Python's bz2 module), and builders for
 * ZIP and tar archives — well-formed ones through fflate, and the malicious ones a zip-bomb
 * author writes by hand (overlapping entries, lying sizes, nesting).
 *
 * @example const zip = zipOf({ 'data.csv': 'a,b\n1,2\n' });
 */
import { gzipSync, zipSync, zlibSync } from 'fflate';

const b64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** `pickle.dumps({'a': [1, 2.5, 'x', None, True], 'b': (1, 2)}, protocol=p)` for p = 0…5. */
export const PICKLES: readonly Uint8Array[] = [
  b64('KGRwMApWYQpwMQoobHAyCkkxCmFGMi41CmFWeApwMwphTmFJMDEKYXNWYgpwNAooSTEKSTIKdHA1CnMu'),
  b64('fXEAKFgBAAAAYXEBXXECKEsBR0AEAAAAAAAAWAEAAAB4cQNOSTAxCmVYAQAAAGJxBChLAUsCdHEFdS4='),
  b64('gAJ9cQAoWAEAAABhcQFdcQIoSwFHQAQAAAAAAABYAQAAAHhxA06IZVgBAAAAYnEESwFLAoZxBXUu'),
  b64('gAN9cQAoWAEAAABhcQFdcQIoSwFHQAQAAAAAAABYAQAAAHhxA06IZVgBAAAAYnEESwFLAoZxBXUu'),
  b64('gASVKAAAAAAAAAB9lCiMAWGUXZQoSwFHQAQAAAAAAACMAXiUTohljAFilEsBSwKGlHUu'),
  b64('gAWVKAAAAAAAAAB9lCiMAWGUXZQoSwFHQAQAAAAAAACMAXiUTohljAFilEsBSwKGlHUu'),
];

/** `pickle.dumps(collections.OrderedDict(a=1), protocol=0)`: a class reference, the code-running kind. */
export const PICKLE0_CLASS = b64('Y2NvbGxlY3Rpb25zCk9yZGVyZWREaWN0CnAwCih0UnAxClZhCnAyCkkxCnMu');
/** The same at protocol 1. */
export const PICKLE1_CLASS = b64('Y2NvbGxlY3Rpb25zCk9yZGVyZWREaWN0CnEAKVJxAVgBAAAAYXECSwFzLg==');

/** bz2.compress(b"region,count\nnorth,12\nsouth,3\n") */
export const BZ2_CSV = b64('QlpoOTFBWSZTWZNM2zoAAAtZgAAQAAQ4AArhngAgACGpowjAhTAATS0TwhWIU/RFRlveIpG7GPi7kinChISaZtnQ');
/** bz2.compress(pickle.dumps(…, protocol=0)) */
export const BZ2_PICKLE0 = b64('QlpoOTFBWSZTWVePjDsAAAffgAAQAEF+AAEhAQA0BExAIABQoGmhkZMQap+SmanqaHqaeke1zcvwu9Tu8YNNUkjpKUHOBMBGFlsnZWHzURoub/i7kinChIK8fGHY');
/** bz2.compress(b"\0" * 20 MiB): 49 bytes. */
export const BZ2_ZEROS_20MIB = b64('QlpoOTFBWSZTWegs7hwAoKDIAMAAAAIACCAAMMwFKaaBIE2EEgTxdyRThQkOgs7hwA==');

/** joblib.dump(obj, f, compress=True): a zlib stream holding the pickle (and, for arrays, their bytes). */
export function joblibZlib(pickle: Uint8Array = PICKLES[4] ?? new Uint8Array()): Uint8Array {
  return zlibSync(pickle);
}

/** torch.save(model, f): a stored ZIP with `archive/data.pkl`, the tensors' storages and a version. */
export function torchZip(prefix = 'archive'): Uint8Array {
  return zipSync(
    {
      [`${prefix}/data.pkl`]: PICKLES[2] ?? new Uint8Array(),
      [`${prefix}/byteorder`]: utf8('little'),
      [`${prefix}/data/0`]: new Uint8Array(64).fill(7),
      [`${prefix}/version`]: utf8('3\n'),
    },
    { level: 0 },
  );
}

/** saveRDS(df): gzip of the XDR serialisation `X\n`, format version 3. */
export const RDS = gzipSync(Uint8Array.of(0x58, 0x0a, 0, 0, 0, 3, 0, 4, 3, 0, 0, 3, 5, 0, 0, 0, 0, 5, 0x55, 0x54, 0x46, 0x2d, 0x38));
/** save(x, file = 'x.RData'): gzip of `RDX3\n` then the serialisation. */
export const RDATA = gzipSync(utf8('RDX3\nX\n\0\0\0\u0003'));
/** A Stata 14 (release 118) dataset. */
export const DTA_118 = utf8('<stata_dta><header><release>118</release><byteorder>LSF</byteorder><K>');
/** A Stata 8 (release 113) dataset: release byte, byte order, file type 1, zero. */
export const DTA_113 = Uint8Array.of(113, 2, 1, 0, 3, 0, 10, 0, 0, 0);
/** An SPSS system file. */
export const SAV = utf8('$FL2@(#) IBM SPSS STATISTICS 64-bit MS Windows 27.0.0.0');
/** An SVG as R's svg() writes it. */
export const SVG = utf8('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="504pt" height="504pt"><circle cx="1" cy="2" r="3"/></svg>');
/** The first bytes of a PNG (signature and IHDR): enough for every check. */
export const PNG = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0, 0, 0, 1, 0, 8, 6, 0, 0, 0);

/**
 * A ZIP of named members (strings as UTF-8), deflated unless `level: 0`.
 *
 * @example zipOf({ 'a.csv': 'x,y\n1,2\n' })
 */
export function zipOf(members: Record<string, string | Uint8Array>, level: 0 | 6 = 6): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (const [name, data] of Object.entries(members)) files[name] = typeof data === 'string' ? utf8(data) : data;
  return zipSync(files, { level });
}

/**
 * A ustar archive of named members.
 *
 * @example tarOf({ 'a.csv': 'x\n1\n' })
 */
export function tarOf(members: Record<string, string | Uint8Array>): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const [name, content] of Object.entries(members)) {
    const data = typeof content === 'string' ? utf8(content) : content;
    const h = new Uint8Array(512);
    h.set(utf8(name).subarray(0, 100), 0);
    h.set(utf8('0000644\0'), 100);
    h.set(utf8('0000000\0'), 108);
    h.set(utf8('0000000\0'), 116);
    h.set(utf8(`${data.length.toString(8).padStart(11, '0')}\0`), 124);
    h.set(utf8('00000000000\0'), 136);
    h.set(utf8('        '), 148);
    h[156] = 0x30;
    h.set(utf8('ustar\u000000'), 257);
    let sum = 0;
    for (const x of h) sum += x;
    h.set(utf8(`${sum.toString(8).padStart(6, '0')}\0 `), 148);
    blocks.push(h, data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

const u32 = (b: Uint8Array, o: number): number => ((b[o] ?? 0) | ((b[o + 1] ?? 0) << 8) | ((b[o + 2] ?? 0) << 16) | ((b[o + 3] ?? 0) << 24)) >>> 0;
const put32 = (b: Uint8Array, o: number, v: number): void => {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
  b[o + 2] = (v >>> 16) & 0xff;
  b[o + 3] = (v >>> 24) & 0xff;
};
const put16 = (b: Uint8Array, o: number, v: number): void => {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
};

/** Where a single-entry ZIP's central entry and end record are. */
function layout(zip: Uint8Array): { cd: number; eocd: number } {
  const eocd = zip.length - 22;
  return { cd: u32(zip, eocd + 16), eocd };
}

/**
 * The non-recursive zip bomb's trick: `copies` central-directory entries (distinct names) all
 * pointing at the one local file, so a reader that follows the directory inflates the same
 * compressed bytes again and again.
 *
 * @example overlappingZip(zipOf({ 'a.csv': bigCsv }), 1000)
 */
export function overlappingZip(single: Uint8Array, copies: number): Uint8Array {
  const { cd, eocd } = layout(single);
  const entry = single.subarray(cd, eocd);
  const nameLen = (entry[28] ?? 0) | ((entry[29] ?? 0) << 8);
  const entries: Uint8Array[] = [];
  for (let i = 0; i < copies; i++) {
    const e = entry.slice();
    // Rename: overwrite the last characters of the name with the copy number.
    const tag = utf8(String(i).padStart(Math.min(6, nameLen), '0')).subarray(0, nameLen);
    e.set(tag, 46 + nameLen - tag.length);
    entries.push(e);
  }
  const cdBytes = entries.reduce((n, e) => n + e.length, 0);
  const out = new Uint8Array(cd + cdBytes + 22);
  out.set(single.subarray(0, cd), 0);
  let at = cd;
  for (const e of entries) {
    out.set(e, at);
    at += e.length;
  }
  out.set(single.subarray(eocd, eocd + 22), at);
  put16(out, at + 8, copies);
  put16(out, at + 10, copies);
  put32(out, at + 12, cdBytes);
  put32(out, at + 16, cd);
  return out;
}

/**
 * A single-entry ZIP whose directory (and local header) declare `size` uncompressed bytes:
 * smaller than the truth hides a bomb, larger than any budget is the "huge declared size".
 *
 * @example withDeclaredSize(zipOf({ 'a.csv': text }), 10)
 */
export function withDeclaredSize(single: Uint8Array, size: number): Uint8Array {
  const out = single.slice();
  const { cd } = layout(out);
  put32(out, cd + 24, size);
  put32(out, 22, size);
  return out;
}

/**
 * A ZIP nested `levels` deep: the innermost holds `inner`, each level one `level-N.zip`.
 *
 * @example nestedZip(4, { 'a.csv': 'x\n1\n' })
 */
export function nestedZip(levels: number, inner: Record<string, string | Uint8Array>): Uint8Array {
  let zip = zipOf(inner);
  for (let l = levels - 1; l >= 1; l--) zip = zipOf({ [`level-${l + 1}.zip`]: zip });
  return zip;
}
