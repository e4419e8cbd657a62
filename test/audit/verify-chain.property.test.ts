/**
 * The chain verifier on random tamperings of a real SQLite-built chain: change any one value
 * of any record (its decision, released cells, signature, links, lookup columns), delete or
 * swap records — every record before the tampered one verifies and that one does not.
 * Removing the tail is the one change the chain alone cannot see (anchor `head` elsewhere).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditStore, ScannedRecord } from '../../src/audit/audit-store.js';
import { openSqliteStore } from '../../src/audit/sqlite-store.js';
import { verifyAudit } from '../../src/audit/verify-chain.js';
import { publicJwks, type Jwks } from '../../src/signing/jwks.js';
import { runs } from '../helpers/property-runs.js';
import { signedAppend, testSigningKey } from '../helpers/sample-decision.js';
import { tempDir } from '../helpers/temp-dirs.js';

const N = 6;
let store: AuditStore;
let jwks: Jwks;
let chain: ScannedRecord[];

beforeAll(async () => {
  const key = await testSigningKey();
  jwks = publicJwks([key]);
  store = await openSqliteStore({ dataDir: tempDir('airlock-chain-prop-') });
  for (let i = 1; i <= N; i++) await store.append(await signedAppend(key, i, i % 3 === 0 ? { outcome: 'reject' } : {}));
  chain = [];
  for await (const r of store.scan(1)) chain.push(r);
});
afterAll(async () => {
  await store.close();
});

const verify = (records: ScannedRecord[]) =>
  verifyAudit(
    {
      scan: async function* () {
        yield* records;
      },
      getRuleset: (d) => store.getRuleset(d),
    },
    jwks,
  );

type Path = (string | number)[];

/** Every leaf of a record the verifier reads (`canonical` is the store's own rebuild, not read). */
function leaves(value: unknown, path: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [path];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return entries.filter(([k]) => !(path.length === 0 && k === 'canonical')).flatMap(([k, v]) => leaves(v, [...path, k]));
}

function changed(v: unknown): unknown {
  if (typeof v === 'string') return v.length > 0 ? v.slice(0, -1) + (v.endsWith('x') ? 'y' : 'x') : 'x';
  if (typeof v === 'number') return v + 1;
  if (typeof v === 'boolean') return !v;
  return 'x';
}

function setAt(root: unknown, path: Path, f: (v: unknown) => unknown): void {
  let o = root as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  o[last] = f(o[last]);
}

describe('verifyAudit on random tamperings', () => {
  it('the untouched chain verifies', async () => {
    expect(await verify(chain)).toMatchObject({ ok: true, checked: N });
  });

  it('one changed value anywhere in record k: records before k verify, k does not', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(N - 1), fc.nat(), async (k, pick) => {
        const records = structuredClone(chain);
        const paths = leaves(records[k]);
        const path = paths[pick % paths.length]!;
        setAt(records[k], path, changed);
        const v = await verify(records);
        expect(v.ok, `changed ${path.join('.')} of seq ${k + 1}`).toBe(false);
        expect(v.checked).toBe(k);
        expect(v.first_bad_seq).toBeLessThanOrEqual(k + 1);
      }),
      runs(120),
    );
  });

  it('a deleted record or two swapped records: the chain breaks exactly there', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(N - 2), fc.boolean(), async (k, swap) => {
        const records = structuredClone(chain);
        if (swap) [records[k], records[k + 1]] = [records[k + 1]!, records[k]!];
        else records.splice(k, 1);
        const v = await verify(records);
        expect(v).toMatchObject({ ok: false, checked: k, first_bad_seq: k + 1 });
      }),
      runs(30),
    );
  });

  it('a removed tail verifies as a shorter chain: its head differs from the anchored one', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: N - 1 }), async (keep) => {
        const v = await verify(structuredClone(chain).slice(0, keep));
        expect(v).toMatchObject({ ok: true, checked: keep, head: { seq: keep, hash: chain[keep - 1]!.hash } });
        expect(v.head?.hash).not.toBe(chain[N - 1]!.hash);
      }),
      runs(10),
    );
  });
});
