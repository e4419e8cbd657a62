/**
 * The one layer table of src/: layers bottom-up, each with the folders (or root files) it
 * holds. A folder may import only folders of the layers below its own — never one above it,
 * nor a sibling in its own layer — so the folders show the data flow and cannot form a
 * cycle. `.dependency-cruiser.cjs` builds its rules from this table and docs/architecture.md
 * lists it (test/architecture.test.ts checks both), so the rule, the picture and the docs
 * cannot drift apart.
 *
 * CommonJS because dependency-cruiser loads its configuration with `require`.
 *
 * @example
 * const { layerRules } = require('./scripts/layers.cjs');
 * module.exports = { forbidden: layerRules() };
 */
'use strict';

/** @type {import('./layers.d.cts').Layer[]} */
const LAYERS = [
  {
    name: 'core',
    units: [{ name: 'core', path: '^src/((domain|errors|limits|build-info|config)\\.ts$|types/)', what: 'the root files: domain.ts (vocabulary), errors.ts (error catalogue), limits.ts, config.ts, build-info.ts; types/ (declarations of untyped npm packages)' }],
  },
  {
    name: 'lib',
    units: [{ name: 'lib', path: '^src/lib/', what: 'generic utilities with no airlock concept in them: canonical JSON, uuid-v7, digests, serialisers, LP bounds, Merkle trees, text helpers' }],
  },
  {
    name: 'contracts',
    units: [
      { name: 'api', path: '^src/api/', what: 'openapi.yaml loaded once and compiled with ajv; error explanations' },
      { name: 'rules', path: '^src/rules/', what: 'rule sets: loading, schema, parameters checks read, populations, floors, diff, live reload' },
      { name: 'signing', path: '^src/signing/', what: 'keys, JWKS, JWS, signing and verifying decisions' },
      { name: 'imports', path: '^src/imports/', what: 'ACRO/SACRO sessions mapped to one decision request' },
    ],
  },
  {
    name: 'stores',
    units: [
      { name: 'audit', path: '^src/audit/', what: 'the store interface and its SQLite/PostgreSQL stores, the hash chain, the transparency log, the webhook outbox' },
      { name: 'auth', path: '^src/auth/', what: 'tokens, authenticate, authorize' },
    ],
  },
  {
    name: 'parse',
    units: [{ name: 'outputs', path: '^src/outputs/', what: 'one folder per output kind: parse (+ present, evidence, releasable); the published-table shape' }],
  },
  {
    name: 'history',
    units: [{ name: 'history', path: '^src/history/', what: 'earlier releases in the forms differencing compares' }],
  },
  {
    name: 'checks',
    units: [{ name: 'checks', path: '^src/checks/', what: 'one file per check id + index.ts registry; a check returns findings' }],
  },
  {
    name: 'remedies',
    units: [{ name: 'remedies', path: '^src/remedies/', what: 'protected versions: table suppression/rounding with its LP audit, plot merges; index.ts registry' }],
  },
  {
    name: 'telemetry',
    units: [{ name: 'telemetry', path: '^src/(telemetry/|logger\\.ts$)', what: 'OpenTelemetry, metrics, spans, and the logger' }],
  },
  {
    name: 'pipeline',
    units: [{ name: 'pipeline', path: '^src/pipeline/', what: 'the path: parse → checks → remedies → differencing → decide → sign → record' }],
  },
  {
    name: 'services',
    units: [
      { name: 'review', path: '^src/review/', what: 'human review: states, transitions, the review service' },
      { name: 'governance', path: '^src/governance/', what: 'governance tools built on the pipeline: rule tests, lint, replay' },
      { name: 'release', path: '^src/release/', what: 'signed release packages and their offline verification' },
      { name: 'webhooks', path: '^src/webhooks/', what: 'the webhook dispatcher' },
      { name: 'identity', path: '^src/identity/', what: 'OIDC sign-in and browser sessions' },
      { name: 'conformance', path: '^src/conformance/', what: 'the conformance runner' },
    ],
  },
  {
    name: 'server',
    units: [{ name: 'server', path: '^src/server/', what: 'express wiring only: app, routes, middleware, lifecycle' }],
  },
  {
    name: 'entry points',
    units: [{ name: 'cli', path: '^src/(cli/|config-table\\.ts$)', what: 'the `airlock` command and its subcommands; config-table.ts (README generator)' }],
  },
];

/**
 * Files that may stand alone (nothing in src/ imports them and they import nothing): type
 * declarations, and `seeded-random.ts`, the one seeded PRNG, which only tests use. Entry
 * points (the CLI, worker threads) import things, so they are no orphans.
 */
const ORPHANS_ALLOWED = ['\\.d\\.ts$', '^src/lib/seeded-random\\.ts$'];

/**
 * The units a unit may import: every unit of the layers below its own.
 *
 * @param {string} name
 * @returns {import('./layers.d.cts').Unit[]}
 */
function allowedBelow(name) {
  const level = LAYERS.findIndex((l) => l.units.some((u) => u.name === name));
  if (level < 0) throw new Error(`no layer holds "${name}"`);
  return LAYERS.slice(0, level).flatMap((l) => l.units);
}

/**
 * dependency-cruiser's `forbidden` rules: per unit, no import of anything in src/ but itself
 * and the layers below (uphill, sideways, or into a file no layer holds); no cycle; no orphan.
 *
 * @returns {object[]}
 */
function layerRules() {
  const perUnit = LAYERS.flatMap((layer) =>
    layer.units.map((unit) => {
      const below = allowedBelow(unit.name);
      return {
        name: `layer-${unit.name}`,
        severity: 'error',
        comment: `${unit.name} (layer "${layer.name}") may import only ${below.length ? below.map((u) => u.name).join(', ') : 'npm packages and node built-ins'} (and itself): this import runs uphill or sideways. See docs/architecture.md.`,
        from: { path: unit.path },
        to: { path: '^src/', pathNot: [unit.path, ...below.map((u) => u.path)] },
      };
    }),
  );
  return [
    ...perUnit,
    { name: 'not-in-a-layer', severity: 'error', comment: 'this file is in no layer of scripts/layers.cjs: add its folder to the table (and to docs/architecture.md).', from: { path: '^src/', pathNot: LAYERS.flatMap((l) => l.units.map((u) => u.path)) }, to: {} },
    // A cycle only through type imports or a lazy `import()` (the CLI's command registry) loads in one order; any other is an error.
    { name: 'no-cycle', severity: 'error', comment: 'an import cycle: the data flows one way.', from: { path: '^src/' }, to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only', 'dynamic-import'] } } },
    { name: 'no-orphan', severity: 'error', comment: 'nothing imports this file and it imports nothing: dead code (or list it in ORPHANS_ALLOWED in scripts/layers.cjs, saying why).', from: { orphan: true, path: '^src/', pathNot: ORPHANS_ALLOWED }, to: {} },
  ];
}

/**
 * The table as docs/architecture.md lists it: layers bottom-up, each unit with what it may import.
 *
 * @returns {string}
 */
function layerList() {
  return LAYERS.map((layer, i) => {
    // Spelled out low down, where the list is short and says most; higher up, "everything below" is the answer.
    const below = allowedBelow(layer.units[0].name).map((b) => b.name);
    const may = below.length === 0 ? 'nothing in src' : below.length <= 8 ? below.join(', ') : `everything in layers 1–${i}`;
    const units = layer.units.map((u) => `   - \`${u.name}\` — ${u.what}.`);
    return [`${i + 1}. **${layer.name}** — may import: ${may}`, ...units].join('\n');
  }).join('\n');
}

module.exports = { LAYERS, ORPHANS_ALLOWED, allowedBelow, layerRules, layerList };
