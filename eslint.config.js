// Lint: above all, no focused or skipped test can land (a skipped test is a defect).
import vitest from '@vitest/eslint-plugin';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', 'dist/**', '.stagecraft/**', 'coverage/**', 'test-results/**', 'web/dist/**', 'test-artifacts/**'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      'no-debugger': 'error',
      'no-duplicate-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    files: ['test/**/*.ts', 'web/src/**/*.test.ts', 'web/src/**/*.test.tsx'],
    plugins: { vitest },
    rules: {
      'vitest/no-focused-tests': 'error',
      'vitest/no-disabled-tests': 'error',
      // A todo is a test that never runs: say what is missing in an issue instead.
      'vitest/warn-todo': 'error',
      'vitest/expect-expect': ['error', { assertFunctionNames: ['expect', 'expect*', 'assert*'] }],
      // An expect without its matcher, or an unawaited async matcher, asserts nothing.
      'vitest/valid-expect': ['error', { maxArgs: 2 }],
    },
  },
);
