/**
 * The normalised form of a `kind: "file"` output: its name and the extensions it goes by,
 * and what `inspect-file.ts` found inside it — its detected type, a profile of delimited
 * text, and for archives and compressed files every member, inspected the same way.
 *
 * @example
 * const f: FileOutput = parseFile(raw, ctx);
 * f.root.type.id; // 'zip'
 * f.root.members?.[0]?.text?.columns.length;
 */
import type { FileNode } from './inspect-file.js';

export interface FileOutput {
  filename: string;
  /** Lower-case extensions with the dot: the last one, and the one before a compression suffix. */
  extensions: string[];
  /** Decoded size in bytes. */
  size: number;
  /** The file itself, with its members when it is an archive. */
  root: FileNode;
  /** Bytes produced by decompression while inspecting it. */
  inflated: number;
}
