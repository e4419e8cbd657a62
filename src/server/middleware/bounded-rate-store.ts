/**
 * A fixed-window counter store for express-rate-limit whose memory is bounded however many
 * distinct callers arrive: at most `maxKeys` counters. express-rate-limit's own MemoryStore
 * keeps a counter per key seen in the last two windows, so a flood of new keys (random bearer
 * tokens, or many addresses) grows it without limit.
 *
 * When the store is full and a key it does not hold arrives, windows that have ended are
 * dropped first; if it is still full, the newcomer is counted in one shared overflow counter
 * (`OVERFLOW_KEY`), so a flood of new keys is limited as one caller. Callers already counted
 * keep their own counters, so a flood from elsewhere neither resets nor shares their limit.
 *
 * @example
 * rateLimit({ windowMs: 60_000, limit: 600, store: new BoundedRateStore({ maxKeys: 10_000 }) });
 */
import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';

/** The counter every key beyond `maxKeys` shares. */
export const OVERFLOW_KEY = '\u0000overflow';

/** Default most counters kept: 10,000 × about 100 bytes. */
export const DEFAULT_MAX_RATE_KEYS = 10_000;

interface Counter {
  totalHits: number;
  resetTime: Date;
}

export class BoundedRateStore implements Store {
  readonly localKeys = true;
  private windowMs = 60_000;
  private readonly maxKeys: number;
  private readonly counters = new Map<string, Counter>();
  /** When ended windows were last dropped: a full store sweeps at most once a second, not per request. */
  private lastSweep = 0;

  constructor(opts: { maxKeys?: number } = {}) {
    this.maxKeys = Math.max(1, opts.maxKeys ?? DEFAULT_MAX_RATE_KEYS);
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  /** Counters held now (the overflow counter included): never more than `maxKeys` + 1. */
  get size(): number {
    return this.counters.size;
  }

  get(key: string): ClientRateLimitInfo | undefined {
    // A key not held is counted in the overflow counter while the store is full.
    const c = this.counters.get(key) ?? (this.counters.size >= this.maxKeys ? this.counters.get(OVERFLOW_KEY) : undefined);
    return c && c.resetTime.getTime() > Date.now() ? { totalHits: c.totalHits, resetTime: c.resetTime } : undefined;
  }

  increment(key: string): ClientRateLimitInfo {
    const now = Date.now();
    const c = this.counterFor(key, now);
    if (c.resetTime.getTime() <= now) {
      c.totalHits = 0;
      c.resetTime = new Date(now + this.windowMs);
    }
    c.totalHits += 1;
    return { totalHits: c.totalHits, resetTime: c.resetTime };
  }

  decrement(key: string): void {
    const c = this.counters.get(key) ?? (this.counters.size >= this.maxKeys ? this.counters.get(OVERFLOW_KEY) : undefined);
    if (c && c.totalHits > 0) c.totalHits -= 1;
  }

  resetKey(key: string): void {
    this.counters.delete(key);
  }

  resetAll(): void {
    this.counters.clear();
  }

  private counterFor(key: string, now: number): Counter {
    const held = this.counters.get(key);
    if (held) return held;
    if (this.counters.size >= this.maxKeys && now - this.lastSweep >= Math.min(1000, this.windowMs)) this.dropEnded(now);
    const k = this.counters.size >= this.maxKeys ? OVERFLOW_KEY : key;
    let c = this.counters.get(k);
    if (!c) {
      c = { totalHits: 0, resetTime: new Date(now + this.windowMs) };
      this.counters.set(k, c);
    }
    return c;
  }

  /** Forgets counters whose window has ended (they would restart at zero anyway). */
  private dropEnded(now: number): void {
    this.lastSweep = now;
    for (const [k, c] of this.counters) if (c.resetTime.getTime() <= now) this.counters.delete(k);
  }
}
