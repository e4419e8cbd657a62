/**
 * The protection worker pool gives exactly what `protectTable` gives on the calling thread
 * (a protected table, or "none exists" as AirlockError INTERNAL), and a protection whose
 * request deadline passes is stopped: REQUEST_TIMEOUT, and the pool still works after.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { AirlockError } from '../../src/errors.js';
import { tableKind } from '../../src/outputs/table/table-kind.js';
import type { CellTable } from '../../src/outputs/table/cell-table.js';
import type { ProtectionRunner } from '../../src/pipeline/protection-runner.js';
import { inlineProtection, protectionPool } from '../../src/pipeline/protection-runner.js';
import type { CheckId } from '../../src/domain.js';
import { DEFAULT_PARAMETERS } from '../../src/rules/parameters.js';
import { hardTable } from '../helpers/hard-table.js';
import { parseAs } from '../helpers/parse-output.js';

const pool = protectionPool({ threads: 1, heapMb: 256 });
afterAll(() => pool.close());

function failingOf(t: CellTable): Set<number> {
  const out = new Set<number>();
  t.count.forEach((n, i) => n > 0 && n < 10 && out.add(i));
  return out;
}

async function outcome(runner: ProtectionRunner, t: CellTable, failing: Set<number>, fixed?: Uint8Array): Promise<unknown> {
  try {
    return await runner.protect(t, failing, fixed ? { fixed } : {});
  } catch (e) {
    return e instanceof AirlockError ? { code: e.code } : { error: String(e) };
  }
}

describe('protectionPool', () => {
  const t = parseAs(tableKind, hardTable(12)) as CellTable;
  const failing = failingOf(t);

  it('protects as protectTable does on this thread', async () => {
    const inline = await outcome(inlineProtection, t, failing);
    expect(inline).toMatchObject({ primary: [...failing].sort((a, b) => a - b) });
    expect(await outcome(pool, t, failing)).toEqual(inline);
  });

  it('runs the LP-audited protection (primary cells with their checks, the rules) as on this thread', async () => {
    const primary = new Map<number, Set<CheckId>>([...failing].map((c) => [c, new Set<CheckId>(['min_count'])]));
    const opts = { params: { ...DEFAULT_PARAMETERS } };
    const inline = await inlineProtection.protect(t, primary, opts).catch((e: unknown) => String(e));
    expect(inline).toMatchObject({ primary: [...failing].sort((a, b) => a - b) });
    expect(await pool.protect(t, primary, opts).catch((e: unknown) => String(e))).toEqual(inline);
  });

  it('says "no protected version" the same way when every complement is fixed', async () => {
    const fixed = new Uint8Array(t.count.length).fill(1);
    for (const c of failing) fixed[c] = 0;
    const inline = await outcome(inlineProtection, t, failing, fixed);
    expect(inline).toEqual({ code: 'INTERNAL' });
    expect(await outcome(pool, t, failing, fixed)).toEqual(inline);
  });

  it('a protection cancelled by its deadline ends with REQUEST_TIMEOUT; the pool still works', async () => {
    const big = parseAs(tableKind, hardTable(120)) as CellTable;
    const deadline = new AbortController();
    const running = outcome({ ...pool, protect: (x, f, o) => pool.protect(x, f, o, deadline.signal) }, big, failingOf(big));
    deadline.abort();
    expect(await running).toEqual({ code: 'REQUEST_TIMEOUT' });
    expect(await outcome(pool, t, failing)).toEqual(await outcome(inlineProtection, t, failing));
  }, 60_000);
});
