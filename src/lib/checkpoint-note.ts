/**
 * C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): the signed statement of a log's
 * size and root hash, as Sigstore's Rekor v2, Trillian Tessera and the Go checksum database
 * publish it. Its text is
 * ```
 * <origin>\n
 * <tree size, decimal>\n
 * <root hash, standard base64>\n
 * [<extension line>\n …]
 * ```
 * signed as a C2SP signed note (`signed-note.ts`) by the log's key, whose name is the origin.
 *
 * @example
 * const note = signCheckpoint({ origin: 'airlock.example.org/log', size: 3, root }, signer);
 * openCheckpoint(note, verifier).size // 3
 */
import { NoteError, openNote, signNote, type NoteSigner, type NoteVerifier } from './signed-note.js';

/** A checkpoint's content. */
export interface Checkpoint {
  origin: string;
  size: number;
  /** The RFC 9162 root hash (32 bytes). */
  root: Buffer;
  /** Optional extension lines (none are written by airlock). */
  extensions?: readonly string[];
}

/**
 * The checkpoint's note text.
 *
 * @example checkpointText({ origin: 'o', size: 0, root: EMPTY_ROOT }) // 'o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n'
 */
export function checkpointText(c: Checkpoint): string {
  if (!c.origin || /\s/u.test(c.origin)) throw new NoteError('a checkpoint origin is a non-empty line without spaces');
  if (!Number.isSafeInteger(c.size) || c.size < 0) throw new NoteError('a checkpoint size is a non-negative integer');
  if (c.root.length !== 32) throw new NoteError('a checkpoint root hash is 32 bytes');
  return [c.origin, String(c.size), c.root.toString('base64'), ...(c.extensions ?? [])].map((l) => `${l}\n`).join('');
}

/**
 * The checkpoint in a note text; throws `NoteError` when it is not one.
 *
 * @example parseCheckpointText('o\n1\nbjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=\n').size // 1
 */
export function parseCheckpointText(text: string): Checkpoint {
  const lines = text.split('\n');
  if (lines.length < 4 || lines[lines.length - 1] !== '') throw new NoteError('a checkpoint has an origin, a size and a root hash line');
  const [origin, size, root, ...rest] = lines.slice(0, -1) as [string, string, string, ...string[]];
  if (!origin) throw new NoteError('the checkpoint origin is empty');
  if (!/^(0|[1-9][0-9]{0,15})$/.test(size) || !Number.isSafeInteger(Number(size))) throw new NoteError('the checkpoint size is not a decimal integer');
  const hash = Buffer.from(root, 'base64');
  if (hash.length !== 32 || hash.toString('base64') !== root) throw new NoteError('the checkpoint root hash is not 32 bytes of standard base64');
  return { origin, size: Number(size), root: hash, extensions: rest };
}

/**
 * The signed checkpoint note.
 *
 * @example signCheckpoint({ origin, size, root }, signer)
 */
export function signCheckpoint(c: Checkpoint, signer: NoteSigner): string {
  return signNote(checkpointText(c), [signer]);
}

/**
 * The checkpoint of a signed note, after checking the log key's signature and (when given) the
 * origin. Throws `NoteError` otherwise.
 *
 * @example openCheckpoint(text, verifier, 'airlock.example.org/log').root
 */
export function openCheckpoint(note: string, verifier: NoteVerifier, origin?: string): Checkpoint {
  const { text } = openNote(note, [verifier]);
  const c = parseCheckpointText(text);
  if (c.origin !== (origin ?? verifier.name)) throw new NoteError(`the checkpoint is for log "${c.origin}", not "${origin ?? verifier.name}"`);
  return c;
}
