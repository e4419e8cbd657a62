/**
 * The contract, served by the service that keeps it: `GET /openapi.yaml` (the very file the
 * request validator compiles) and `GET /docs`, a read-only reference page rendered in the
 * browser by Redoc from that file. Redoc's standalone bundle is served from this origin
 * (`ui/dist/docs/`, copied by `npm run build:ui`, else the `redoc` package), so the page works
 * offline inside a TRE. Public, like `/healthz`: the contract is no secret.
 *
 * @example registerContractRoutes(app); // GET /openapi.yaml, GET /docs
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Express, RequestHandler } from 'express';
import { openApiPath } from '../../api/openapi.js';
import { packageRoot } from '../../build-info.js';
import { AirlockError } from '../../errors.js';

/**
 * The reference page's Content-Security-Policy: scripts only from this origin, Redoc's
 * styled-components need inline styles, its search runs in a blob: worker; nothing else loads
 * and nothing may frame it.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>airlock API reference</title>
</head>
<body>
<redoc spec-url="/openapi.yaml" hide-download-button="false" required-props-first="true"></redoc>
<noscript>The reference page needs JavaScript; the contract itself is at <a href="/openapi.yaml">/openapi.yaml</a>.</noscript>
<script src="/docs/redoc.standalone.js"></script>
</body>
</html>
`;

/** Where Redoc's standalone bundle is: the built copy, else the installed package (development). */
export function redocBundlePath(): string | null {
  const built = join(packageRoot(), 'ui', 'dist', 'docs', 'redoc.standalone.js');
  if (existsSync(built)) return built;
  try {
    return createRequire(import.meta.url).resolve('redoc/bundles/redoc.standalone.js');
  } catch {
    return null;
  }
}

export function registerContractRoutes(app: Express): void {
  const spec = readFileSync(openApiPath(), 'utf8');
  app.get('/openapi.yaml', (_req, res) => {
    res.setHeader('cache-control', 'no-cache');
    res.type('application/yaml').send(spec);
  });
  const page: RequestHandler = (_req, res) => {
    res.setHeader('content-security-policy', DOCS_CSP);
    res.setHeader('cache-control', 'no-cache');
    res.type('html').send(PAGE);
  };
  app.get('/docs', page);
  app.get('/docs/redoc.standalone.js', (_req, res, next) => {
    const bundle = redocBundlePath();
    if (!bundle) return next(new AirlockError('NOT_READY', 'the reference page is not built: run `npm run build:ui`'));
    res.setHeader('cache-control', 'public, max-age=3600');
    res.sendFile(bundle);
  });
}
