/**
 * Long arrays packed in chunks for another thread (src/lib/pack-long-arrays.ts): what arrives
 * is what was sent — values, the sharing of arrays and objects, things that are not long
 * arrays — through a real MessageChannel with the chunks moved; the sender's value is left as
 * it was; something that is not data fails as postMessage fails.
 */
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { PackedGraph } from '../../src/lib/pack-long-arrays.js';
import { packLongArrays, transferList, unpackLongArrays, unpackLongArraysNow } from '../../src/lib/pack-long-arrays.js';

/** `packed` through a real channel, its chunks moved; returns what the other side receives. */
function sent<T>(packed: PackedGraph<T>): PackedGraph<T> {
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(packed, transferList(packed));
  const got = receiveMessageOnPort(port2);
  port1.close();
  if (!got) throw new Error('nothing arrived');
  return got.message as PackedGraph<T>;
}

const cells = (n: number) => Array.from({ length: n }, (_, i) => ({ labels: { r: `r${i % 97}`, c: `c${i}` }, count: i, big: i % 2 ? null : [i, 'x'] }));

describe('packLongArrays / unpackLongArrays', () => {
  it('round-trips a decision-shaped graph: long arrays chunked, short ones and typed arrays as they are', async () => {
    const shared = cells(2500);
    const value = { decision: { table: { cells: shared }, protected: { rows: cells(1200), note: 'x' } }, releasable: { cells: shared }, count: new Float64Array([1, 2]), few: [1, 2, 3], nested: [[cells(1001)]] };
    const before = JSON.stringify(value);
    const packed = await packLongArrays(value);
    expect(JSON.stringify(value)).toBe(before);
    expect(packed.arrays.map((a) => a.length)).toEqual([2500, 1200, 1001]);
    expect(transferList(packed).length).toBe(5 + 3 + 3);
    const back = await unpackLongArrays(sent(packed));
    expect(back).toEqual(value);
    // One array in two places is one array again.
    expect(back.releasable.cells).toBe(back.decision.table.cells);
    expect(unpackLongArraysNow(sent(await packLongArrays(value)))).toEqual(value);
  });

  it('lets every chunk be fixed up as it arrives, and takes a long array at the root too', async () => {
    const seen: number[] = [];
    const back = await unpackLongArrays(sent(await packLongArrays(cells(1700))), (items) => seen.push(items.length));
    expect(back).toEqual(cells(1700));
    expect(seen).toEqual([500, 500, 500, 200]);
  });

  it('keeps a submitted key __proto__ as a key, outside the long arrays too (labels are hostile)', async () => {
    const value = JSON.parse('{"spec":{"__proto__":{"polluted":1},"a":2},"cells":[' + Array.from({ length: 1000 }, () => '{"labels":{"__proto__":"x"}}').join(',') + ']}') as { spec: object; cells: object[] };
    const back = unpackLongArraysNow(sent(await packLongArrays(value)));
    expect(Object.keys(back.spec)).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(back.spec)).toBe(Object.prototype);
    expect(Object.keys(back.cells[999] as object)).toEqual(['labels']);
    expect(Object.keys((back.cells[999] as { labels: object }).labels)).toEqual(['__proto__']);
  });

  it('fails as postMessage does for something that is not data', async () => {
    const bad = { cells: [...cells(1000), { f: () => 1 }] };
    await expect(packLongArrays(bad)).rejects.toMatchObject({ name: 'DataCloneError' });
  });
});
