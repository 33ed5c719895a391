import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/**
 * The layers of src/, bottom first. A zone says which folders a target may never import from: the shared vocabulary
 * at the bottom imports nothing above it; config, judge and report are pure and never reach GitHub, git or the
 * Action; the GitHub client and git know nothing of the Action; only the Action entry imports src/action/.
 */
const BOTTOM = ['errors.ts', 'errors', 'limits.ts', 'metrics.ts', 'format.ts', 'dtypes.ts', 'note.ts', 'version.ts'];
const layering = [
  {
    target: BOTTOM.map((file) => `./src/${file}`),
    from: './src',
    except: BOTTOM.map((file) => `./${file}`),
    message: 'the bottom layer imports nothing above it',
  },
  {
    target: ['./src/config', './src/judge', './src/report'],
    from: ['./src/action', './src/github', './src/git'],
    message: 'config, judge and report are pure: no GitHub, git or Action code',
  },
  { target: ['./src/config'], from: ['./src/report'], message: 'config is read before anything is reported' },
  {
    target: ['./src/judge'],
    from: ['./src/trend/store.ts', './src/trend/track.ts', './src/trend/history-files.ts', './src/trend/jsonl.ts'],
    message: "judge is handed the history (a TrendHistory); reading it is the entry's business",
  },
  { target: ['./src/github', './src/git'], from: ['./src/action'], message: 'the GitHub client and git know nothing of the Action' },
  { target: ['./src/!(action)/**', './src/!(action).ts'], from: './src/action', message: 'only src/action.ts runs the Action' },
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'build/**',
      '.cache/**',
      'coverage/**',
      'bench/results/**',
      'tmp/**',
      'reports/**',
      '.stryker-tmp/**',
      'src/formats/tflite/generated/**',
    ],
  },
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
    // No import cycles in src/, and the layers above. The resolver maps the `.js` of an ESM import to its `.ts`.
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js'], extensionAlias: { '.js': ['.ts', '.js'] } })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones: layering }],
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
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        performance: 'readonly',
      },
    },
  },
);
