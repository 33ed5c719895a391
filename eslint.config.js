import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'build/**', '.cache/**', 'coverage/**', 'bench/results/**', 'tmp/**', 'reports/**', '.stryker-tmp/**', 'src/formats/tflite/generated/**'] },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // One object owns tfjs's global backend switch (src/runtimes/tfjs/backend.ts); nothing else in src/ changes it.
    files: ['src/**/*.ts'],
    ignores: ['src/runtimes/tfjs/backend.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'MemberExpression[property.name=/^(setBackend|removeBackend)$/], ImportSpecifier[imported.name=/^(setBackend|removeBackend)$/]',
          message: 'The tfjs backend switch belongs to tfjsBackend (src/runtimes/tfjs/backend.ts).',
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', performance: 'readonly' } },
  },
);
