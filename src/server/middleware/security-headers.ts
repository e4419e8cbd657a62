/**
 * Security headers (helmet) for a JSON API: nothing here is a page, so the content security
 * policy allows nothing to load and nothing to frame the responses; HSTS tells browsers to
 * stay on HTTPS (the TLS-terminating load balancer is in front of us).
 *
 * @example app.use(securityHeaders());
 */
import type { RequestHandler } from 'express';
import helmet from 'helmet';

export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
}
