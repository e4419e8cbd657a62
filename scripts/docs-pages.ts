/**
 * Which Markdown pages are the project's documentation: the README, every page of docs/ and
 * examples/README.md. The TOC writer and the docs tests read the same list, so a new page is
 * covered by both without being named anywhere.
 *
 * @example docPages() // ['README.md', 'docs/README.md', 'docs/api.md', …, 'examples/README.md']
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The README, docs/*.md and examples/README.md, relative to the repository root. */
export function docPages(root = '.'): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => join('docs', f));
  return ['README.md', ...docs, join('examples', 'README.md')];
}

/** The pages whose table of contents `npm run docs:toc` writes (cli.md is generated whole). */
export function tocPages(root = '.'): string[] {
  return docPages(root).filter((p) => p !== 'README.md' && p !== join('docs', 'cli.md'));
}
