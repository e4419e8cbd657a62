/**
 * The outline of a Markdown page as GitHub renders it: its headings with the anchors GitHub
 * gives them (github-slugger, duplicates numbered), the links and images it holds, and the
 * table of contents airlock's docs carry under `## Contents`. Parsed with marked's lexer, so a
 * `#` line inside a code block is never mistaken for a heading, nor a link in code for a link.
 * `npm run docs:toc` writes the tables of contents; test/docs/docs-links.test.ts checks them.
 *
 * @example
 * markdownHeadings('# A\n\n## B `c`\n').map((h) => h.slug) // ['a', 'b-c']
 * withToc('# A\n\n## Contents\n\n## B\n') // '# A\n\n## Contents\n\n- [B](#b)\n\n## B\n'
 */
import GithubSlugger from 'github-slugger';
import { Lexer, type Token, type Tokens } from 'marked';

export interface Heading {
  depth: number;
  /** The heading as written (inline Markdown kept), for link text. */
  raw: string;
  /** The anchor GitHub gives it. */
  slug: string;
}

/** The heading under which a page's table of contents sits. */
export const CONTENTS_HEADING = 'Contents';

/** Plain text of inline tokens, as GitHub slugs it (code spans keep their text, markup goes). */
function plainText(tokens: Token[] | undefined): string {
  return (tokens ?? [])
    .map((t) => {
      if ('tokens' in t && t.tokens?.length) return plainText(t.tokens);
      if (t.type === 'codespan') return unescapeHtml((t as Tokens.Codespan).text);
      return 'text' in t ? unescapeHtml(String(t.text)) : '';
    })
    .join('');
}

/** marked escapes `&<>"'` in code spans' text; GitHub slugs the characters themselves. */
function unescapeHtml(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Every heading of the page, in order, with its GitHub anchor. */
export function markdownHeadings(md: string): Heading[] {
  const slugger = new GithubSlugger();
  return Lexer.lex(md)
    .filter((t): t is Tokens.Heading => t.type === 'heading')
    .map((h) => ({ depth: h.depth, raw: h.text.trim(), slug: slugger.slug(plainText(h.tokens)) }));
}

/** Every link and image target on the page (code blocks and code spans excluded). */
export function markdownLinks(md: string): string[] {
  const out: string[] = [];
  const walk = (tokens: Token[]): void => {
    for (const t of tokens) {
      if (t.type === 'link' || t.type === 'image') out.push((t as Tokens.Link).href);
      if (t.type === 'table') {
        const table = t as Tokens.Table;
        for (const cell of [...table.header, ...table.rows.flat()]) walk(cell.tokens);
      }
      if (t.type === 'list') for (const item of (t as Tokens.List).items) walk(item.tokens);
      if ('tokens' in t && t.tokens) walk(t.tokens);
    }
  };
  walk(Lexer.lex(md));
  return out;
}

/** The table of contents of a page: its `##` and `###` headings after `Contents`, nested. */
export function tocOf(md: string): string {
  const headings = markdownHeadings(md);
  const start = headings.findIndex((h) => h.depth === 2 && h.raw === CONTENTS_HEADING);
  return headings
    .slice(start + 1)
    .filter((h) => h.depth === 2 || h.depth === 3)
    .map((h) => `${h.depth === 3 ? '  ' : ''}- [${h.raw.replace(/[[\]]/g, '\\$&')}](#${h.slug})`)
    .join('\n');
}

/**
 * The page with its table of contents (re)written between `## Contents` and the next
 * heading; a page without a `## Contents` heading comes back unchanged.
 */
export function withToc(md: string): string {
  const lines = md.split('\n');
  const at = lines.findIndex((l) => l === `## ${CONTENTS_HEADING}`);
  if (at < 0) return md;
  let next = at + 1;
  let fenced = false;
  for (; next < lines.length; next++) {
    if (lines[next]!.startsWith('```')) fenced = !fenced;
    if (!fenced && /^#{1,6} /.test(lines[next]!)) break;
  }
  return [...lines.slice(0, at + 1), '', tocOf(md), '', ...lines.slice(next)].join('\n');
}
