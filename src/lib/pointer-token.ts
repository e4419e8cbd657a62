/**
 * One reference token of a JSON pointer (RFC 6901 §3): `~` and `/` inside a key escaped, so a
 * key holding them still points at one member.
 *
 * @example `/results/${pointerToken('a/b')}` // '/results/a~1b'
 */
export function pointerToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
