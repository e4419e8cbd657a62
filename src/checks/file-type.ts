/**
 * `file_type` on files: a file fails when its name has an extension in `blocked_extensions`
 * (default `.svg`, `.gph`, `.pkl`, `.pickle`, `.joblib`, `.pt`, `.pth`, `.rds`, `.rdata`,
 * `.dta`, `.sav`; also before a compression suffix, `model.pkl.gz`), or when its content is a
 * type blocked by extension whatever it is called: a pickle of any protocol renamed `.dat`,
 * joblib's zlib-compressed pickle, a PyTorch checkpoint (a ZIP holding `data.pkl`), an R, Stata
 * or SPSS file, an SVG — and the same for every member of an archive or compressed file, at
 * any depth airlock opens.
 *
 * @example fileType.run(parseFile({ …, filename: 'fig.svg', … }, ctx), DEFAULT_PARAMETERS, ctx)[0].status // 'fail'
 */
import type { ItemFinding } from '../domain.js';
import type { FileOutput } from '../outputs/file/file-output.js';
import type { FileNode } from '../outputs/file/inspect-file.js';
import type { Parameters } from '../rules/parameters.js';
import { itemCheck } from './item-check.js';

const PICKLE_ADVICE = 'save models as ONNX or PMML and data as CSV (pickles run code when loaded and can hold any data)';
const DATASET_ADVICE = 'release aggregates as CSV tables instead (a dataset file holds the records themselves)';

/** Why each blocked-by-default type is blocked, and what to send instead. */
const ADVICE: Readonly<Record<string, string>> = {
  '.svg': 'export the figure as PNG or PDF (an SVG can carry the plotted data points and scripts)',
  '.gph': 'export the Stata graph as PNG or PDF (a .gph file contains the data behind the graph)',
  '.pkl': PICKLE_ADVICE,
  '.pickle': PICKLE_ADVICE,
  '.joblib': 'save models as ONNX or PMML (joblib files are pickles: they run code when loaded)',
  '.pt': 'save models as ONNX or safetensors (PyTorch checkpoints are pickles: they run code when loaded)',
  '.pth': 'save models as ONNX or safetensors (PyTorch checkpoints are pickles: they run code when loaded)',
  '.rds': 'write results with write.csv (an .rds file can hold any R object, data frames of records included)',
  '.rdata': 'write results with write.csv (an R workspace holds every object of the session, data included)',
  '.dta': DATASET_ADVICE,
  '.sav': DATASET_ADVICE,
};

/** The blocked extensions a node goes by, by name and by content. */
function blockedOf(node: FileNode, blocked: ReadonlySet<string>): { byName: string[]; byContent: string[] } {
  return {
    byName: node.extensions.filter((e) => blocked.has(e)),
    byContent: node.type.extensions.filter((e) => blocked.has(e)),
  };
}

/** Where a node sits, as findings name it: the file's own fields, or the member's path. */
function where(node: FileNode, field: 'filename' | 'content_base64'): string {
  return node.depth === 0 ? field : node.path;
}

function flagNode(node: FileNode, parent: FileNode | null, blocked: ReadonlySet<string>, out: ItemFinding[]): void {
  const { byName, byContent } = blockedOf(node, blocked);
  for (const e of byName) out.push({ ref: where(node, 'filename'), value: null, reason: `extension "${e}" is blocked` });
  // Content blocked under a name that does not already say so.
  if (byContent.length && !byContent.some((e) => node.extensions.includes(e))) {
    const inside = parent ? ` inside ${parent.type.description}` : '';
    const under = node.depth === 0 || byName.length === 0 ? ' under another name' : '';
    out.push({ ref: where(node, 'content_base64'), value: null, reason: `the content is a ${node.type.description} (blocked as ${byContent.join(', ')})${inside}${under}` });
  }
  for (const m of node.members ?? []) flagNode(m, node, blocked, out);
}

function blockedItems(file: FileOutput, p: Parameters): ItemFinding[] {
  const blocked = new Set(p.blocked_extensions.map((e) => e.toLowerCase()));
  const out: ItemFinding[] = [];
  flagNode(file.root, null, blocked, out);
  return out;
}

/** Every blocked extension found in the file, by name or content, at any depth. */
function blockedTypes(file: FileOutput, p: Parameters): string[] {
  const blocked = new Set(p.blocked_extensions.map((e) => e.toLowerCase()));
  const found = new Set<string>();
  const visit = (n: FileNode): void => {
    const { byName, byContent } = blockedOf(n, blocked);
    for (const e of [...byName, ...byContent]) found.add(e);
    for (const m of n.members ?? []) visit(m);
  };
  visit(file.root);
  return [...found];
}

export const fileType = itemCheck<FileOutput>({
  id: 'file_type',
  kind: 'file',
  status: 'fail',
  flag: (file, p) => blockedItems(file, p),
  message: (_n, file, p) => `${file.filename} ${file.root.members?.length ? 'is or contains' : 'is'} a blocked file type (${blockedTypes(file, p).join(', ')}).`,
  remedy: (_n, file, p) => {
    const advice = blockedTypes(file, p).map((e) => ADVICE[e] ?? `convert the ${e} file to a format that is not blocked`);
    const text = [...new Set(advice)].join('; ');
    return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
  },
  passMessage: (file) => `${file.filename} ${file.root.members ? 'and its members are not blocked file types' : 'is not a blocked file type'}.`,
});
