/**
 * Whether bytes are text, and in which encoding: a byte-order mark names UTF-8 or UTF-16
 * (Excel's "Unicode text" export is UTF-16LE), otherwise the head must be valid UTF-8, or else
 * it is read as Windows-1252 (what older Windows tools write). Binary data — NUL bytes, or
 * more than 1% control characters — is not text.
 *
 * @example textEncoding(new TextEncoder().encode('a,b\n1,2\n')) // 'utf-8'
 */
import { TextDecoder } from 'node:util';
import type { TextEncodingId } from '../../domain.js';

const CONTROL_SHARE = 0.01;

/**
 * The encoding the head of a file is text in, or null when it is not text.
 *
 * @example textEncoding(Uint8Array.of(0, 1, 2)) // null
 */
export function textEncoding(head: Uint8Array): TextEncodingId | null {
  if (head.length === 0) return null;
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  let controls = 0;
  for (let i = 0; i < head.length; i++) {
    const c = head[i] ?? 0;
    if (c === 0) return null;
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) controls++;
  }
  if (controls > head.length * CONTROL_SHARE) return null;
  return validUtf8Prefix(head) ? 'utf-8' : 'windows-1252';
}

/** Valid UTF-8, allowing the head to end inside a sequence. */
function validUtf8Prefix(b: Uint8Array): boolean {
  let i = 0;
  while (i < b.length) {
    const c = b[i] ?? 0;
    let n = 0;
    if (c < 0x80) n = 0;
    else if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) n = 2;
    else if (c >= 0xf0 && c <= 0xf4) n = 3;
    else return false;
    for (let k = 1; k <= n; k++) {
      if (i + k >= b.length) return true;
      if (((b[i + k] ?? 0) & 0xc0) !== 0x80) return false;
    }
    i += n + 1;
  }
  return true;
}

/**
 * A streaming decoder for the encoding (a byte-order mark is dropped; bad sequences become
 * U+FFFD rather than stopping the read).
 *
 * @example decoderFor('utf-8').decode(bytes, { stream: true })
 */
export function decoderFor(encoding: TextEncodingId): TextDecoder {
  return new TextDecoder(encoding, { fatal: false, ignoreBOM: false });
}
