import { describe, expect, it } from 'vitest';
import {
  EMPTY_ROOT,
  appendLeaves,
  assembleProof,
  consistencyProofNodes,
  emptyFrontier,
  frontierKeys,
  inclusionProofNodes,
  leafHash,
  nodeHash,
  planKeys,
  rootOf,
  rootOfFrontier,
  verifyConsistency,
  verifyInclusion,
  type NodeKey,
  type TreeNode,
} from '../../src/lib/merkle-tree.js';

// Test vectors of transparency-dev/merkle (testonly/constants.go, proof/verify_test.go): RFC 6962/9162 hashing.
const hd = (h: string) => Buffer.from(h, 'hex');
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(hd);
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const LEVEL1 = ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0'];
const INCLUSION: { leaf: number; size: number; proof: string[] }[] = [
  { leaf: 1, size: 8, proof: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'] },
  { leaf: 6, size: 8, proof: ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
  { leaf: 3, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  { leaf: 2, size: 5, proof: ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'] },
];
const CONSISTENCY: { size1: number; size2: number; proof: string[] }[] = [
  { size1: 1, size2: 8, proof: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'] },
  { size1: 6, size2: 8, proof: ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
  { size1: 2, size2: 5, proof: ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'] },
  { size1: 6, size2: 7, proof: ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
];

/** Every stored node of a tree of these leaves, as a store would hold them. */
function nodesOf(leaves: readonly Buffer[]): Map<string, Buffer> {
  const { nodes } = appendLeaves(emptyFrontier(), 0, leaves);
  return new Map(nodes.map((n) => [`${n.level}/${n.index}`, n.hash]));
}
const reader = (m: Map<string, Buffer>) => (k: NodeKey) => m.get(`${k.level}/${k.index}`);

/** The textbook recursive MTH, independent of the frontier code. */
function mth(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

describe('RFC 9162 Merkle tree', () => {
  const hashes = LEAVES.map(leafHash);

  it('hashes leaves and roots as the reference vectors', () => {
    expect(leafHash(LEAVES[0]!).toString('hex')).toBe(ROOTS[1]);
    expect(EMPTY_ROOT.toString('hex')).toBe(ROOTS[0]);
    for (let n = 0; n <= 8; n++) expect(rootOf(hashes.slice(0, n)).toString('hex'), `size ${n}`).toBe(ROOTS[n]);
    const level1 = appendLeaves(emptyFrontier(), 0, hashes).nodes.filter((x) => x.level === 1);
    expect(level1.map((x) => x.hash.toString('hex'))).toEqual(LEVEL1);
  });

  it('extends a frontier in several steps to the same root and nodes as in one', () => {
    let f = emptyFrontier();
    let size = 0;
    const all: TreeNode[] = [];
    for (const chunk of [hashes.slice(0, 3), hashes.slice(3, 4), hashes.slice(4, 8)]) {
      // What a store does: read the frontier nodes back by key, then extend.
      expect(f.map(({ level, index }) => ({ level, index }))).toEqual(frontierKeys(size));
      const r = appendLeaves(f, size, chunk);
      f = r.frontier;
      size = r.size;
      all.push(...r.nodes);
      expect(rootOfFrontier(f).toString('hex')).toBe(ROOTS[size]);
    }
    expect(all.map((n) => `${n.level}/${n.index}`)).toEqual(appendLeaves(emptyFrontier(), 0, hashes).nodes.map((n) => `${n.level}/${n.index}`));
  });

  it('builds the reference inclusion proofs and verifies them', () => {
    const nodes = nodesOf(hashes);
    for (const v of INCLUSION) {
      const leafNodes = nodesOf(hashes.slice(0, v.size));
      const proof = assembleProof(inclusionProofNodes(v.leaf - 1, v.size), reader(leafNodes));
      expect(proof.map((p) => p.toString('hex')), `leaf ${v.leaf} of ${v.size}`).toEqual(v.proof);
      expect(verifyInclusion(v.leaf - 1, v.size, hashes[v.leaf - 1]!, proof, hd(ROOTS[v.size]!))).toBe(true);
    }
    expect(nodes.size).toBe(15);
  });

  it('builds the reference consistency proofs and verifies them', () => {
    const nodes = nodesOf(hashes);
    for (const v of CONSISTENCY) {
      const proof = assembleProof(consistencyProofNodes(v.size1, v.size2), reader(nodes));
      expect(proof.map((p) => p.toString('hex')), `${v.size1} → ${v.size2}`).toEqual(v.proof);
      expect(verifyConsistency(v.size1, v.size2, proof, hd(ROOTS[v.size1]!), hd(ROOTS[v.size2]!))).toBe(true);
    }
  });

  it('rejects every corruption of a valid inclusion proof', () => {
    const v = INCLUSION[3]!;
    const proof = v.proof.map(hd);
    const root = hd(ROOTS[v.size]!);
    const leaf = hashes[v.leaf - 1]!;
    const i = v.leaf - 1;
    expect(verifyInclusion(i - 1, v.size, leaf, proof, root)).toBe(false);
    expect(verifyInclusion(i + 1, v.size, leaf, proof, root)).toBe(false);
    expect(verifyInclusion(i, v.size * 2, leaf, proof, root)).toBe(false);
    expect(verifyInclusion(i, Math.floor(v.size / 2), leaf, proof, root)).toBe(false);
    expect(verifyInclusion(i, v.size, leafHash(Buffer.from('wrong')), proof, root)).toBe(false);
    expect(verifyInclusion(i, v.size, leaf, proof, EMPTY_ROOT)).toBe(false);
    expect(verifyInclusion(i, v.size, leaf, [...proof, root], root)).toBe(false);
    expect(verifyInclusion(i, v.size, leaf, [root, ...proof], root)).toBe(false);
    expect(verifyInclusion(i, v.size, leaf, proof.slice(0, -1), root)).toBe(false);
    for (let k = 0; k < proof.length; k++) {
      const bad = proof.map((p) => Buffer.from(p));
      bad[k]![0]! ^= 8;
      expect(verifyInclusion(i, v.size, leaf, bad, root), `bit flip in proof[${k}]`).toBe(false);
    }
  });

  it('rejects every corruption of a valid consistency proof', () => {
    const v = CONSISTENCY[1]!;
    const proof = v.proof.map(hd);
    const [r1, r2] = [hd(ROOTS[v.size1]!), hd(ROOTS[v.size2]!)];
    expect(verifyConsistency(v.size1 - 1, v.size2, proof, r1, r2)).toBe(false);
    expect(verifyConsistency(v.size1 + 1, v.size2, proof, r1, r2)).toBe(false);
    expect(verifyConsistency(v.size1, v.size2 * 2, proof, r1, r2)).toBe(false);
    expect(verifyConsistency(v.size1, v.size2, proof, r2, r1)).toBe(false);
    expect(verifyConsistency(v.size1, v.size2, [], r1, r2)).toBe(false);
    expect(verifyConsistency(v.size1, v.size2, [...proof, r1], r1, r2)).toBe(false);
    expect(verifyConsistency(v.size1, v.size2, [proof[0]!, ...proof], r1, r2)).toBe(false);
    expect(verifyConsistency(v.size1, v.size2, proof.slice(0, -1), r1, r2)).toBe(false);
    expect(verifyConsistency(v.size2, v.size1, proof, r2, r1)).toBe(false);
    for (let k = 0; k < proof.length; k++) {
      const bad = proof.map((p) => Buffer.from(p));
      bad[k]![0]! ^= 16;
      expect(verifyConsistency(v.size1, v.size2, bad, r1, r2), `bit flip in proof[${k}]`).toBe(false);
    }
    expect(verifyConsistency(0, 5, [], EMPTY_ROOT, r2)).toBe(true);
    expect(verifyConsistency(3, 3, [], r1, r1)).toBe(true);
    expect(verifyConsistency(3, 3, [], r1, r2)).toBe(false);
  });

  it('proves and verifies every leaf and every pair of sizes up to 70 against the textbook MTH', () => {
    const leaves = Array.from({ length: 70 }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));
    const nodes = nodesOf(leaves);
    const roots = Array.from({ length: 71 }, (_, n) => mth(leaves.slice(0, n)));
    for (let n = 1; n <= 70; n++) {
      expect(rootOf(leaves.slice(0, n)).equals(roots[n]!)).toBe(true);
      for (let i = 0; i < n; i++) {
        const plan = inclusionProofNodes(i, n);
        const proof = assembleProof(plan, reader(nodes));
        expect(verifyInclusion(i, n, leaves[i]!, proof, roots[n]!), `leaf ${i} of ${n}`).toBe(true);
        if (n > 1) expect(verifyInclusion(i, n, leaves[(i + 1) % n]!, proof, roots[n]!)).toBe(false);
        expect(planKeys(plan).length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(n)) + 1);
      }
      for (let m = 1; m <= n; m++) {
        const proof = assembleProof(consistencyProofNodes(m, n), reader(nodes));
        expect(verifyConsistency(m, n, proof, roots[m]!, roots[n]!), `${m} → ${n}`).toBe(true);
        if (m < n) expect(verifyConsistency(m, n, proof, mth([...leaves.slice(0, m - 1), leafHash(Buffer.from('x'))]), roots[n]!)).toBe(false);
      }
    }
  });

  it('refuses proofs for leaves outside the tree', () => {
    expect(() => inclusionProofNodes(5, 5)).toThrow(RangeError);
    expect(() => consistencyProofNodes(6, 5)).toThrow(RangeError);
    expect(() => assembleProof(inclusionProofNodes(0, 2), () => undefined)).toThrow(/missing/);
  });
});
