/**
 * The documentation holds together (issue 15, item 5): the README fits on a few screens; every
 * page long enough to need one has a table of contents, and it is the one `npm run docs:toc`
 * writes, so it lists every section; every relative link and image in the README, docs/ and
 * examples/ names a file that exists and, when it names a heading, a heading that exists there;
 * and no page sends a reader to the shared semantics outside the repository.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docPages, tocPages } from '../../scripts/docs-pages.js';
import { markdownHeadings, markdownLinks, tocOf } from '../../scripts/markdown-outline.js';

/** Above this many lines, a page must open with a table of contents. */
const TOC_FROM_LINES = 80;
/** The README is what, quick start, one example, where next: a few screens. */
const README_MAX_LINES = 150;

const pages = docPages();
const read = (page: string) => readFileSync(page, 'utf8');
const lineCount = (md: string) => md.split('\n').length;

describe('the documentation', () => {
  it('covers the README, every page of docs/ and the examples', () => {
    expect(pages).toEqual(expect.arrayContaining(['README.md', join('docs', 'README.md'), join('docs', 'api.md'), join('examples', 'README.md')]));
  });

  it(`keeps the README under ${README_MAX_LINES} lines`, () => {
    expect(lineCount(read('README.md'))).toBeLessThanOrEqual(README_MAX_LINES);
  });

  it.each(pages.filter((p) => p !== 'README.md'))('%s has a table of contents that lists its sections, when it is long', (page) => {
    const md = read(page);
    const hasContents = markdownHeadings(md).some((h) => h.depth === 2 && h.raw === 'Contents');
    if (lineCount(md) > TOC_FROM_LINES) expect(hasContents, `${page} has no "## Contents"`).toBe(true);
    // docs/cli.md is generated whole (`npm run docs:cli`, test/cli/reference.test.ts); its links are checked below.
    if (!hasContents || !tocPages().includes(page)) return;
    // The listed entries are exactly the sections, in order (run `npm run docs:toc` after editing).
    const section = md.slice(md.indexOf('## Contents'));
    const listed = section.split('\n').slice(1).filter((l) => /^\s*- \[/.test(l)).join('\n');
    expect(listed, `${page}: run npm run docs:toc`).toBe(tocOf(md));
  });

  it.each(pages)('%s: every relative link resolves to a file and heading', (page) => {
    const problems: string[] = [];
    for (const href of markdownLinks(read(page))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(href)) continue; // https:, mailto: — not ours to check offline
      const [path, anchor] = href.split('#', 2) as [string, string | undefined];
      const target = path === '' ? page : normalize(join(dirname(page), decodeURIComponent(path)));
      if (!existsSync(target)) {
        problems.push(`${href}: no file ${target}`);
        continue;
      }
      if (anchor === undefined || statSync(target).isDirectory()) continue;
      if (!target.endsWith('.md')) {
        problems.push(`${href}: an anchor into a file that is not Markdown`);
        continue;
      }
      const slugs = new Set(markdownHeadings(read(target)).map((h) => h.slug));
      if (!slugs.has(anchor)) problems.push(`${href}: no heading #${anchor} in ${target}`);
    }
    expect(problems).toEqual([]);
  });

  it.each(pages)('%s sends no reader outside the repository to ../shared', (page) => {
    expect(read(page)).not.toMatch(/\.\.\/shared|shared\/docs\/|sdc-rules\.md/);
  });
});
