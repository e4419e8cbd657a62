/**
 * Request timeouts. Each request gets a `Deadline` (`res.locals.deadline`) of
 * `AIRLOCK_REQUEST_TIMEOUT_MS` from its arrival; when it passes before the response has begun,
 * the caller gets `503 REQUEST_TIMEOUT` and the pipeline, which checks the deadline between
 * stages, stops at its next check. Once a decision starts being signed and recorded the
 * pipeline pins the deadline: a recorded decision is always answered, never reported as
 * "no decision was made".
 *
 * Slow uploads are covered by the same budget (the timer runs while the body arrives); the
 * Node server's own `requestTimeout` is set to match in `applyServerTimeouts`.
 *
 * @example
 * app.use(requestTimeout(config.requestTimeoutMs));
 * await makeDecision(req.body, deps, { deadline: res.locals.deadline });
 */
import type { Server } from 'node:http';
import type { RequestHandler } from 'express';
import { AirlockError } from '../../errors.js';
import { sendProblem } from '../error-handler.js';

/** A request's time budget, shared by the timer and the pipeline. */
export class Deadline {
  private expired = false;
  private pinned = false;
  private readonly aborter = new AbortController();

  /** Aborts when the budget runs out: work in a worker thread (protection) is stopped then. */
  get signal(): AbortSignal {
    return this.aborter.signal;
  }

  /** Throws `REQUEST_TIMEOUT` once the budget has run out. */
  check(): void {
    if (this.expired) throw new AirlockError('REQUEST_TIMEOUT');
  }

  /** From now on the budget cannot run out (the decision is being recorded); throws if it already has. */
  pin(): void {
    this.check();
    this.pinned = true;
  }

  /** Marks the budget spent; false (and no effect) when it was pinned first. */
  expire(): boolean {
    if (this.pinned) return false;
    this.expired = true;
    this.aborter.abort();
    return true;
  }
}

export function requestTimeout(ms: number): RequestHandler {
  return (req, res, next) => {
    const deadline = new Deadline();
    res.locals.deadline = deadline;
    const timer = setTimeout(() => {
      if (res.headersSent || !deadline.expire()) return;
      sendProblem(res.setHeader('Connection', 'close'), new AirlockError('REQUEST_TIMEOUT', `the request took longer than ${ms} ms`), req.originalUrl);
    }, ms);
    timer.unref();
    res.once('close', () => clearTimeout(timer));
    next();
  };
}

/**
 * Node's own limits on the socket: a whole request must arrive within the budget, headers
 * within a minute; idle keep-alive connections close after 65 s (longer than common load
 * balancers' 60 s idle timeout, so the balancer, not us, closes first).
 */
export function applyServerTimeouts(server: Server, requestTimeoutMs: number): void {
  server.requestTimeout = requestTimeoutMs;
  server.headersTimeout = Math.min(60_000, requestTimeoutMs);
  server.keepAliveTimeout = 65_000;
}
