/**
 * Recognises, from its first bytes, content that rule files block by extension, so a
 * renamed file (`model.dat` holding a pickle) is still caught: Python pickles (protocol 2 and
 * later start with 0x80 and the protocol number; joblib writes these too) and SVG images.
 *
 * @example sniffType(Uint8Array.of(0x80, 0x04, 0x95)) // { type: 'Python pickle', extensions: ['.pkl', '.pickle', '.joblib'] }
 */
import type { SniffedType } from './file-output.js';

const SVG = /^\uFEFF?\s*(<\?xml[^>]*>\s*)?((<!--[\s\S]*?-->|<!DOCTYPE[^>]*>)\s*)*<svg[\s>/]/i;

/** The type the content reveals, or null when nothing blocked-by-default is recognised. */
export function sniffType(bytes: Uint8Array): SniffedType | null {
  if (bytes.length >= 2 && bytes[0] === 0x80 && bytes[1] >= 2 && bytes[1] <= 5) {
    return { type: 'Python pickle', extensions: ['.pkl', '.pickle', '.joblib'] };
  }
  const head = new TextDecoder('utf-8').decode(bytes.subarray(0, 4096));
  if (SVG.test(head)) return { type: 'SVG image', extensions: ['.svg'] };
  return null;
}
