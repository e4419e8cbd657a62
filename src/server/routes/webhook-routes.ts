/**
 * The admin API of webhook subscriptions: `POST /v1/webhooks` subscribes a URL to a project's
 * events (`decision.created`, `review.settled`, `review.returned`), `GET /v1/webhooks` lists
 * them, `DELETE /v1/webhooks/{id}` removes one. An admin token limited to some projects sees
 * and manages only theirs; `*` (every project) needs an unrestricted one. Subscriptions live in
 * the audit database, so every replica delivers to them.
 *
 * @example registerWebhookRoutes(app, { outbox: store.webhooks(), admin, json });
 */
import type { Express, RequestHandler } from 'express';
import type { WebhookOutbox, WebhookEventType } from '../../audit/webhook-outbox.js';
import { WEBHOOK_EVENTS } from '../../audit/webhook-outbox.js';
import { authorize } from '../../auth/authorize.js';
import { callerOf } from '../../auth/require-role.js';
import { AirlockError } from '../../errors.js';
import { route } from '../route.js';

export interface WebhookRouteDeps {
  outbox(): WebhookOutbox;
  admin: RequestHandler;
  json: RequestHandler;
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
