// `npm run build:ui` step: copies Redoc's standalone bundle (a devDependency) next to the
// console, so the image serves the `/docs` reference page without the redoc package installed.
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';

const bundle = createRequire(import.meta.url).resolve('redoc/bundles/redoc.standalone.js');
mkdirSync('ui/dist/docs', { recursive: true });
copyFileSync(bundle, 'ui/dist/docs/redoc.standalone.js');
