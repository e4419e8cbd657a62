// Type-aware lint of src/: the rules that catch what tsc cannot — a promise nobody awaits (an
// audit write that fails silently), a promise where a boolean or void callback is expected, and
// conditions the types prove are always true or false (dead fail-closed branches).
// Kept to these rules on purpose (`npm run lint`, a step of `npm test`; no cache, src only).
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.d.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: {
        // The strict flags on, so no-unnecessary-condition judges each index read as possibly
        // undefined, as the code is written for.
        project: './tsconfig.strict.json',
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
      // An index or key that cannot be missing is read through lib/invariant.ts, which fails
      // closed, never with `!`, which lets `undefined` flow on silently.
      '@typescript-eslint/no-non-null-assertion': 'error',
    },
  },
);
