/**
 * The layering of src/ (docs/architecture.md), enforced: dependency-cruiser, run as a user
 * runs it, with the rules built from the one table in scripts/layers.cjs, must find no import
 * that runs uphill or sideways, no cycle and no orphan; a deliberately uphill import in a
 * scratch tree must be reported, naming the rule and what the folder may import; and the docs
 * must list the table as it is.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type * as LayerTable from '../scripts/layers.cjs';
import { tempDir } from './helpers/temp-dirs.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const layers = createRequire(import.meta.url)('../scripts/layers.cjs') as typeof LayerTable;
const depcruise = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const config = join(root, '.dependency-cruiser.cjs');
// Cruising all of src parses every file with TypeScript: slow on a loaded machine, so a generous limit (no assertion on time).
const CRUISE_TIMEOUT = 300_000;

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

/** Runs depcruise on `src` in `cwd`; resolves whatever the exit code (a violation exits non-zero). */
async function cruise(cwd: string, outputType: 'json' | 'err-long'): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [depcruise, 'src', '--config', config, '--output-type', outputType], { cwd, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout };
  } catch (e) {
    const err = e as { code?: number; stdout?: string };
    if (typeof err.code !== 'number') throw e;
    return { code: err.code, stdout: err.stdout ?? '' };
  }
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : [relative(root, join(dir, e.name)).split('\\').join('/')]));
}

describe('layers (scripts/layers.cjs, docs/architecture.md)', () => {
  it(
    'src has no import that runs uphill or sideways, no cycle, no orphan',
    async () => {
      const { stdout } = await cruise(root, 'json');
      const violations = (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
      const why = new Map((layers.layerRules() as { name: string; comment: string }[]).map((r) => [r.name, r.comment]));
      // The list itself, with the rule's reason, so a failure reads as the import to fix.
      expect(violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to} — ${why.get(v.rule.name) ?? ''}`)).toEqual([]);
    },
    CRUISE_TIMEOUT,
  );

  it('every file of src is in exactly one layer', () => {
    const units = layers.LAYERS.flatMap((l) => l.units);
    const placed = sourceFiles(join(root, 'src')).map((f) => ({ f, in: units.filter((u) => new RegExp(u.path).test(f)).map((u) => u.name) }));
    expect(placed.filter((p) => p.in.length !== 1)).toEqual([]);
  });

  it(
    'reports a deliberately uphill import (the parse layer importing a check), saying what the folder may import',
    async () => {
      const dir = tempDir('airlock-layers-');
      mkdirSync(join(dir, 'src/outputs'), { recursive: true });
      mkdirSync(join(dir, 'src/checks'), { recursive: true });
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true }, include: ['src'] }));
      writeFileSync(join(dir, 'src/checks/check.ts'), "import type { Parsed } from '../outputs/kind.js';\nexport const check = (p: Parsed): number => p.n;\n");
      writeFileSync(join(dir, 'src/outputs/kind.ts'), "import { check } from '../checks/check.js';\nexport interface Parsed { n: number }\nexport const kind = (p: Parsed): number => check(p);\n");
      const { code, stdout } = await cruise(dir, 'err-long');
      expect(code).not.toBe(0);
      const message = stdout.replace(/\s+/g, ' ');
      const allowed = layers.allowedBelow('outputs').map((u) => u.name);
      expect(message).toContain('error layer-outputs: src/outputs/kind.ts → src/checks/check.ts');
      expect(message).toContain(`outputs (layer "parse") may import only ${allowed.join(', ')} (and itself): this import runs uphill or sideways.`);
      expect(message).toContain('1 dependency violations');
    },
    CRUISE_TIMEOUT,
  );

  it('docs/architecture.md lists the layer table as it is', () => {
    const doc = readFileSync(join(root, 'docs/architecture.md'), 'utf8');
    expect(doc).toContain(layers.layerList());
  });
});
