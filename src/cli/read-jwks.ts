/**
 * Reads the JWKS a CLI command verifies signatures with, from a file or an http(s) URL (the
 * service's `/.well-known/jwks.json`). Only its shape is checked here; whether a key fits a
 * signature is the verifier's business.
 *
 * @example
 * const jwks = await readJwks('https://airlock.example.org/.well-known/jwks.json');
 * const jwks2 = await readJwks('./jwks.json');
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AirlockError } from '../errors.js';
import type { JwksLike } from '../signing/verify-decision.js';

/** How long a JWKS URL may take to answer. */
const FETCH_TIMEOUT_MS = 10_000;

function invalid(source: string, why: string): AirlockError {
  return new AirlockError('CONFIG_INVALID', `cannot use the JWKS at ${source}: ${why}`);
}

async function textOf(source: string): Promise<string> {
  if (/^https?:\/\//i.test(source)) {
    let res: Response;
    try {
      res = await fetch(source, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: 'application/json' } });
    } catch (e) {
      throw invalid(source, (e as Error).message);
    }
    if (!res.ok) throw invalid(source, `HTTP ${res.status}`);
    return res.text();
  }
  try {
    return await readFile(resolve(source), 'utf8');
  } catch (e) {
    throw invalid(source, (e as Error).message);
  }
}

/**
 * The JWKS at `source` (a file path or an http(s) URL). Throws `CONFIG_INVALID` when it cannot be
 * fetched or read, is not JSON, or has no `keys` array.
 *
 * @example (await readJwks('jwks.json')).keys.length // 1
 */
export async function readJwks(source: string): Promise<JwksLike> {
  const text = await textOf(source);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw invalid(source, 'not JSON');
  }
  const keys = (data as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'object' && k !== null)) throw invalid(source, 'no "keys" array of objects');
  return { keys: keys as Record<string, unknown>[] };
}
