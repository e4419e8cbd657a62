/** Types of scripts/layers.cjs (the layer table), for the TypeScript tests that read it. */
export interface Unit {
  /** The folder's name (or a name for root files), as rule names and docs show it. */
  name: string;
  /** A regular expression on the file path from the repository root (`^src/outputs/`). */
  path: string;
  /** What it holds, one line. */
  what: string;
}
export interface Layer {
  name: string;
  units: Unit[];
}
export const LAYERS: Layer[];
export const ORPHANS_ALLOWED: string[];
export function allowedBelow(name: string): Unit[];
export function layerRules(): object[];
export function layerList(): string;
