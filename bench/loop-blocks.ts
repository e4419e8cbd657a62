/**
 * Event-loop blocks as they happen: a 5 ms timer whose late firings are recorded with the time
 * they ended (ms since `performance.timeOrigin`, comparable across processes on one machine
 * through `timeOrigin + at`). A latency outlier in a benchmark can then be laid beside the
 * blocks of the server and of the load generator: a slow answer whose client was itself
 * blocked says nothing about the server.
 *
 * @example const w = watchLoopBlocks(50); …; const blocks = w.stop(); // [{ at, ms }]
 */
export interface LoopBlock {
  /** When the block ended: epoch milliseconds (`performance.timeOrigin + performance.now()`). */
  at: number;
  /** How late the timer fired, in ms. */
  ms: number;
}

export function watchLoopBlocks(thresholdMs: number): { read(): LoopBlock[]; stop(): LoopBlock[] } {
  const periodMs = 5;
  const blocks: LoopBlock[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    const late = now - last - periodMs;
    if (late >= thresholdMs) blocks.push({ at: performance.timeOrigin + now, ms: Math.round(late) });
    last = now;
  }, periodMs);
  timer.unref();
  return {
    read: () => blocks.slice(),
    stop() {
      clearInterval(timer);
      return blocks.slice();
    },
  };
}
