// `npm run docs:toc`: (re)writes the table of contents under `## Contents` in every page of
// docs/ and in examples/README.md (docs/cli.md has its own generator, `npm run docs:cli`).
// test/docs/docs-links.test.ts fails when a page's contents differ from what this writes.
import { readFileSync, writeFileSync } from 'node:fs';
import { tocPages } from './docs-pages.js';
import { withToc } from './markdown-outline.js';

for (const page of tocPages()) {
  const md = readFileSync(page, 'utf8');
  const next = withToc(md);
  if (next !== md) {
    writeFileSync(page, next);
    console.log(`${page}: contents rewritten`);
  }
}
