/**
 * Secondary (complementary) suppression: given the cells that fail a check (primary), choose
 * further cells to suppress so that no suppressed cell can be computed exactly from what is
 * released (see `recoverableCells` for the attacker and `tableConstraints` for which totals
 * the attacker knows).
 *
 * Why a graph: every cell is in at most two equations (its row total's and its column
 * total's), so the suppressed cells are the edges of a graph whose nodes are the equations
 * (plus one "ground" node standing for "no equation on this side"). The equations form a
 * network matrix, whose null space is the cycle space of that graph: a suppressed cell is
 * exactly recoverable iff it lies on no cycle, i.e. iff it is a bridge. The usual rule of
 * thumb ("two suppressed cells in every line") is necessary but not sufficient — a cell
 * joining two protected blocks is a bridge and is still determined.
 *
 * So the greedy step is: take an exposed (bridge) cell and close a cycle through it along the
 * cheapest path between its two endpoints, where already-suppressed cells are free and other
 * cells cost, lexicographically, (empty or zero?, margin?, |value|). The path's first and last
 * cells are in the exposed cell's row and column, so this is "complement with the smallest
 * cell in its row/column", chosen jointly for the whole cycle instead of one cell at a time.
 * Adding cells never turns a non-bridge into a bridge, so each step removes at least one
 * bridge and the loop ends after at most one step per exposed cell. The result is then
 * verified with the exact linear-algebra test.
 *
 * @example
 * const mask = suppress(grid, primary); // primary ∪ secondary, 1 = suppressed
 */
import { AirlockError } from '../errors.js';
import { at, outOfRange } from '../lib/invariant.js';
import { recoverableCells } from './is-recoverable.js';
import { tableConstraints, type SuppressionGrid } from '../outputs/table/table-constraints.js';

export type { SuppressionGrid } from '../outputs/table/table-constraints.js';

/** Lexicographic cost of suppressing a cell: [empty or zero, margin, |value|]. */
type Cost = [number, number, number];

function less(a: Cost, b: Cost): boolean {
  if (a[0] !== b[0]) return a[0] < b[0];
  if (a[1] !== b[1]) return a[1] < b[1];
  return a[2] < b[2];
}

/** The graph of a grid: per cell its two endpoint nodes, and per node its incident cells. */
interface Graph {
  nNodes: number;
  u: Int32Array;
  v: Int32Array;
  incident: number[][];
}

/**
 * The other endpoint of `cell` seen from `node`. One small function over one graph type, so
 * the engine inlines it in the hot loops below (unlike a helper shared by every array type).
 */
function otherEnd(g: Graph, cell: number, node: number): number {
  const a = g.u[cell] ?? outOfRange();
  return a === node ? (g.v[cell] ?? outOfRange()) : a;
}

function buildGraph(grid: SuppressionGrid): Graph {
  const c = tableConstraints(grid);
  const ground = c.nEquations;
  const n = c.rowEq.length;
  const u = new Int32Array(n);
  const v = new Int32Array(n);
  const incident: number[][] = Array.from({ length: ground + 1 }, () => []);
  for (let i = 0; i < n; i++) {
    const rowEq = c.rowEq[i] ?? outOfRange();
    const colEq = c.colEq[i] ?? outOfRange();
    const a = (u[i] = rowEq < 0 ? ground : rowEq);
    const b = (v[i] = colEq < 0 ? ground : colEq);
    // A cell in no equation is a loop at ground: on a cycle by itself, never determined.
    if (a === b) continue;
    (incident[a] ?? outOfRange()).push(i);
    (incident[b] ?? outOfRange()).push(i);
  }
  return { nNodes: ground + 1, u, v, incident };
}

/** Suppressed cells that are bridges of the suppressed subgraph (iterative Tarjan). */
function bridges(g: Graph, mask: Uint8Array): number[] {
  const disc = new Int32Array(g.nNodes).fill(-1);
  const low = new Int32Array(g.nNodes);
  const out: number[] = [];
  let time = 0;
  // Nodes, cells and stack positions index arrays sized for them: reads are inline (hot loop).
  for (let s = 0; s < g.nNodes; s++) {
    if ((disc[s] ?? outOfRange()) >= 0) continue;
    // Stack frames: node, the cell we arrived by (−1 at the root), next incident position.
    const nodes = [s];
    const via = [-1];
    const pos = [0];
    disc[s] = low[s] = time++;
    while (nodes.length) {
      const top = nodes.length - 1;
      const x = nodes[top] ?? outOfRange();
      const list = g.incident[x] ?? outOfRange();
      const next = pos[top] ?? outOfRange();
      if (next < list.length) {
        pos[top] = next + 1;
        const cell = list[next] ?? outOfRange();
        if (!mask[cell] || cell === via[top]) continue;
        const y = otherEnd(g, cell, x);
        const dy = disc[y] ?? outOfRange();
        if (dy < 0) {
          disc[y] = low[y] = time++;
          nodes.push(y);
          via.push(cell);
          pos.push(0);
        } else if (dy < (low[x] ?? outOfRange())) {
          low[x] = dy;
        }
      } else {
        nodes.pop();
        const cell = via.pop() ?? outOfRange();
        pos.pop();
        const parent = nodes[nodes.length - 1];
        if (parent !== undefined) {
          const lx = low[x] ?? outOfRange();
          if (lx < (low[parent] ?? outOfRange())) low[parent] = lx;
          if (lx > (disc[parent] ?? outOfRange())) out.push(cell);
        }
      }
    }
  }
  return out;
}

/**
 * Cheapest path (Dijkstra, dense: the graph has only nRows + nCols + 1 nodes) from `from` to
 * `to` avoiding cell `skip`; returns its cells, or null when the endpoints are disconnected.
 */
function cheapestPath(g: Graph, costOf: (cell: number) => Cost | null, skip: number, from: number, to: number): number[] | null {
  const dist: (Cost | null)[] = new Array(g.nNodes).fill(null);
  const prevCell = new Int32Array(g.nNodes).fill(-1);
  const done = new Uint8Array(g.nNodes);
  dist[from] = [0, 0, 0];
  for (;;) {
    // The closest node not done yet, with its distance (null: none is reachable).
    let x = -1;
    let dx: Cost | null = null;
    for (let y = 0; y < g.nNodes; y++) {
      const dy = dist[y];
      if (!done[y] && dy && (dx === null || less(dy, dx))) {
        x = y;
        dx = dy;
      }
    }
    if (dx === null) return null;
    if (x === to) break;
    done[x] = 1;
    for (const cell of g.incident[x] ?? outOfRange()) {
      if (cell === skip) continue;
      const w = costOf(cell);
      if (w === null) continue;
      const y = otherEnd(g, cell, x);
      if (done[y]) continue;
      const d: Cost = [dx[0] + w[0], dx[1] + w[1], dx[2] + w[2]];
      const dy = dist[y];
      if (!dy || less(d, dy)) {
        dist[y] = d;
        prevCell[y] = cell;
      }
    }
  }
  const path: number[] = [];
  for (let x = to; x !== from; ) {
    // Every node on the way back was reached through a cell; a −1 here (a bug) fails in otherEnd.
    const cell = prevCell[x] ?? outOfRange();
    path.push(cell);
    x = otherEnd(g, cell, x);
  }
  return path;
}

/**
 * The full suppression mask (primary ∪ secondary, 1 = suppressed) such that no suppressed
 * cell is exactly recoverable. Complements are the cheapest available: non-empty non-zero
 * cells before empty or zero ones, interior cells before margins, then smallest |value|.
 * Primary cells are never unsuppressed; `fixed` cells (structural zeros, whose value is known
 * by definition) are never chosen as complements. Deterministic for a given input.
 *
 * @example
 * // 2x2 interior + margins, cell (0,0) failing: its row, column and the opposite cell go too.
 * const grid = { nRows: 3, nCols: 3, rowMargin: 2, colMargin: 2,
 *   value: Float64Array.of(3, 40, 43, 50, 60, 110, 53, 100, 153) };
 * suppress(grid, Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0, 0)); // 1,1,0, 1,1,0, 0,0,0
 */
export function suppress(grid: SuppressionGrid, primary: Uint8Array, fixed: Uint8Array | null = null): Uint8Array {
  return suppressWithReasons(grid, primary, fixed).mask;
}

/** A suppression mask and, per complement, the cell it was added to protect (−1 for the others). */
export interface Suppression {
  mask: Uint8Array;
  protects: Int32Array;
}

/** The lexicographic cost of suppressing each cell: [empty or zero, margin, |value|]. */
function baseCosts(grid: SuppressionGrid): Cost[] {
  const cost: Cost[] = [];
  for (let i = 0; i < grid.value.length; i++) {
    const x = grid.value[i] ?? outOfRange();
    const r = Math.floor(i / grid.nCols);
    const col = i - r * grid.nCols;
    const margin = r === grid.rowMargin || col === grid.colMargin ? 1 : 0;
    cost.push(Number.isNaN(x) ? [1, margin, 0] : [x === 0 ? 1 : 0, margin, Math.abs(x)]);
  }
  return cost;
}

/**
 * `suppress`, also saying which exposed cell each complement was chosen for (so findings can
 * explain it).
 *
 * @example suppressWithReasons(grid, primary).protects[5] // 0: cell 5 closes a cycle through cell 0
 */
export function suppressWithReasons(grid: SuppressionGrid, primary: Uint8Array, fixed: Uint8Array | null = null): Suppression {
  const g = buildGraph(grid);
  const n = grid.value.length;
  if (primary.length !== n) {
    throw new AirlockError('INTERNAL', `primary mask has ${primary.length} cells, the grid ${n}`);
  }
  const cost = baseCosts(grid);
  const free: Cost = [0, 0, 0];
  const mask = Uint8Array.from(primary, (x) => (x ? 1 : 0));
  const protects = new Int32Array(n).fill(-1);
  // A fixed cell (a structural zero: its value is known) protects nothing as a complement.
  const costOf = (c: number): Cost | null => (mask[c] ? free : fixed !== null && fixed[c] ? null : (cost[c] ?? outOfRange()));
  for (;;) {
    const exposed = bridges(g, mask);
    // Primary cells first (they are why we are here), then in cell order, for determinism.
    exposed.sort((a, b) => (primary[b] ?? outOfRange()) - (primary[a] ?? outOfRange()) || a - b);
    const cell = exposed[0];
    if (cell === undefined) break;
    const path = cheapestPath(g, costOf, cell, at(g.u, cell), at(g.v, cell));
    if (!path) {
      // Cannot happen for the table shapes above (every cell lies on a cycle of the full
      // table); fail closed rather than offer a table that gives a cell away.
      throw new AirlockError('INTERNAL', `suppression: no complement can protect cell ${cell}`);
    }
    for (const c of path) {
      if (!mask[c]) protects[c] = cell;
      mask[c] = 1;
    }
  }
  const left = recoverableCells(grid, mask);
  if (left.length) {
    throw new AirlockError('INTERNAL', `suppression: cells ${left.join(', ')} remain recoverable`);
  }
  return { mask, protects };
}

/**
 * One more cycle of complements through `cell`: the cheapest cycle in which every cell that is
 * not `cell` has |value| ≥ `need` where possible (a cycle moves each of its cells by as much as
 * its smallest cell allows, so large cells let the attacker's interval of `cell` widen by at
 * least `need`), avoiding `banned` cells and structural zeros. Already-suppressed cells cost
 * nothing unless they are small. Returns the cells to add (may be empty when the cycle is made
 * of suppressed cells only) and the whole cycle, or null when no cycle exists.
 *
 * @example cycleThrough(grid, mask, 0, 10, fixed, new Set())?.added // [1, 4, 5]
 */
export function cycleThrough(grid: SuppressionGrid, mask: Uint8Array, cell: number, need: number, fixed: Uint8Array | null, banned: ReadonlySet<number>): { path: number[]; added: number[] } | null {
  const g = buildGraph(grid);
  const cost = baseCosts(grid);
  const costOf = (c: number): Cost | null => {
    if (banned.has(c) || (fixed !== null && fixed[c] && !mask[c])) return null;
    const v = grid.value[c] ?? outOfRange();
    // Too small to carry the needed movement: only as a last resort.
    const small = Number.isNaN(v) || Math.abs(v) < need ? 1 : 0;
    if (mask[c]) return [small, 0, 0];
    const base = cost[c] ?? outOfRange();
    return [small + base[0], base[1], base[2]];
  };
  const path = cheapestPath(g, costOf, cell, at(g.u, cell), at(g.v, cell));
  return path === null ? null : { path, added: path.filter((c) => !mask[c]) };
}
