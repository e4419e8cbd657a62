/**
 * Unit mode beyond pairs of outputs (sdc-rules.md "a union of at most four pairwise-disjoint
 * such sets"; "best effort beyond unions: combinations … with ±1 coefficients"), within a
 * bounded context of outputs (the request's, and the earlier ones `difference-units.ts` puts
 * in it):
 * - **disjoint pieces**: a group `X` of one output, and the unions of 2 to 4 other outputs'
 *   atoms inside `X` that are pairwise disjoint: fail when `0 < |X| − Σ|pieces| < threshold`
 *   (all − women − men: the people whose sex is missing);
 * - **intersections** (gradual exclusion P, P−A, P−B, then P−A−B−X): a group `g` inside
 *   groups `h1` and `h2` of two other outputs: fail when `0 < |h1 ∩ h2| − |g| < threshold`
 *   (the intersection of P−A and P−B is P−A−B, and it differs from P−A−B−X by X).
 * At least one side of every combination is the output being checked. Every count comes from
 * the pairwise contingencies (`unit-mode.ts`); nothing is materialised.
 *
 * @example
 * unitPieces([men, all, women], 0, 10) // [{ with: 1, differences: [{ … difference: 1 }] }]
 */
import type { Contingency, UnitSide } from './unit-mode.js';
import { contingency, transpose } from './unit-mode.js';
import { at, outOfRange } from '../../lib/invariant.js';

/** A difference found for the output at `me`, naming the context sides involved. */
export interface PieceDifference {
  /** The context index of the side the finding is reported against (the target, or the first other piece). */
  with: number;
  /** All the context sides involved. */
  involved: number[];
  labels: Record<string, string>;
  ref?: string;
  mine: number;
  other: number;
  difference: number;
  /** How the combination is formed (names filled in by the caller through `name`). */
  describe: (name: (i: number) => string) => string;
}

/** Most sides the pairwise search takes (their contingencies are computed pairwise). */
export const MAX_PIECE_SIDES = 12;

function patternFlags(side: UnitSide, atoms: readonly number[]): Uint8Array {
  const set = new Set(atoms);
  return Uint8Array.from(side.patterns, (p) => (p.m.some((a) => set.has(a)) ? 1 : 0));
}

/**
 * The piece and intersection differences of the side at `me` with the others (see the module comment).
 *
 * @example unitPieces(sides, 0, 10)
 */
export function unitPieces(sides: readonly UnitSide[], me: number, threshold: number, tolerance?: number): PieceDifference[] {
  const n = Math.min(sides.length, MAX_PIECE_SIDES);
  // Exact: 0 < d < threshold. On samples (the prefilter): any d up to the tolerance.
  const close = tolerance === undefined ? (d: number) => d > 0 && d < threshold : (d: number) => d >= 0 && d <= tolerance;
  // Units per pattern of each side (sampled or not, as the side is): sizes consistent with the contingencies.
  const perPattern = sides.slice(0, n).map((s) => {
    const c = new Float64Array(s.patterns.length);
    for (const p of s.pattern) c[p] = (c[p] ?? outOfRange()) + 1;
    return c;
  });
  const countOf = (side: number, f: Uint8Array) => {
    let k = 0;
    f.forEach((x, p) => x && (k += (at(perPattern, side)[p] ?? outOfRange())));
    return k;
  };
  const cts = new Map<string, Contingency>();
  const ct = (i: number, j: number): Contingency => {
    const key = `${i}:${j}`;
    let c = cts.get(key);
    if (!c) {
      // One merge per pair of sides: the other order is its transpose.
      const other = cts.get(`${j}:${i}`);
      c = other ? transpose(other) : contingency(at(sides, i), at(sides, j));
      cts.set(key, c);
    }
    return c;
  };
  const out: PieceDifference[] = [];
  const groupFlags = sides.slice(0, n).map((s) => s.groups.map((g) => patternFlags(s, g.atoms)));

  // Disjoint pieces inside a group X of side t.
  for (let t = 0; t < n; t++) {
    const T = at(sides, t);
    T.groups.forEach((X, xi) => {
      const fx = at(at(groupFlags, t), xi);
      const sizeX = countOf(t, fx);
      // Per other side: the patterns of its atoms inside X, and the union's size.
      const pieceOf = (o: number): { o: number; inside: Uint8Array; size: number } | null => {
        const O = at(sides, o);
        const c = ct(t, o);
        const w = c.pb + 1;
        const inX = new Float64Array(w);
        const col = new Float64Array(w);
        for (let i = 0; i <= c.pa; i++) {
          for (let j = 0; j < w; j++) {
            const k = c.counts[i * w + j] ?? outOfRange();
            col[j] = (col[j] ?? outOfRange()) + k;
            if (i < c.pa && fx[i]) inX[j] = (inX[j] ?? outOfRange()) + k;
          }
        }
        const inAtom = new Float64Array(O.atoms);
        const atomSize = new Float64Array(O.atoms);
        O.patterns.forEach((p, j) => p.m.forEach((a) => ((inAtom[a] = (inAtom[a] ?? outOfRange()) + (inX[j] ?? outOfRange())), (atomSize[a] = (atomSize[a] ?? outOfRange()) + (col[j] ?? outOfRange())))));
        const insideAtom = Uint8Array.from(inAtom, (x, a) => (x > 0 && x === atomSize[a] ? 1 : 0));
        const inside = Uint8Array.from(O.patterns, (p) => (p.m.some((a) => insideAtom[a]) ? 1 : 0));
        let size = 0;
        inside.forEach((f, j) => f && (size += col[j] ?? outOfRange()));
        return size > 0 && size <= sizeX ? { o, inside, size } : null;
      };
      // The checked output must take part: as the target, or with a piece inside X (looked at first, so
      // that other pairs of sides are compared only where it does).
      const mine = t === me ? null : pieceOf(me);
      if (t !== me && mine === null) return;
      const pieces: { o: number; inside: Uint8Array; size: number }[] = [];
      for (let o = 0; o < n; o++) {
        if (o === t) continue;
        const p = o === me ? mine : pieceOf(o);
        if (p) pieces.push(p);
      }
      // On samples a piece too small to be sampled is invisible: one visible piece may be the whole combination.
      const minPieces = tolerance === undefined ? 2 : 1;
      if (pieces.length < minPieces) return;
      const disjoint = (a: (typeof pieces)[number], b: (typeof pieces)[number]): boolean => {
        const c = ct(a.o, b.o);
        const w = c.pb + 1;
        for (let i = 0; i < c.pa; i++) {
          if (!a.inside[i]) continue;
          for (let j = 0; j < c.pb; j++) if (b.inside[j] && (c.counts[i * w + j] ?? outOfRange()) > 0) return false;
        }
        return true;
      };
      const choose = (from: number, chosen: (typeof pieces)[number][], total: number): void => {
        if (chosen.length >= minPieces) {
          const d = sizeX - total;
          const involved = [t, ...chosen.map((p) => p.o)];
          if (close(d) && involved.includes(me)) {
            const group = X;
            out.push({
              with: t === me ? at(chosen, 0).o : t,
              involved,
              labels: t === me ? (group.labels ?? {}) : {},
              ...(t === me && group.ref ? { ref: group.ref } : {}),
              mine: t === me ? sizeX : total,
              other: t === me ? total : sizeX,
              difference: t === me ? d : -d,
              describe: (name) =>
                t === me
                  ? `the pairwise disjoint unions of the groups of ${chosen.map((p) => name(p.o)).join(', ')} inside this group`
                  : `a group of ${name(t)} against the disjoint unions inside it of the groups of ${chosen.map((p) => name(p.o)).join(', ')}`,
            });
          }
        }
        if (chosen.length === 4) return;
        for (let k = from; k < pieces.length; k++) {
          const p = at(pieces, k);
          if (total + p.size > sizeX) continue;
          if (chosen.every((q) => disjoint(q, p))) choose(k + 1, [...chosen, p], total + p.size);
        }
      };
      choose(0, [], 0);
    });
  }

  // Intersections: a group g of `me` inside groups h1, h2 of two other sides.
  const M = at(sides, me);
  M.groups.forEach((g, gi) => {
    const fg = at(at(groupFlags, me), gi);
    const size = countOf(me, fg);
    const containing: { o: number; h: number }[] = [];
    for (let o = 0; o < n; o++) {
      if (o === me) continue;
      const c = ct(me, o);
      const w = c.pb + 1;
      const v = new Float64Array(w);
      for (let i = 0; i < c.pa; i++) if (fg[i]) for (let j = 0; j < w; j++) v[j] = (v[j] ?? outOfRange()) + (c.counts[i * w + j] ?? outOfRange());
      at(sides, o).groups.forEach((_, hi) => {
        const fh = at(at(groupFlags, o), hi);
        let inter = 0;
        for (let j = 0; j < c.pb; j++) if (fh[j]) inter += v[j] ?? outOfRange();
        if (inter === size && (at(sides, o).sizes[hi] ?? outOfRange()) - (M.sizes[gi] ?? outOfRange()) >= threshold) containing.push({ o, h: hi });
      });
    }
    for (let x = 0; x < containing.length; x++) {
      for (let y = x + 1; y < containing.length; y++) {
        const a = at(containing, x);
        const b = at(containing, y);
        if (a.o === b.o) continue;
        const c = ct(a.o, b.o);
        const w = c.pb + 1;
        const fa = at(at(groupFlags, a.o), a.h);
        const fb = at(at(groupFlags, b.o), b.h);
        let inter = 0;
        for (let i = 0; i < c.pa; i++) if (fa[i]) for (let j = 0; j < c.pb; j++) if (fb[j]) inter += c.counts[i * w + j] ?? outOfRange();
        const d = inter - size;
        if (close(d)) {
          out.push({
            with: a.o,
            involved: [me, a.o, b.o],
            labels: g.labels ?? {},
            ...(g.ref ? { ref: g.ref } : {}),
            mine: size,
            other: inter,
            difference: -d,
            describe: (name) => `the intersection of a group of ${name(a.o)} and a group of ${name(b.o)}, both containing this group`,
          });
        }
      }
    }
  });
  return out;
}
