/**
 * dependency-cruiser configuration: the layer rules of src/, all generated from the one table
 * in scripts/layers.cjs (see docs/architecture.md). Run by test/architecture.test.ts in
 * `npm test`; by hand: `npx depcruise src --config .dependency-cruiser.cjs`.
 */
'use strict';
const { layerRules } = require('./scripts/layers.cjs');

module.exports = {
  forbidden: layerRules(),
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    // Type-only imports count: a type from a higher layer ties the folders together as much as a value does.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.mjs', '.js', '.d.ts'] },
  },
};
