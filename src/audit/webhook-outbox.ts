/**
 * The webhook outbox: events written in the SAME transaction as the audit record they announce
 * (`webhookEventsOf`, called by both appenders), so an event is never lost once its record is
 * committed and never exists for a record that was not. Delivery state lives beside it in the
 * audit database (outside the chain: these rows change), and any number of replicas deliver
 * from it safely:
 *
 * - **fan-out**: pending events become one delivery per matching subscription (project and
 *   event type, subscribed before the event); `ON CONFLICT DO NOTHING` makes a repeat harmless;
 * - **claim**: a delivery due and not leased is leased to one dispatcher for `leaseMs` in one
 *   statement (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite: one writer at a time), so two
 *   replicas never send it at once; a dispatcher that dies leaves a lease that runs out and the
 *   delivery is claimed again (at-least-once);
 * - **complete / retry**: delivered, or due again after an exponential backoff, until
 *   `maxAttempts`, then failed.
 *
 * SQL is written once with `$n` placeholders; `OutboxDb` runs it on either backend.
 *
 * @example
 * const outbox = store.webhooks();
 * await outbox.fanOut(Date.now());
 * for (const d of await outbox.claim({ owner: 'replica-1', now: Date.now(), leaseMs: 30_000, limit: 10 })) …
 */
import { createHash } from 'node:crypto';
import type { RecordInput } from './audit-store.js';
import { invariant } from '../lib/invariant.js';

/** The events a subscription may ask for. */
export const WEBHOOK_EVENTS = ['decision.created', 'review.settled', 'review.returned'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** An event as the outbox keeps it; `payload` is what the delivery's JWS signs. */
export interface WebhookEvent {
  event_id: string;
  type: WebhookEventType;
  project: string;
  payload: Record<string, unknown>;
}

export interface WebhookSubscription {
  id: string;
  /** The project whose events it receives (`*`: every project). */
  project: string;
  url: string;
  events: WebhookEventType[];
  created_at: number;
  /** `api` (made through the admin API) or `config` (from AIRLOCK_WEBHOOKS_FILE). */
  source: string;
}

/** A delivery leased to a dispatcher. */
export interface ClaimedDelivery {
  id: string;
  event_id: string;
  type: WebhookEventType;
  url: string;
  /** Attempts so far, this one included. */
  attempts: number;
  payload: Record<string, unknown>;
}

export interface DeliveryStatus {
  id: string;
  event_id: string;
  subscription_id: string;
  attempts: number;
  delivered_at: number | null;
  failed_at: number | null;
  last_error: string | null;
}

/** Where a delivery stands: `pending` (due, waiting for its next attempt, or being sent), `failed` (no attempt left), `delivered`. */
export type DeliveryState = 'pending' | 'failed' | 'delivered';

/** A delivery as operators see it: its event, where it goes, and how its attempts went. */
export interface DeliveryView extends DeliveryStatus {
  type: WebhookEventType;
  project: string;
  url: string;
  state: DeliveryState;
  /** When the next attempt is due (milliseconds since the epoch); meaningless once delivered or failed. */
  next_attempt_at: number;
}

/** What `requeue` did: made due now, or why not. */
export type RequeueResult = 'requeued' | 'delivered' | 'in_flight' | 'not_found';

export interface WebhookOutbox {
  addSubscription(s: Omit<WebhookSubscription, 'id' | 'created_at'> & { id?: string; created_at?: number }): Promise<WebhookSubscription>;
  subscriptions(projects?: readonly string[]): Promise<WebhookSubscription[]>;
  removeSubscription(id: string): Promise<boolean>;
  /** Turns the oldest pending events (about `limit`) into deliveries; resolves with how many events it handled. */
  fanOut(now: number, limit?: number): Promise<number>;
  claim(q: { owner: string; now: number; leaseMs: number; limit: number }): Promise<ClaimedDelivery[]>;
  complete(id: string, owner: string, now: number): Promise<void>;
  retry(id: string, owner: string, q: { nextAttemptAt: number | null; now: number; error: string }): Promise<void>;
  deliveries(eventId?: string): Promise<DeliveryStatus[]>;
  /**
   * Deliveries not yet delivered, in id order after `after` (a cursor), `failed` or `pending`
   * only when asked, of `projects` only when given (a restricted token).
   */
  undelivered(q: { state?: 'failed' | 'pending'; projects?: readonly string[]; after?: string; limit: number }): Promise<DeliveryView[]>;
  /** One delivery, whatever its state, or null. */
  delivery(id: string): Promise<DeliveryView | null>;
  /**
   * Makes a failed or pending delivery due now, with its attempts counted afresh (its backoff
   * starts again); never one already delivered, nor one a dispatcher is sending right now
   * (its lease has not run out), so a retry never sends an event twice at once.
   */
  requeue(id: string, now: number): Promise<RequeueResult>;
}

/** What the outbox needs of a database: statements with `$n` placeholders, and a transaction. */
export interface OutboxDb {
  backend: 'sqlite' | 'postgres';
  /** Table name qualified with the schema, when there is one. */
  table(name: string): string;
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  all<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs `fn` in one transaction (SQLite: BEGIN IMMEDIATE). */
  tx<T>(fn: (db: Omit<OutboxDb, 'tx'>) => Promise<T>): Promise<T>;
}

/**
 * The outbox tables, for a migration; `bigint` is the 64-bit integer type name of the backend.
 *
 * @example webhookTablesSql((t) => t, 'INTEGER')
 */
export function webhookTablesSql(table: (name: string) => string, bigint: string): string {
  return `
    CREATE TABLE ${table('webhook_subscriptions')} (
      id TEXT PRIMARY KEY, project TEXT NOT NULL, url TEXT NOT NULL, events TEXT NOT NULL, created_at ${bigint} NOT NULL, source TEXT NOT NULL
    );
    CREATE TABLE ${table('webhook_events')} (
      event_id TEXT PRIMARY KEY, type TEXT NOT NULL, project TEXT NOT NULL, seq ${bigint} NOT NULL, payload TEXT NOT NULL,
      created_at ${bigint} NOT NULL, fanned_out INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX webhook_events_pending ON ${table('webhook_events')} (fanned_out, seq);
    CREATE TABLE ${table('webhook_deliveries')} (
      id TEXT PRIMARY KEY, event_id TEXT NOT NULL, subscription_id TEXT NOT NULL, url TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at ${bigint} NOT NULL, lease_owner TEXT, lease_until ${bigint},
      delivered_at ${bigint}, failed_at ${bigint}, last_error TEXT
    );
    CREATE INDEX webhook_deliveries_due ON ${table('webhook_deliveries')} (delivered_at, failed_at, next_attempt_at);
  `;
}

/**
 * The events an appended record announces: a decision record → `decision.created`; a final
 * record → `review.returned` or `review.settled`. Nothing for review votes or comments.
 *
 * @example webhookEventsOf(input, 12, '2026-…')[0].type // 'decision.created'
 */
export function webhookEventsOf(input: Pick<RecordInput, 'decision' | 'kind'>, seq: number, recordedAt: string): WebhookEvent[] {
  const d = input.decision;
  const kind = input.kind ?? 'decision';
  // Ids and outcome only: a receiver reads the rest through the API with its own token.
  const base = { project: d.project, audit: { seq }, recorded_at: recordedAt };
  if (kind === 'decision') {
    return [{ event_id: `decision.created:${d.id}`, type: 'decision.created', project: d.project, payload: { type: 'decision.created', event_id: `decision.created:${d.id}`, decision_id: d.id, outcome: d.outcome, ...base } }];
  }
  if (kind === 'final' && d.review) {
    const type: WebhookEventType = d.review.state === 'returned' ? 'review.returned' : 'review.settled';
    const id = `${type}:${d.review.of}`;
    return [{ event_id: id, type, project: d.project, payload: { type, event_id: id, decision_id: d.review.of, final_record_id: d.id, state: d.review.state, outcome: d.outcome, ...base } }];
  }
  return [];
}

/** The INSERT of one event row (same columns on both backends). */
export function insertEventSql(table: string): string {
  return `INSERT INTO ${table} (event_id, type, project, seq, payload, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (event_id) DO NOTHING`;
}

/** The parameters of `insertEventSql` for an event. */
export function eventParams(e: WebhookEvent, seq: number, recordedAt: string): unknown[] {
  return [e.event_id, e.type, e.project, seq, JSON.stringify(e.payload), Date.parse(recordedAt)];
}

interface SubscriptionRow {
  id: string;
  project: string;
  url: string;
  events: string;
  created_at: number | string;
  source: string;
}

interface DeliveryRow {
  id: string;
  event_id: string;
  type: string;
  project: string;
  subscription_id: string;
  url: string;
  attempts: number | string;
  next_attempt_at: number | string;
  delivered_at: number | string | null;
  failed_at: number | string | null;
  last_error: string | null;
}

const deliveryOf = (r: DeliveryRow): DeliveryView => ({
  id: r.id,
  event_id: r.event_id,
  type: r.type as WebhookEventType,
  project: r.project,
  subscription_id: r.subscription_id,
  url: r.url,
  state: r.delivered_at !== null ? 'delivered' : r.failed_at !== null ? 'failed' : 'pending',
  attempts: Number(r.attempts),
  next_attempt_at: Number(r.next_attempt_at),
  delivered_at: num(r.delivered_at),
  failed_at: num(r.failed_at),
  last_error: r.last_error,
});

const subscriptionOf = (r: SubscriptionRow): WebhookSubscription => ({ id: r.id, project: r.project, url: r.url, events: JSON.parse(r.events) as WebhookEventType[], created_at: Number(r.created_at), source: r.source });
const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

/**
 * The outbox over a database.
 *
 * @example const outbox = webhookOutbox(db);
 */
export function webhookOutbox(db: OutboxDb): WebhookOutbox {
  const subs = db.table('webhook_subscriptions');
  const events = db.table('webhook_events');
  const deliveries = db.table('webhook_deliveries');
  const skipLocked = db.backend === 'postgres' ? 'FOR UPDATE SKIP LOCKED' : '';
  const selectDeliveries = `SELECT d.id, d.event_id, e.type, e.project, d.subscription_id, d.url, d.attempts, d.next_attempt_at, d.delivered_at, d.failed_at, d.last_error
    FROM ${deliveries} d JOIN ${events} e ON e.event_id = d.event_id`;
  return {
    async addSubscription(s) {
      const created = s.created_at ?? Date.now();
      // A subscription's id is its content's digest unless given: the same config entry on every replica is one row.
      const id = s.id ?? createHash('sha256').update(JSON.stringify([s.project, s.url, [...s.events].sort(), s.source])).digest('hex').slice(0, 32);
      await db.run(`INSERT INTO ${subs} (id, project, url, events, created_at, source) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`, [id, s.project, s.url, JSON.stringify(s.events), created, s.source]);
      const [row] = await db.all<SubscriptionRow>(`SELECT * FROM ${subs} WHERE id = $1`, [id]);
      invariant(row !== undefined, 'the subscription row was just written');
      return subscriptionOf(row);
    },
    async subscriptions(projects) {
      const rows = await db.all<SubscriptionRow>(`SELECT * FROM ${subs} ORDER BY created_at, id`);
      return rows.map(subscriptionOf).filter((s) => !projects || projects.includes(s.project));
    },
    async removeSubscription(id) {
      return (await db.run(`DELETE FROM ${subs} WHERE id = $1`, [id])) > 0;
    },
    fanOut(now, limit = 1000) {
      // Set-based, a bounded slice of the oldest pending events at a time: a backlog (or a large
      // imported chain) never holds the database, or the event loop, for long.
      return db.tx(async (t) => {
        const [slice] = await t.all<{ bound: number | string | null }>(
          `SELECT max(seq) AS bound FROM (SELECT seq FROM ${events} WHERE fanned_out = 0 ORDER BY seq LIMIT $1) pending`,
          [limit],
        );
        if (slice?.bound === null || slice?.bound === undefined) return 0;
        const bound = Number(slice.bound);
        await t.run(
          `INSERT INTO ${deliveries} (id, event_id, subscription_id, url, attempts, next_attempt_at)
           SELECT e.event_id || '|' || s.id, e.event_id, s.id, s.url, 0, CAST($2 AS BIGINT) FROM ${events} e JOIN ${subs} s
             ON (s.project = e.project OR s.project = '*') AND s.created_at <= e.created_at AND s.events LIKE '%"' || e.type || '"%'
           WHERE e.fanned_out = 0 AND e.seq <= $1
           ON CONFLICT (id) DO NOTHING`,
          [bound, now],
        );
        return t.run(`UPDATE ${events} SET fanned_out = 1 WHERE fanned_out = 0 AND seq <= $1`, [bound]);
      });
    },
    async claim(q) {
      // One statement: due, not delivered or failed, not leased (or its lease ran out), subscription still there.
      const rows = await db.all<{ id: string; event_id: string; url: string; attempts: number | string }>(
        `UPDATE ${deliveries} SET lease_owner = $1, lease_until = $2, attempts = attempts + 1
         WHERE id IN (
           SELECT id FROM ${deliveries}
           WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $3 AND (lease_until IS NULL OR lease_until < $3)
             AND subscription_id IN (SELECT id FROM ${subs})
           ORDER BY next_attempt_at LIMIT $4 ${skipLocked})
         RETURNING id, event_id, url, attempts`,
        [q.owner, q.now + q.leaseMs, q.now, q.limit],
      );
      const out: ClaimedDelivery[] = [];
      for (const r of rows) {
        const [e] = await db.all<{ type: string; payload: string }>(`SELECT type, payload FROM ${events} WHERE event_id = $1`, [r.event_id]);
        if (e) out.push({ id: r.id, event_id: r.event_id, url: r.url, attempts: Number(r.attempts), type: e.type as WebhookEventType, payload: JSON.parse(e.payload) as Record<string, unknown> });
      }
      return out;
    },
    async complete(id, owner, now) {
      await db.run(`UPDATE ${deliveries} SET delivered_at = $1, lease_until = NULL, last_error = NULL WHERE id = $2 AND lease_owner = $3`, [now, id, owner]);
    },
    async retry(id, owner, q) {
      await db.run(
        `UPDATE ${deliveries} SET lease_until = NULL, last_error = $1, next_attempt_at = COALESCE(CAST($2 AS BIGINT), next_attempt_at), failed_at = CASE WHEN CAST($2 AS BIGINT) IS NULL THEN CAST($3 AS BIGINT) ELSE NULL END WHERE id = $4 AND lease_owner = $5`,
        [q.error.slice(0, 500), q.nextAttemptAt, q.now, id, owner],
      );
    },
    async deliveries(eventId) {
      const rows = await db.all<DeliveryStatus & { delivered_at: number | string | null; failed_at: number | string | null }>(
        `SELECT id, event_id, subscription_id, attempts, delivered_at, failed_at, last_error FROM ${deliveries} ${eventId ? 'WHERE event_id = $1' : ''} ORDER BY id`,
        eventId ? [eventId] : [],
      );
      return rows.map((r) => ({ ...r, attempts: Number(r.attempts), delivered_at: num(r.delivered_at), failed_at: num(r.failed_at) }));
    },
    async undelivered(q) {
      const params: unknown[] = [q.after ?? '', q.limit];
      const state = q.state === 'failed' ? 'AND d.failed_at IS NOT NULL' : q.state === 'pending' ? 'AND d.failed_at IS NULL' : '';
      let projects = '';
      if (q.projects) {
        if (q.projects.length === 0) return [];
        projects = `AND e.project IN (${q.projects.map((p) => `$${params.push(p)}`).join(', ')})`;
      }
      const rows = await db.all<DeliveryRow>(`${selectDeliveries} WHERE d.delivered_at IS NULL ${state} ${projects} AND d.id > $1 ORDER BY d.id LIMIT $2`, params);
      return rows.map(deliveryOf);
    },
    async delivery(id) {
      const [row] = await db.all<DeliveryRow>(`${selectDeliveries} WHERE d.id = $1`, [id]);
      return row ? deliveryOf(row) : null;
    },
    async requeue(id, now) {
      const changed = await db.run(
        `UPDATE ${deliveries} SET failed_at = NULL, next_attempt_at = $1, attempts = 0, lease_owner = NULL, lease_until = NULL
         WHERE id = $2 AND delivered_at IS NULL AND (lease_until IS NULL OR lease_until < $1)`,
        [now, id],
      );
      if (changed > 0) return 'requeued';
      const [row] = await db.all<{ delivered_at: number | string | null }>(`SELECT delivered_at FROM ${deliveries} WHERE id = $1`, [id]);
      return !row ? 'not_found' : row.delivered_at !== null ? 'delivered' : 'in_flight';
    },
  };
}
