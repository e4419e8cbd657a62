/**
 * SHA-256 of `JSON.stringify(value)` without ever building the JSON of its long strings. An
 * output that embeds 1M rows of CSV as one string would otherwise cost two more copies of it
 * (the JSON text, then its UTF-8 bytes for the hash), each in freshly mapped memory, which on
 * some machines costs more than parsing the CSV. Long strings are escaped and hashed in slices
 * instead, so the digest is byte-for-byte the same as hashing the whole JSON text.
 *
 * @example
 * jsonSha256({ a: 'x'.repeat(1e6) }) === createHash('sha256').update(JSON.stringify({ a: 'x'.repeat(1e6) })).digest('hex'); // true
 */
import { createHash, randomUUID } from 'node:crypto';

/** Strings longer than this are hashed in slices. */
const LONG = 1 << 16;
/** Slice length, in UTF-16 units: its escaped form stays a small, reused allocation. */
const SLICE = 1 << 14;

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Hashes the JSON string literal of `s` slice by slice, never splitting a surrogate pair. */
function updateWithString(h: ReturnType<typeof createHash>, s: string): void {
  h.update('"');
  for (let start = 0; start < s.length; ) {
    let end = Math.min(start + SLICE, s.length);
    if (end < s.length && isHighSurrogate(s.charCodeAt(end - 1))) end++;
    const literal = JSON.stringify(s.slice(start, end));
    h.update(literal.slice(1, -1));
    start = end;
  }
  h.update('"');
}

/** A stand-in for long strings, random per process: no submitted string can equal it. */
const TOKEN = `\u0000airlock-long-${randomUUID()}\u0000`;
const QUOTED_TOKEN = JSON.stringify(TOKEN);

/**
 * Whether `value` holds a long string among its own fields (what JSON.stringify would reach
 * through `toJSON` is not looked at; missing one only means taking the plain path).
 */
function hasLongString(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.length > LONG;
  if (value === null || typeof value !== 'object' || depth > 64) return false;
  if (Array.isArray(value)) return value.some((v) => hasLongString(v, depth + 1));
  for (const k in value) if (hasLongString((value as Record<string, unknown>)[k], depth + 1)) return true;
  return false;
}

/**
 * Hex SHA-256 of `JSON.stringify(value)` (UTF-8), computed without the JSON of long strings.
 *
 * @example jsonSha256({ name: 't', kind: 'table' }); // 64 hex digits
 */
export function jsonSha256(value: unknown): string {
  const h = createHash('sha256');
  // Most outputs are small: a plain stringify is cheaper than one with a replacer.
  if (!hasLongString(value)) return h.update(JSON.stringify(value) ?? 'undefined').digest('hex');
  const long: string[] = [];
  const token = TOKEN;
  const json = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'string' && v.length > LONG) {
      long.push(v);
      return token;
    }
    return v;
  });
  if (json === undefined) return h.update('undefined').digest('hex');
  const parts = json.split(QUOTED_TOKEN);
  if (parts.length !== long.length + 1) return h.update(JSON.stringify(value)).digest('hex');
  h.update(parts[0]);
  for (let i = 0; i < long.length; i++) {
    updateWithString(h, long[i]);
    h.update(parts[i + 1]);
  }
  return h.digest('hex');
}
