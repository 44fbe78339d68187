import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/data/**', '**/.data/**', 'artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      // Only config.ts reads the environment (STYLE.md habit 2); scripts and benches have their own CLIs.
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through config.ts' }],
    },
  },
  {
    files: ['**/config.ts', '**/*.test.ts', '**/test/**', 'fixtures/src/harness/**', '**/scripts/**', '**/bench/**', 'dashboard/vite.config.ts', 'vitest.config.ts', 'fixtures/src/cli/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
