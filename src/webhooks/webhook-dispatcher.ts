/**
 * Delivers the webhook outbox (`src/audit/webhook-outbox.ts`): every `pollMs` it fans pending
 * events out to subscriptions, claims due deliveries (a lease, so replicas never send one at
 * once), and POSTs each as a compact JWS signed with airlock's key (`typ: airlock-webhook+jws`,
 * verifiable with the JWKS; `Content-Type: application/jose`). A 2xx answer completes it; any
 * other answer, a timeout or a refused connection schedules it again after an exponential
 * backoff (`retryBaseMs` × 2^(attempt−1), at most `retryMaxMs`) until `maxAttempts`, then it is
 * marked failed. A crash loses nothing: the outbox is in the database and a lease runs out.
 *
 * @example
 * const d = webhookDispatcher({ outbox: store.webhooks(), key: ring.signing, logger });
 * d.start(); … await d.stop();
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ClaimedDelivery, WebhookOutbox } from '../audit/webhook-outbox.js';
import { signJson } from '../signing/sign-decision.js';
import type { SigningKey } from '../signing/signing-keys.js';

/** The JWS `typ` of a webhook delivery. */
export const WEBHOOK_JWS_TYP = 'airlock-webhook+jws';

export interface DispatcherOptions {
  outbox: WebhookOutbox;
  key: Pick<SigningKey, 'kid' | 'privateKey'>;
  logger: Logger;
  pollMs?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  maxAttempts?: number;
  /** How long one delivery may take (and its lease lasts, doubled). */
  timeoutMs?: number;
  /** Deliveries claimed per round. */
  batch?: number;
}

export interface WebhookDispatcher {
  start(): void;
  /** Runs one round now (fan out, claim, deliver); resolves when its deliveries are done. */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The wait before attempt `attempts + 1`, or null when no attempt is left.
 *
 * @example backoff(3, { base: 1000, max: 60_000, attempts: 10 }) // 4000
 */
export function backoff(attempts: number, o: { base: number; max: number; attempts: number }): number | null {
  if (attempts >= o.attempts) return null;
  return Math.min(o.max, o.base * 2 ** Math.max(0, attempts - 1));
}

export function webhookDispatcher(o: DispatcherOptions): WebhookDispatcher {
  const owner = randomUUID();
  const pollMs = o.pollMs ?? 1000;
  const timeoutMs = o.timeoutMs ?? 10_000;
  const retry = { base: o.retryBaseMs ?? 1000, max: o.retryMaxMs ?? 3_600_000, attempts: o.maxAttempts ?? 12 };
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = false;

  const deliver = async (d: ClaimedDelivery): Promise<void> => {
    const body = signJson(d.payload, o.key, WEBHOOK_JWS_TYP);
    let error: string;
    try {
      const res = await fetch(d.url, {
        method: 'POST',
        headers: { 'content-type': 'application/jose', 'airlock-event': d.type, 'airlock-delivery': d.id, 'user-agent': 'airlock-webhooks' },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) {
        await o.outbox.complete(d.id, owner, Date.now());
        o.logger.info({ event: d.event_id, type: d.type, attempts: d.attempts }, 'webhook delivered');
        return;
      }
      error = `HTTP ${res.status}`;
    } catch (e) {
      error = (e as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `not delivered: ${(e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message}`;
    }
    const wait = backoff(d.attempts, retry);
    const now = Date.now();
    await o.outbox.retry(d.id, owner, { nextAttemptAt: wait === null ? null : now + wait, now, error });
    o.logger.warn({ event: d.event_id, type: d.type, attempts: d.attempts, error, retry_in_ms: wait }, wait === null ? 'webhook delivery failed for good' : 'webhook delivery failed; will retry');
  };

  const round = async (): Promise<void> => {
    const now = Date.now();
    // One slice per round: a backlog is worked through round by round, between requests.
    await o.outbox.fanOut(now);
    const claimed = await o.outbox.claim({ owner, now, leaseMs: 2 * timeoutMs, limit: o.batch ?? 20 });
    await Promise.all(claimed.map(deliver));
  };

  const tick = (): Promise<void> => {
    // One round at a time per dispatcher; a tick during a round waits for it.
    running ??= round()
      .catch((e: unknown) => o.logger.error({ err: (e as Error).message }, 'webhook outbox round failed; retrying next round'))
      .finally(() => (running = null));
    return running;
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => void tick().then(schedule), pollMs);
    timer.unref();
  };

  return {
    start: () => {
      stopped = false;
      schedule();
    },
    tick,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
