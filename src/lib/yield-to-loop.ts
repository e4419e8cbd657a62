/**
 * Lets the event loop run what is waiting (`/healthz`, small decisions, I/O callbacks) between
 * the stages of a large request, each of which holds the thread for up to a few hundred
 * milliseconds. A macrotask (`setImmediate`), not a resolved promise: a microtask would run
 * before any I/O callback and yield nothing.
 *
 * @example
 * const signature = signDecision(decision, key);
 * await yieldToLoop(); // /healthz answered here, not after the append
 */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
