// Type-aware lint of src/: the rules that catch what tsc cannot — a promise nobody awaits (an
// audit write that fails silently), a promise where a boolean or void callback is expected, and
// conditions the types prove are always true or false (dead fail-closed branches).
// Kept to these rules on purpose (`npm run lint`, a step of `npm test`; no cache, src only).
import { readFileSync } from 'node:fs';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import ts from 'typescript';

/** tsconfig.strict.json's `include`, as lint globs: one list says which folders are strict. */
const strictConfig = ts.parseConfigFileTextToJson('tsconfig.strict.json', readFileSync(new URL('./tsconfig.strict.json', import.meta.url), 'utf8')).config;
const STRICT_FOLDERS = strictConfig.include.map((p) => (p.endsWith('.ts') ? p : `${p}/**/*.ts`));

export default defineConfig(
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.d.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: {
        project: './tsconfig.eslint.json',
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unnecessary-condition': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // The folders under the strict flags (tsconfig.strict.json): there an index or key that
    // cannot be missing is read through lib/invariant.ts, which fails closed, never with `!`.
    files: STRICT_FOLDERS,
    ignores: ['src/**/*.d.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'error' },
  },
);
