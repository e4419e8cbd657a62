/**
 * The one constraint between protection parameters that a schema cannot state (sdc-rules.md
 * "Remedies and protection → Rounding"): `protection: round` — rounding alone, no suppression —
 * is accepted only where `threshold` is at most `round_base` (a rounding-only risk appetite):
 * with a larger threshold a rounded count could still rest on fewer contributors than the
 * threshold allows, and nothing would suppress it. Checked for the default and for every
 * project's effective parameters (an override can set either side).
 *
 * @example protectionMethodProblems({ threshold: 10, round_base: 5, protection: 'round' }, []) // [{ path: '/parameters/protection', … }]
 */
import type { Parameters } from './parameters.js';
import { DEFAULT_PARAMETERS } from './parameters.js';

/** One rule file whose parameters combine badly. */
export interface ProtectionMethodProblem {
  /** The project whose override makes it, or null for the default file. */
  project: string | null;
  path: string;
  message: string;
}

function problem(p: Parameters): string | null {
  if (p.protection !== 'round' || p.threshold <= p.round_base) return null;
  return `protection: round (rounding alone) is accepted only where threshold (${p.threshold}) is at most round_base (${p.round_base}); use suppress or both, or a rounding base of at least the threshold`;
}

/**
 * Every rule file (default first, then projects) whose effective parameters ask for rounding
 * alone with a threshold above the rounding base.
 *
 * @example protectionMethodProblems(def.parameters, projects).length // 0 for the shipped rules
 */
export function protectionMethodProblems(defaults: Partial<Parameters>, projects: readonly { project: string; parameters?: Partial<Parameters> }[]): ProtectionMethodProblem[] {
  const base: Parameters = { ...DEFAULT_PARAMETERS, ...defaults };
  const out: ProtectionMethodProblem[] = [];
  const own = problem(base);
  if (own) out.push({ project: null, path: '/parameters/protection', message: own });
  for (const o of projects) {
    const m = problem({ ...base, ...(o.parameters ?? {}) });
    // A project that only inherits the default's problem adds nothing to the default's message.
    if (m && !own) out.push({ project: o.project, path: '/parameters/protection', message: `project ${o.project}: ${m}` });
  }
  return out;
}
