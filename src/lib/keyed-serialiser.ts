/**
 * Runs async work one at a time per key, in arrival order, within this process; work on
 * different keys runs concurrently. A failed run does not stop the next one.
 *
 * @example
 * const serialised = keyedSerialiser();
 * await serialised('p1\u0000cohort', async () => { await check(); await record(); });
 */
export function keyedSerialiser(): <T>(key: string, fn: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>();
  return <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const prev = tails.get(key) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    // The last one out removes the key, so idle keys hold no memory.
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}
