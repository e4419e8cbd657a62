/**
 * The extensions a file name goes by: its last one and, before a compression suffix, the one
 * before it (`model.pkl.gz` is a `.gz` and a `.pkl`).
 *
 * @example extensionsOf('Model.PKL.gz') // ['.gz', '.pkl']
 */

/** Suffixes that wrap another file: `model.pkl.gz` is still a pickle. */
const COMPRESSION = new Set(['.gz', '.bz2', '.xz', '.zst', '.z', '.lz4', '.zlib', '.lzma']);

/**
 * The extensions a file name goes by, lower case with the dot.
 *
 * @example extensionsOf('Model.PKL.gz') // ['.gz', '.pkl']
 */
export function extensionsOf(filename: string): string[] {
  const parts = filename.toLowerCase().split('.');
  if (parts.length < 2 || parts[parts.length - 1] === '') return [];
  const last = `.${parts[parts.length - 1]}`;
  if (COMPRESSION.has(last) && parts.length >= 3 && parts[parts.length - 2] !== '') return [last, `.${parts[parts.length - 2]}`];
  return [last];
}
