/**
 * The admin API of webhook subscriptions: `POST /v1/webhooks` subscribes a URL to a project's
 * events (`decision.created`, `review.settled`, `review.returned`), `GET /v1/webhooks` lists
 * them, `DELETE /v1/webhooks/{id}` removes one. An admin token limited to some projects sees
 * and manages only theirs; `*` (every project) needs an unrestricted one. Subscriptions live in
 * the audit database, so every replica delivers to them.
 *
 * Deliveries that did not arrive are visible and can be retried: `GET /v1/webhooks/deliveries`
 * (auditors and admins: read-only) lists the failed and pending ones, `POST
 * /v1/webhooks/deliveries/{id}/retry` (admins, who run the service) makes one due now. Both
 * see only the projects of a restricted token.
 *
 * @example registerWebhookRoutes(app, { outbox: store.webhooks(), admin, reader, json });
 */
import type { Express, RequestHandler } from 'express';
import type { WebhookOutbox, WebhookEventType } from '../../audit/webhook-outbox.js';
import { WEBHOOK_EVENTS } from '../../audit/webhook-outbox.js';
import { authorize, mayAccessProject } from '../../auth/authorize.js';
import { callerOf } from '../../auth/require-role.js';
import { AirlockError } from '../../errors.js';
import { at } from '../../lib/invariant.js';
import { suggestion } from '../../lib/did-you-mean.js';
import { route } from '../route.js';

export interface WebhookRouteDeps {
  outbox(): WebhookOutbox;
  admin: RequestHandler;
  /** Middleware admitting whoever may list deliveries (`requireAnyRole(tokens, ['admin', 'auditor'])`). */
  reader: RequestHandler;
  json: RequestHandler;
}

/** The most deliveries one page lists. */
export const MAX_DELIVERY_PAGE = 1000;

/**
 * The delivery list's query checked: `state` (`failed` or `pending`, absent: both), `limit`
 * (1–1000, default 100), `cursor` (the last id of the page before).
 *
 * @example deliveryQuery({ state: 'failed' }) // { state: 'failed', limit: 100, after: undefined }
 */
export function deliveryQuery(q: Record<string, unknown>): { state?: 'failed' | 'pending'; limit: number; after?: string } {
  const bad = (name: string, message: string) => new AirlockError('INVALID_REQUEST', `${name}: ${message}`, [{ pointer: name, message }]);
  const one = (name: string): string | undefined => {
    const v = q[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v.length === 0) throw bad(name, 'must be given once, non-empty');
    return v;
  };
  const state = one('state');
  if (state !== undefined && state !== 'failed' && state !== 'pending') throw bad('state', `must be "failed" or "pending"${suggestion(state, ['failed', 'pending'])}`);
  const limit = Number(one('limit') ?? '100');
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_DELIVERY_PAGE) throw bad('limit', `must be an integer from 1 to ${MAX_DELIVERY_PAGE}`);
  const after = one('cursor');
  return { ...(state ? { state } : {}), limit, ...(after === undefined ? {} : { after }) };
}

/**
 * A subscription request checked: project, an http(s) URL without credentials, known events.
 *
 * @example subscriptionInput({ project: 'p', url: 'https://tre.example/hooks' }).events // all three
 */
export function subscriptionInput(body: unknown): { project: string; url: string; events: WebhookEventType[] } {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const bad = (pointer: string, message: string) => new AirlockError('INVALID_REQUEST', `${pointer.slice(1)}: ${message}`, [{ pointer, message }]);
  if (typeof b.project !== 'string' || b.project.length === 0 || b.project.length > 200) throw bad('/project', 'a project name (or *) is required');
  let url: URL;
  try {
    url = new URL(String(b.url));
  } catch {
    throw bad('/url', 'an absolute http(s) URL is required');
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.username || url.password) throw bad('/url', 'an http(s) URL without credentials is required');
  const events = b.events === undefined ? [...WEBHOOK_EVENTS] : b.events;
  if (!Array.isArray(events) || events.length === 0 || !events.every((e) => (WEBHOOK_EVENTS as readonly unknown[]).includes(e))) throw bad('/events', `a non-empty list of ${WEBHOOK_EVENTS.join(', ')}`);
  return { project: b.project, url: url.href, events: [...new Set(events as WebhookEventType[])] };
}

export function registerWebhookRoutes(app: Express, deps: WebhookRouteDeps): void {
  app.post(
    '/v1/webhooks',
    deps.admin,
    deps.json,
    route(async (req, res) => {
      const input = subscriptionInput(req.body);
      const caller = callerOf(res);
      if (input.project === '*' && caller.projects !== null) throw new AirlockError('FORBIDDEN', 'subscribing to every project needs an admin token for all projects');
      if (input.project !== '*') authorize(caller, 'admin', input.project);
      res.status(201).json(await deps.outbox().addSubscription({ ...input, source: 'api' }));
    }),
  );
  app.get(
    '/v1/webhooks',
    deps.admin,
    route(async (_req, res) => {
      const projects = callerOf(res).projects;
      res.json({ items: await deps.outbox().subscriptions(projects ?? undefined) });
    }),
  );
  app.get(
    '/v1/webhooks/deliveries',
    deps.reader,
    route(async (req, res) => {
      const q = deliveryQuery(req.query as Record<string, unknown>);
      const projects = callerOf(res).projects ?? undefined;
      // One more than asked tells whether a next page exists without a count.
      const rows = await deps.outbox().undelivered({ ...q, limit: q.limit + 1, ...(projects ? { projects } : {}) });
      const items = rows.slice(0, q.limit);
      res.json({ items, next_cursor: rows.length > q.limit ? at(items, items.length - 1).id : null });
    }),
  );
  app.post(
    '/v1/webhooks/deliveries/:id/retry',
    deps.admin,
    route(async (req, res) => {
      const id = String(req.params.id);
      const found = await deps.outbox().delivery(id);
      // A delivery of a project the caller may not see is answered exactly like a missing one.
      if (!found || !mayAccessProject(callerOf(res), found.project)) throw new AirlockError('NOT_FOUND', `no webhook delivery ${id}`);
      const done = await deps.outbox().requeue(id, Date.now());
      if (done === 'not_found') throw new AirlockError('NOT_FOUND', `no webhook delivery ${id}`);
      if (done === 'delivered') throw new AirlockError('CONFLICT', `webhook delivery ${id} was delivered already`);
      if (done === 'in_flight') throw new AirlockError('CONFLICT', `webhook delivery ${id} is being sent right now; retry after its lease runs out if it fails`);
      res.status(202).json(await deps.outbox().delivery(id));
    }),
  );
  app.delete(
    '/v1/webhooks/:id',
    deps.admin,
    route(async (req, res) => {
      const id = String(req.params.id);
      const projects = callerOf(res).projects;
      const mine = (await deps.outbox().subscriptions(projects ?? undefined)).some((s) => s.id === id);
      if (!mine || !(await deps.outbox().removeSubscription(id))) throw new AirlockError('NOT_FOUND', `no webhook subscription ${id}`);
      res.status(204).end();
    }),
  );
}
