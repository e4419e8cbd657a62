/**
 * `file_content`: a file is the output airlock can check least, so it is `review` by default
 * ("a file's content is checked by a person"), with evidence that lets the checker judge it
 * without downloading it: its detected type; for delimited text, every column's profile (type,
 * rows, missing, minimum, minimum non-zero, maximum, small counts, rounding, distinct values,
 * formula cells, identifier hits by column name); for archives, the member list with each
 * member described the same way. Never a cell's text.
 *
 * It `fail`s when unpacking met what only an attack or a broken tool produces (a zip bomb of
 * any kind, an encrypted member, overlapping entries, a member larger than it declares,
 * nesting deeper than three levels, more than 1,000 members) and it `pass`es only where
 * governance lists the file's extension in `auto_release_file_extensions`, its content is the
 * type that extension names, and nothing in it calls for a person: no part left unchecked, no
 * count between 1 and `threshold − 1` in delimited text. Archives pass only when every member
 * does.
 *
 * @example fileContent.run(parseFile(pngOutput, ctx), { ...DEFAULT_PARAMETERS, auto_release_file_extensions: ['.png'] }, ctx)[0].status // 'pass'
 */
import type { ColumnEvidence, FileEvidence, Finding, ItemFinding } from '../domain.js';
import { worstStatus } from '../domain.js';
import type { ColumnProfile } from '../outputs/file/delimited-profile.js';
import { columnIdentifier } from '../outputs/file/delimited-profile.js';
import type { FileOutput } from '../outputs/file/file-output.js';
import type { FileNode } from '../outputs/file/inspect-file.js';
import { walkNodes } from '../outputs/file/inspect-file.js';
import type { Parameters } from '../rules/parameters.js';
import type { Check } from './check.js';
import { MAX_FINDING_ITEMS } from './item-check.js';
import { nameMatcher } from './direct-identifiers.js';
import { countOf } from './threshold-reasons.js';

/** Column profiles listed per decision, over all members: the rest are counted, to keep decisions small. */
export const MAX_LISTED_COLUMNS = 1000;

function columnEvidence(c: ColumnProfile, p: Parameters): ColumnEvidence {
  const { header: _header, tally: _tally, ...out } = c;
  const named = c.header === null ? null : nameMatcher(p)(c.header);
  const ev: ColumnEvidence = out;
  if (named !== null) ev.identifier_name = named;
  const hit = columnIdentifier(c, p.identifier_detectors);
  if (hit) ev.identifier_values = { detector: hit.detector, matches: hit.matches, non_empty: hit.nonEmpty };
  return ev;
}

/**
 * The evidence for a file: its node tree as a checker reads it.
 *
 * @example fileEvidence(parsed.root, DEFAULT_PARAMETERS).members?.[0]?.type // 'delimited_text'
 */
export function fileEvidence(root: FileNode, p: Parameters): FileEvidence {
  let budget = MAX_LISTED_COLUMNS;
  const visit = (node: FileNode): FileEvidence => {
    const ev: FileEvidence = { path: node.path, type: node.type.id, description: node.type.description, size: node.size };
    if (node.compressedSize !== null && node.depth > 0) ev.compressed_size = node.compressedSize;
    if (node.encoding !== null) ev.encoding = node.encoding;
    const text = node.text;
    if (text) {
      const listed = text.columns.slice(0, Math.max(0, budget));
      budget -= listed.length;
      ev.delimited = { delimiter: text.delimiter, rows: text.rows, ragged_rows: text.ragged_rows, columns: listed.map((c) => columnEvidence(c, p)) };
      const notListed = text.columns.length - listed.length + text.unprofiled_columns;
      if (notListed > 0) ev.delimited.columns_not_listed = notListed;
    }
    if (node.members) ev.members = node.members.map(visit);
    if (node.problems.length) ev.problems = node.problems.map((x) => ({ status: x.status, reason: x.reason }));
    return ev;
  };
  return visit(root);
}

/** Why a node cannot be released without a person, given governance's auto-release list (none: it can). */
function notAutoReleasable(node: FileNode, p: Parameters): string | null {
  const ext = node.extensions[0];
  if (ext === undefined || !p.auto_release_file_extensions.includes(ext)) return `"${ext ?? '(no extension)'}" files are not released without review`;
  if (!node.type.extensions.includes(ext)) return `the content is ${node.type.description}, not what "${ext}" names`;
  if (node.problems.length) return 'part of it could not be checked';
  if (node.text) {
    const small = node.text.columns.reduce((n, c) => n + c.small_counts, 0);
    if (small > 0) return `${countOf(small, 'cell')} ${small === 1 ? 'is a count' : 'are counts'} between 1 and ${p.threshold - 1}`;
    if (node.text.unreadable !== null || node.text.unprofiled_columns > 0) return 'it could not be read to the end';
  }
  return null;
}

function where(node: FileNode): string {
  return node.depth === 0 ? 'content_base64' : node.path;
}

/** A short description of what the file is, for the message. */
function summary(file: FileOutput): string {
  const root = file.root;
  const parts = [root.type.description];
  if (root.text) parts.push(`${countOf(root.text.columns.length, 'column')} × ${countOf(root.text.rows, 'row')}`);
  if (root.members) parts.push(countOf([...walkNodes(root)].length - 1, 'member'));
  return parts.join(', ');
}

export const fileContent: Check<FileOutput> = {
  id: 'file_content',
  kind: 'file',
  run(file: FileOutput, p: Parameters): Finding[] {
    const nodes = [...walkNodes(file.root)];
    const problems: (ItemFinding & { status: 'fail' | 'review' })[] = [];
    for (const n of nodes) for (const x of n.problems) problems.push({ ref: where(n), value: null, reason: x.reason, status: x.status });
    const evidence = fileEvidence(file.root, p);
    const status = worstStatus(problems.map((x) => x.status));
    const items = problems.map(({ status: _s, ...i }) => i);
    const listed = items.slice(0, MAX_FINDING_ITEMS);
    const more = items.length > MAX_FINDING_ITEMS ? ` (the first ${MAX_FINDING_ITEMS} of ${items.length} are listed)` : '';
    if (status === 'fail') {
      return [{
        check: 'file_content',
        status: 'fail',
        message: `${file.filename} (${summary(file)}) could not be checked safely: ${countOf(problems.filter((x) => x.status === 'fail').length, 'problem')} that only a decompression bomb, an encrypted or a malformed archive produces${more}.`,
        remedy: 'Send the files unpacked, each as its own output (or a plain, unencrypted ZIP within the limits: 3 levels, 1,000 members, 10× the request size uncompressed).',
        items: listed,
        evidence,
      }];
    }
    // Where the whole tree (the file and every member) is of auto-released types and quiet, nobody needs to look.
    const blockers = nodes.map((n) => ({ n, why: notAutoReleasable(n, p) })).filter((b) => b.why !== null);
    if (problems.length === 0 && blockers.length === 0) {
      return [{ check: 'file_content', status: 'pass', message: `${file.filename} (${summary(file)}) is of a type governance releases without review, and nothing in it needs a person.`, remedy: '', evidence }];
    }
    // Say why a listed extension was not enough; say nothing when governance lists none.
    const listedExt = nodes.some((n) => n.extensions[0] !== undefined && p.auto_release_file_extensions.includes(n.extensions[0]));
    const whyNot = listedExt ? blockers.map((b) => ({ ref: where(b.n), value: null, reason: `not released without review: ${b.why}` })) : [];
    const all = [...listed, ...whyNot.slice(0, Math.max(0, MAX_FINDING_ITEMS - listed.length))];
    return [{
      check: 'file_content',
      status: 'review',
      message: `${file.filename} (${summary(file)}): a file's content is checked by a person${problems.length ? `; ${countOf(problems.length, 'part')} could not be checked by airlock${more}` : ''}.`,
      remedy: 'Nothing needs fixing: an output checker will look at the file (the evidence describes it). Tables, plots and summaries sent as their own output kinds are checked by airlock itself, without waiting for a person.',
      ...(all.length ? { items: all } : {}),
      evidence,
    }];
  },
};
