import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const VSCODE_IMPORT = {
  selector: "ImportDeclaration[source.value='vscode'][importKind='value']",
  message: "Write `import vscode = require('vscode')` (or `import type`): an ES import makes the bundle copy VS Code's API object in every module when it loads.",
};
const NODE_NAMESPACE_IMPORT = {
  selector: "ImportDeclaration[source.value=/^node:/][importKind='value'] > ImportNamespaceSpecifier",
  message: "Write `import x = require('node:…')` or named imports: a namespace import makes the bundle copy the module when it loads.",
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.vscode-test/**', '*.vsix'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // esbuild turns a namespace import of an external module into a copy of it made when the bundle loads
    // (`__toESM`, one getter per property), one copy per importing module; `import x = require()` is a plain require.
    files: ['src/**/*.ts'],
    rules: { '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true }] },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'vscode', message: 'src/core/ runs in plain Node: no vscode imports. Put VS Code code in src/host/.' },
          { name: 'zod', message: "Use 'zod/mini': the full zod API more than doubles the bundle every window loads at start." },
        ],
      }],
      'no-restricted-syntax': ['error', NODE_NAMESPACE_IMPORT],
    },
  },
  {
    files: ['src/host/**/*.ts', 'src/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'zod', message: "Use 'zod/mini': the full zod API more than doubles the bundle every window loads at start." }],
      }],
      'no-restricted-syntax': ['error', VSCODE_IMPORT, NODE_NAMESPACE_IMPORT],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['scripts/**/*.js', 'esbuild.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off', 'no-console': 'off' },
  },
);
