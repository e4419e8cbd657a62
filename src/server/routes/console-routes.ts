/**
 * The console at `/ui`: the built single-page app (`ui/dist`, built by `npm run build:ui`),
 * served by the service itself from its own origin, so nothing is fetched from the internet and
 * the console calls only the public API. Every console response carries a strict Content
 * Security Policy: scripts and styles only from this origin (no inline script or style, no
 * eval), API calls only to this origin, no framing. Hashed assets are cached for a year;
 * `index.html` is revalidated. Any other path under /ui is the app (client-side routes).
 *
 * @example registerConsoleRoutes(app, { dir: consoleDir() });
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import type { Express, RequestHandler } from 'express';
import { AirlockError } from '../../errors.js';

/** The console's Content-Security-Policy. */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Where the built console is: `ui/dist` at the package root, from src/ (tsx) or dist/ (built). */
export function consoleDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'ui', 'dist');
    if (existsSync(join(dir, 'package.json'))) return candidate;
    dir = dirname(dir);
  }
  return resolve('ui', 'dist');
}

export function registerConsoleRoutes(app: Express, opts: { dir: string }): void {
  const csp: RequestHandler = (_req, res, next) => {
    res.setHeader('content-security-policy', CONSOLE_CSP);
    res.setHeader('cross-origin-opener-policy', 'same-origin');
    next();
  };
  const index = join(opts.dir, 'index.html');
  const sendIndex: RequestHandler = (_req, res, next) => {
    let html: string;
    try {
      html = readFileSync(index, 'utf8');
    } catch {
      return next(new AirlockError('NOT_READY', 'the console is not built: run `npm run build:ui` (npm start does it when it is missing)'));
    }
    res.setHeader('cache-control', 'no-cache');
    res.type('html').send(html);
  };
  const assets = express.static(join(opts.dir, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: false });
  app.get('/', (_req, res) => res.redirect(302, '/ui/'));
  // Express matches `/ui/` here too (non-strict routing): only the bare `/ui` is redirected.
  app.get('/ui', csp, (req, res, next) => (req.originalUrl.split('?')[0] === '/ui' ? res.redirect(302, '/ui/') : sendIndex(req, res, next)));
  app.get('/ui/assets/*path', csp, (req, res, next) => {
    req.url = req.url.replace(/^\/ui\/assets/, '');
    assets(req, res, (e?: unknown) => next(e ? new AirlockError('ROUTE_NOT_FOUND', `no console asset ${req.path}`) : undefined));
  });
  app.get('/ui/*path', csp, sendIndex);
}
