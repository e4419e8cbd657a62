/**
 * What a file is, from its content rather than its name: magic numbers of the formats
 * research outputs come in (images, documents, archives and compression, data and model
 * serialisations), an opcode walk for Python pickles of every protocol (`pickle-opcodes.ts`),
 * and text (with its encoding) for everything that reads as text. Each type carries the
 * extensions it goes by, so `file_type` can block content whose type a rule file blocks by
 * extension, whatever the file is called.
 *
 * Hand-written rather than `file-type` (npm): that library's API is asynchronous, while
 * airlock parses outputs synchronously; and it knows neither pickles of protocol 0/1, R
 * serialisations nor Stata/SPSS files.
 *
 * @example detectType(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)).id // 'png'
 */
import type { FileTypeId } from '../../domain.js';
import { scanPickle } from './pickle-opcodes.js';

/** A detected type: what it is, in words, and the extensions it goes by. */
export interface DetectedType {
  id: FileTypeId;
  description: string;
  /** Extensions files of this type go by (lower case, with the dot). */
  extensions: readonly string[];
}

/** How a container's content is reached: airlock opens these and checks what is inside. */
export type ContainerFormat = 'zip' | 'tar' | 'gzip' | 'zlib' | 'bzip2';

/** Every type airlock names, with its description and extensions. */
export const FILE_TYPES: Readonly<Record<FileTypeId, { description: string; extensions: readonly string[]; container?: ContainerFormat }>> = {
  empty: { description: 'empty file', extensions: [] },
  delimited_text: { description: 'delimited text', extensions: ['.csv', '.tsv', '.tab', '.txt', '.dat'] },
  text: { description: 'plain text', extensions: ['.txt', '.text', '.log', '.md', '.dat'] },
  json: { description: 'JSON', extensions: ['.json', '.geojson'] },
  html: { description: 'HTML document', extensions: ['.html', '.htm'] },
  xml: { description: 'XML document', extensions: ['.xml'] },
  svg: { description: 'SVG image', extensions: ['.svg', '.svgz'] },
  rtf: { description: 'RTF document', extensions: ['.rtf'] },
  postscript: { description: 'PostScript document', extensions: ['.ps', '.eps'] },
  png: { description: 'PNG image', extensions: ['.png'] },
  jpeg: { description: 'JPEG image', extensions: ['.jpg', '.jpeg'] },
  gif: { description: 'GIF image', extensions: ['.gif'] },
  tiff: { description: 'TIFF image', extensions: ['.tif', '.tiff'] },
  bmp: { description: 'BMP image', extensions: ['.bmp'] },
  webp: { description: 'WebP image', extensions: ['.webp'] },
  pdf: { description: 'PDF document', extensions: ['.pdf'] },
  xlsx: { description: 'Excel workbook (OOXML)', extensions: ['.xlsx', '.xlsm'], container: 'zip' },
  docx: { description: 'Word document (OOXML)', extensions: ['.docx'], container: 'zip' },
  pptx: { description: 'PowerPoint presentation (OOXML)', extensions: ['.pptx'], container: 'zip' },
  opendocument: { description: 'OpenDocument file', extensions: ['.ods', '.odt', '.odp'], container: 'zip' },
  ole2: { description: 'legacy Microsoft Office file (OLE2: .xls, .doc, .ppt)', extensions: ['.xls', '.doc', '.ppt', '.msg'] },
  zip: { description: 'ZIP archive', extensions: ['.zip'], container: 'zip' },
  tar: { description: 'tar archive', extensions: ['.tar'], container: 'tar' },
  gzip: { description: 'gzip-compressed data', extensions: ['.gz', '.tgz'], container: 'gzip' },
  zlib: { description: 'zlib-compressed data', extensions: ['.z', '.zlib'], container: 'zlib' },
  bzip2: { description: 'bzip2-compressed data', extensions: ['.bz2'], container: 'bzip2' },
  xz: { description: 'xz-compressed data (airlock cannot open it)', extensions: ['.xz', '.lzma'] },
  zstd: { description: 'Zstandard-compressed data (airlock cannot open it)', extensions: ['.zst'] },
  '7z': { description: '7-Zip archive (airlock cannot open it)', extensions: ['.7z'] },
  rar: { description: 'RAR archive (airlock cannot open it)', extensions: ['.rar'] },
  pickle: { description: 'Python pickle', extensions: ['.pkl', '.pickle', '.joblib'] },
  torch: { description: 'PyTorch checkpoint (a ZIP holding a pickle)', extensions: ['.pt', '.pth', '.pkl'], container: 'zip' },
  rds: { description: 'R serialised object (.rds)', extensions: ['.rds'] },
  rdata: { description: 'R workspace (.RData)', extensions: ['.rdata', '.rda'] },
  stata_dta: { description: 'Stata dataset (.dta)', extensions: ['.dta'] },
  spss_sav: { description: 'SPSS dataset (.sav)', extensions: ['.sav', '.zsav'] },
  sas7bdat: { description: 'SAS dataset (.sas7bdat)', extensions: ['.sas7bdat'] },
  sqlite: { description: 'SQLite database', extensions: ['.sqlite', '.db', '.sqlite3'] },
  parquet: { description: 'Apache Parquet data', extensions: ['.parquet'] },
  arrow: { description: 'Apache Arrow / Feather data', extensions: ['.arrow', '.feather'] },
  hdf5: { description: 'HDF5 data', extensions: ['.h5', '.hdf5', '.hdf'] },
  npy: { description: 'NumPy array (.npy)', extensions: ['.npy'] },
  binary: { description: 'unrecognised binary data', extensions: [] },
};

/** The detected type of an id. */
export function typeOf(id: FileTypeId): DetectedType {
  const t = FILE_TYPES[id];
  return { id, description: t.description, extensions: t.extensions };
}

/** The container format of a type, when airlock opens it. */
export function containerOf(id: FileTypeId): ContainerFormat | null {
  return FILE_TYPES[id].container ?? null;
}

const startsWith = (b: Uint8Array, sig: readonly number[], at = 0): boolean => sig.every((v, i) => b[at + i] === v);
const ascii = (b: Uint8Array, text: string, at = 0): boolean => {
  for (let i = 0; i < text.length; i++) if (b[at + i] !== text.charCodeAt(i)) return false;
  return true;
};

/**
 * Whether two bytes open a zlib stream (RFC 1950): deflate with a window of at most 32 KiB,
 * no preset dictionary, and a header checksum that divides by 31. joblib's compressed pickles
 * are such streams.
 */
export function isZlibHeader(b: Uint8Array): boolean {
  const cmf = b[0] ?? 0;
  const flg = b[1] ?? 0;
  return b.length >= 6 && (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && (flg & 0x20) === 0 && (cmf * 256 + flg) % 31 === 0;
}

/** Whether the first block is a tar header: `ustar` magic, or a v7 header whose checksum holds. */
export function isTarHeader(b: Uint8Array): boolean {
  if (b.length < 512) return false;
  if (ascii(b, 'ustar', 257)) return true;
  const field = String.fromCharCode(...b.subarray(148, 156)).replace(/[\0 ]+$/, '').trim();
  if (!/^[0-7]{1,7}$/.test(field) || b[0] === 0) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : (b[i] ?? 0);
  return sum === parseInt(field, 8);
}

/**
 * R serialisation (`saveRDS`, uncompressed): `X\n` (XDR), `B\n` (native binary) or `A\n`
 * (ASCII), then format version 2 or 3; `RDX2`/`RDX3`/`RDA2`/`RDA3`/`RDB2`/`RDB3` headers are
 * `save()` workspaces.
 */
function rType(b: Uint8Array): FileTypeId | null {
  if (/^RD[XAB][23]\n/.test(String.fromCharCode(...b.subarray(0, 5)))) return 'rdata';
  if ((b[0] === 0x58 || b[0] === 0x42) && b[1] === 0x0a && b.length >= 6) {
    const bigEndian = b[0] === 0x58;
    const v = bigEndian ? ((b[2] ?? 0) << 24) | ((b[3] ?? 0) << 16) | ((b[4] ?? 0) << 8) | (b[5] ?? 0) : ((b[5] ?? 0) << 24) | ((b[4] ?? 0) << 16) | ((b[3] ?? 0) << 8) | (b[2] ?? 0);
    if (v === 2 || v === 3) return 'rds';
  }
  if (b[0] === 0x41 && b[1] === 0x0a && (ascii(b, '2\n', 2) || ascii(b, '3\n', 2))) return 'rds';
  return null;
}

/**
 * Stata `.dta`: release 117+ is XML-like (`<stata_dta>`); releases 102–115 start with the
 * release byte, the byte order (1 or 2), file type 1 and a zero byte.
 */
function isStata(b: Uint8Array): boolean {
  if (ascii(b, '<stata_dta>')) return true;
  const release = b[0] ?? 0;
  return b.length >= 4 && release >= 102 && release <= 115 && (b[1] === 1 || b[1] === 2) && b[2] === 1 && b[3] === 0;
}

const SAS_MAGIC = [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc2, 0xea, 0x81, 0x60, 0xb3, 0x14, 0x11, 0xcf, 0xbd, 0x92, 0x08, 0x00, 0x09, 0xc7, 0x31, 0x8c, 0x18, 0x1f, 0x10, 0x11];

/** Binary formats recognised by their first bytes, in the order they are tried. */
function magicType(b: Uint8Array): FileTypeId | null {
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (ascii(b, 'GIF87a') || ascii(b, 'GIF89a')) return 'gif';
  if (startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (ascii(b, 'RIFF') && ascii(b, 'WEBP', 8)) return 'webp';
  if (ascii(b, 'BM') && b.length >= 26 && (b[14] === 12 || b[14] === 40 || b[14] === 108 || b[14] === 124)) return 'bmp';
  if (ascii(b, '%PDF-')) return 'pdf';
  if (ascii(b, '%!PS') || startsWith(b, [0xc5, 0xd0, 0xd3, 0xc6])) return 'postscript';
  if (ascii(b, '{\\rtf')) return 'rtf';
  if (ascii(b, 'PK\x03\x04') || ascii(b, 'PK\x05\x06')) return 'zip';
  if (startsWith(b, [0x1f, 0x8b, 0x08])) return 'gzip';
  if (ascii(b, 'BZh') && (b[3] ?? 0) >= 0x31 && (b[3] ?? 0) <= 0x39) return 'bzip2';
  if (startsWith(b, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) || startsWith(b, [0x5d, 0x00, 0x00])) return 'xz';
  if (startsWith(b, [0x28, 0xb5, 0x2f, 0xfd])) return 'zstd';
  if (startsWith(b, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return '7z';
  if (ascii(b, 'Rar!\x1a\x07')) return 'rar';
  if (startsWith(b, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'ole2';
  if (ascii(b, 'SQLite format 3\0')) return 'sqlite';
  if (ascii(b, 'PAR1')) return 'parquet';
  if (ascii(b, 'ARROW1') || ascii(b, 'FEA1')) return 'arrow';
  if (startsWith(b, [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a])) return 'hdf5';
  if (startsWith(b, [0x93]) && ascii(b, 'NUMPY', 1)) return 'npy';
  if (ascii(b, '$FL2') || ascii(b, '$FL3')) return 'spss_sav';
  if (startsWith(b, SAS_MAGIC)) return 'sas7bdat';
  if (isStata(b)) return 'stata_dta';
  const r = rType(b);
  if (r) return r;
  if (isTarHeader(b)) return 'tar';
  return null;
}

const SVG = /^\uFEFF?\s*(<\?xml[^>]*>\s*)?((<!--[\s\S]*?-->|<!DOCTYPE[^>]*>)\s*)*<svg[\s>/]/i;
const SVG_ANYWHERE = /<svg[\s>/][\s\S]*xmlns\s*=\s*["']http:\/\/www\.w3\.org\/2000\/svg["']/i;

/** The type of text: markup and JSON by their opening, else plain text (delimited is decided later). */
export function textType(head: string): FileTypeId {
  if (SVG.test(head)) return 'svg';
  const t = head.replace(/^\uFEFF/, '').trimStart();
  if (/^<!DOCTYPE html|^<html[\s>]/i.test(t)) return SVG_ANYWHERE.test(head) ? 'svg' : 'html';
  if (/^<\?xml/i.test(t)) return SVG_ANYWHERE.test(head) ? 'svg' : 'xml';
  if (/^[[{]/.test(t) && looksLikeJson(t)) return 'json';
  return 'text';
}

function looksLikeJson(t: string): boolean {
  try {
    JSON.parse(t);
    return true;
  } catch {
    // A head cut inside a long document: JSON if it opens like an object or array of values.
    return /^(\{\s*"|\[\s*[[{"\d\-tfn\]])/.test(t);
  }
}

/**
 * The type the content's first bytes reveal, or null when they do not match a binary format
 * (the caller then decides between text and unrecognised binary).
 *
 * @example sniffBinary(new TextEncoder().encode("(lp0\nI1\na.")) // 'pickle'
 */
export function sniffBinary(head: Uint8Array): FileTypeId | null {
  if (head.length === 0) return 'empty';
  const magic = magicType(head);
  if (magic) return magic;
  if (scanPickle(head).pickle) return 'pickle';
  if (isZlibHeader(head)) return 'zlib';
  return null;
}
