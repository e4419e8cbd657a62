/**
 * RFC 9162 (Certificate Transparency 2.0, §2.1) Merkle tree hashing over SHA-256, as the
 * transparency log of the audit store uses it:
 * ```
 * MTH({})       = SHA-256()
 * leaf hash     = SHA-256(0x00 || entry)
 * interior node = SHA-256(0x01 || left || right)
 * MTH(D[n])     = node(MTH(D[0:k]), MTH(D[k:n]))   k = the largest power of two < n
 * ```
 * A *stored node* `{ level, index }` is the hash of the complete subtree of leaves
 * `[index·2^level, (index+1)·2^level)`; level 0 are the leaf hashes. Every hash an inclusion or
 * consistency proof needs is the root of a range `[lo, hi)` whose `lo` is aligned to a power
 * of two at least `hi − lo`, i.e. the right fold of at most log₂ n stored nodes; so proofs are
 * built in two steps — which stored nodes (`inclusionProofNodes`, `consistencyProofNodes`),
 * then the hashes from whatever holds them (`assembleProof`) — and a store answers with one
 * query. Sizes are JavaScript numbers (exact to 2^53); no 32-bit bit operations are used.
 *
 * Verification (`verifyInclusion`, `verifyConsistency`) follows RFC 9162 §2.1.3.2 and §2.1.4.2
 * and is tested against the transparency-dev/merkle test vectors.
 *
 * @example
 * let f = emptyFrontier();
 * ({ frontier: f } = appendLeaves(f, 0, [leafHash(Buffer.from('a'))]));
 * rootOfFrontier(f).toString('hex');
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { at } from './invariant.js';

/** The position of a stored node: the complete subtree `[index·2^level, (index+1)·2^level)`. */
export interface NodeKey {
  level: number;
  index: number;
}

/** A stored node with its hash. */
export interface TreeNode extends NodeKey {
  hash: Buffer;
}

/** The compact range of a tree of some size: the roots of its perfect subtrees, largest (leftmost) first. */
export type Frontier = readonly TreeNode[];

const LEAF_PREFIX = Buffer.of(0);
const NODE_PREFIX = Buffer.of(1);

/** The root of the empty tree: SHA-256 of nothing. */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

/**
 * `SHA-256(0x00 || entry)`.
 *
 * @example leafHash(Buffer.alloc(0)).toString('hex') // '6e340b9c…'
 */
export function leafHash(entry: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(entry).digest();
}

/**
 * `SHA-256(0x01 || left || right)`.
 *
 * @example nodeHash(a, b).length // 32
 */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** 2^level without 32-bit overflow. */
const pow2 = (level: number): number => 2 ** level;

/** The largest power of two strictly below n (n ≥ 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The stored nodes whose right fold is the root of leaves `[lo, hi)`, left to right: the
 * greedy decomposition into aligned perfect subtrees. Valid (equal to MTH of the range) for
 * `lo = 0` and for every range a proof names.
 *
 * @example rangeNodes(0, 6) // [{ level: 2, index: 0 }, { level: 1, index: 2 }]
 */
export function rangeNodes(lo: number, hi: number): NodeKey[] {
  const out: NodeKey[] = [];
  let at = lo;
  while (at < hi) {
    let level = 0;
    while (at % pow2(level + 1) === 0 && pow2(level + 1) <= hi - at) level++;
    out.push({ level, index: at / pow2(level) });
    at += pow2(level);
  }
  return out;
}

/**
 * The right fold `node(h₀, node(h₁, … node(hₙ₋₂, hₙ₋₁)))` of subtree roots, left to right.
 *
 * @example foldRight([a, b, c]).equals(nodeHash(a, nodeHash(b, c))) // true
 */
export function foldRight(hashes: readonly Buffer[]): Buffer {
  if (hashes.length === 0) return EMPTY_ROOT;
  let h = at(hashes, hashes.length - 1);
  for (let i = hashes.length - 2; i >= 0; i--) h = nodeHash(at(hashes, i), h);
  return h;
}

/**
 * The frontier's stored nodes of a tree of `size` leaves (what to read to extend it).
 *
 * @example frontierKeys(7) // [{ level: 2, index: 0 }, { level: 1, index: 2 }, { level: 0, index: 6 }]
 */
export function frontierKeys(size: number): NodeKey[] {
  return size === 0 ? [] : rangeNodes(0, size);
}

/** The frontier of the empty tree. */
export function emptyFrontier(): Frontier {
  return [];
}

/**
 * Appends leaf hashes to a tree of `size` leaves with this frontier: the new frontier and every
 * stored node the leaves complete (the leaves themselves included), in creation order.
 *
 * @example const { frontier, nodes } = appendLeaves(emptyFrontier(), 0, [l0, l1]); nodes.length // 3
 */
export function appendLeaves(frontier: Frontier, size: number, leaves: readonly Buffer[]): { frontier: Frontier; nodes: TreeNode[]; size: number } {
  const stack: TreeNode[] = [...frontier];
  const nodes: TreeNode[] = [];
  let n = size;
  for (const leaf of leaves) {
    let node: TreeNode = { level: 0, index: n, hash: leaf };
    nodes.push(node);
    // Merge with the frontier's last subtree while it is of the same level.
    for (let left = stack.at(-1); left !== undefined && left.level === node.level; left = stack.at(-1)) {
      stack.pop();
      node = { level: node.level + 1, index: left.index / 2, hash: nodeHash(left.hash, node.hash) };
      nodes.push(node);
    }
    stack.push(node);
    n++;
  }
  return { frontier: stack, nodes, size: n };
}

/**
 * The root hash of the tree a frontier describes.
 *
 * @example rootOfFrontier(emptyFrontier()).equals(EMPTY_ROOT) // true
 */
export function rootOfFrontier(frontier: Frontier): Buffer {
  return foldRight(frontier.map((f) => f.hash));
}

/**
 * The root of a whole list of leaf hashes (for tests and small trees; stores use frontiers).
 *
 * @example rootOf([leafHash(Buffer.alloc(0))]).toString('hex') // '6e340b9c…'
 */
export function rootOf(leaves: readonly Buffer[]): Buffer {
  return rootOfFrontier(appendLeaves(emptyFrontier(), 0, leaves).frontier);
}

/** A proof before its hashes are read: per proof element, the stored nodes it folds. */
export type ProofPlan = NodeKey[][];

function checkSize(name: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative safe integer`);
}

/**
 * Which stored nodes make up the RFC 9162 inclusion proof of leaf `index` in a tree of `size`.
 *
 * @example inclusionProofNodes(0, 8).length // 3
 */
export function inclusionProofNodes(index: number, size: number): ProofPlan {
  checkSize('index', index);
  checkSize('size', size);
  if (index >= size) throw new RangeError(`leaf ${index} is not in a tree of size ${size}`);
  const plan: ProofPlan = [];
  // PATH(m, D[lo:hi]) = PATH(…) : sibling — iteratively, collecting siblings bottom-up.
  const walk = (lo: number, hi: number): void => {
    if (hi - lo <= 1) return;
    const k = splitPoint(hi - lo);
    if (index - lo < k) {
      walk(lo, lo + k);
      plan.push(rangeNodes(lo + k, hi));
    } else {
      walk(lo + k, hi);
      plan.push(rangeNodes(lo, lo + k));
    }
  };
  walk(0, size);
  return plan;
}

/**
 * Which stored nodes make up the RFC 9162 consistency proof from tree size `first` to `second`
 * (empty when `first` is 0 or equals `second`).
 *
 * @example consistencyProofNodes(6, 8).length // 3
 */
export function consistencyProofNodes(first: number, second: number): ProofPlan {
  checkSize('first', first);
  checkSize('second', second);
  if (first > second) throw new RangeError(`tree size ${first} is larger than ${second}`);
  const plan: ProofPlan = [];
  if (first === 0 || first === second) return plan;
  // SUBPROOF(m, D[lo:hi], b)
  const sub = (m: number, lo: number, hi: number, whole: boolean): void => {
    if (m === hi - lo) {
      if (!whole) plan.push(rangeNodes(lo, hi));
      return;
    }
    const k = splitPoint(hi - lo);
    if (m <= k) {
      sub(m, lo, lo + k, whole);
      plan.push(rangeNodes(lo + k, hi));
    } else {
      sub(m - k, lo + k, hi, false);
      plan.push(rangeNodes(lo, lo + k));
    }
  };
  sub(first, 0, second, true);
  return plan;
}

/**
 * Every distinct stored node a plan needs (to read them in one query).
 *
 * @example planKeys(inclusionProofNodes(2, 5))
 */
export function planKeys(plan: ProofPlan): NodeKey[] {
  const seen = new Map<string, NodeKey>();
  for (const el of plan) for (const k of el) seen.set(`${k.level}/${k.index}`, k);
  return [...seen.values()];
}

/**
 * The proof's hashes from the plan and the nodes read; throws when one is missing.
 *
 * @example assembleProof(plan, (k) => nodes.get(`${k.level}/${k.index}`))
 */
export function assembleProof(plan: ProofPlan, node: (k: NodeKey) => Buffer | undefined): Buffer[] {
  return plan.map((el) =>
    foldRight(
      el.map((k) => {
        const h = node(k);
        if (!h) throw new Error(`stored node ${k.level}/${k.index} is missing`);
        return h;
      }),
    ),
  );
}

const sameHash = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && timingSafeEqual(a, b);
const isOdd = (n: number): boolean => n % 2 === 1;
const half = (n: number): number => Math.floor(n / 2);

/** RFC 9162: "right-shift fn and sn until LSB(fn) is set or fn is 0" (climbing the right edge). */
function upToRightChild(fn: number, sn: number): [number, number] {
  while (!isOdd(fn) && fn !== 0) {
    fn = half(fn);
    sn = half(sn);
  }
  return [fn, sn];
}

/**
 * The root an inclusion proof leads to (RFC 9162 §2.1.3.2), or null when the proof does not
 * fit the index and size.
 *
 * @example rootFromInclusionProof(1, 8, leaf, proof)?.equals(root)
 */
export function rootFromInclusionProof(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[]): Buffer | null {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return null;
  if (leaf.length !== 32 || proof.some((p) => p.length !== 32)) return null;
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leaf);
  for (const p of proof) {
    if (sn === 0) return null;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      [fn, sn] = upToRightChild(fn, sn);
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : null;
}

/**
 * Whether `proof` proves leaf hash `leaf` is at `index` in the tree of `size` with `root`.
 *
 * @example verifyInclusion(1, 8, leaf, proof, root) // true
 */
export function verifyInclusion(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  const r = rootFromInclusionProof(index, size, leaf, proof);
  return r !== null && sameHash(r, root);
}

/**
 * Whether `proof` proves the tree of size `first` with `firstRoot` is a prefix of the tree of
 * size `second` with `secondRoot` (RFC 9162 §2.1.4.2; size 0 is consistent with anything).
 *
 * @example verifyConsistency(6, 8, proof, root6, root8) // true
 */
export function verifyConsistency(first: number, second: number, proof: readonly Uint8Array[], firstRoot: Uint8Array, secondRoot: Uint8Array): boolean {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || second < first) return false;
  if (proof.some((p) => p.length !== 32)) return false;
  if (first === second) return proof.length === 0 && sameHash(firstRoot, secondRoot);
  if (first === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = Number.isInteger(Math.log2(first)) && pow2(Math.log2(first)) === first ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Buffer = Buffer.from(at(path, 0));
  let sr: Buffer = Buffer.from(at(path, 0));
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      [fn, sn] = upToRightChild(fn, sn);
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && sameHash(fr, firstRoot) && sameHash(sr, secondRoot);
}
