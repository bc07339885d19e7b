import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import { fileURLToPath } from 'node:url';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { noCycle } from './eslint-rules/no-cycle.js';

/*
 * The walls of DESIGN.md, as lint rules (each has a test in
 * test/unit/walls.test.ts that lints an offending file):
 * - src-shared imports neither side, nor node:, electron or the DOM;
 * - src-renderer never imports src-main (nor node: or electron);
 * - src-main/services, src-main/db and src-main/identity never import electron;
 * - the router imports no transport;
 * - seeds/ and migrations/ import nothing of the app (data and SQL only);
 * - no import cycle anywhere, type imports included (eslint-rules/no-cycle.js).
 */

/** The parser the cycle check reads the imported files with: their type imports count. */
const COUNTING_TYPES = fileURLToPath(new URL('./eslint-rules/no-cycle.js', import.meta.url));

const sides = (...names) => names.flatMap((name) => [`**/${name}`, `**/${name}/**`]);
const NODE_AND_ELECTRON = ['node:*', 'electron', 'electron/*'];

/** A restriction message per wall, so that a failure says which wall was breached. */
const wall = (message, group) => ({ group, message });

/** Every file of the main process: the page is built apart and reached over IPC only. */
const MAIN = wall('The main process does not import the renderer', sides('src-renderer'));

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'coverage/**', '.stryker-tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    plugins: { 'import-x': importX, walls: { rules: { 'no-cycle': noCycle } } },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx'] })],
      // the cycle check reads the files an import names: TypeScript ones included
      'import-x/extensions': ['.ts', '.tsx', '.js'],
      'import-x/parsers': { [COUNTING_TYPES]: ['.ts', '.tsx'] },
    },
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      'walls/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: ['test/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['src-renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            wall(
              'The renderer reaches the main process only through window.fleet',
              sides('src-main'),
            ),
            wall('The renderer runs in a sandboxed page: no Node or Electron', NODE_AND_ELECTRON),
          ],
        },
      ],
    },
  },
  {
    files: ['src-shared/**'],
    // neither Node's globals nor the DOM's: the code runs on both sides
    languageOptions: { globals: { ...globals.es2023 } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            wall('src-shared runs on both sides: no Node, no Electron', NODE_AND_ELECTRON),
            wall('src-shared imports neither side', sides('src-main', 'src-renderer')),
            wall('src-shared holds no ORM or UI code', ['@mikro-orm/*', 'react', 'react-dom']),
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...['document', 'window', 'navigator', 'localStorage', 'process', 'Buffer', 'require'].map(
          (name) => ({ name, message: 'src-shared runs on both sides: no DOM or Node globals' }),
        ),
      ],
    },
  },
  {
    files: ['src-main/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [MAIN] }] },
  },
  {
    files: ['src-main/services/**', 'src-main/db/**', 'src-main/identity/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            MAIN,
            wall('Services and db run under plain Node too (CLI, tests): no Electron', [
              'electron',
              'electron/*',
              ...sides('electron'),
            ]),
            wall('Services and db do not reach up into the transports', sides('ipc', 'headless')),
          ],
        },
      ],
    },
  },
  {
    files: ['src-main/ipc/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            MAIN,
            wall('The router and registry are transport-free', [
              'electron',
              'electron/*',
              ...sides('electron', 'headless'),
              'node:http',
            ]),
          ],
        },
      ],
    },
  },
  {
    files: ['seeds/**', 'migrations/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            wall('Seeds and migrations are data and SQL: the app imports them, not the reverse', [
              ...sides('src-main', 'src-renderer'),
            ]),
          ],
        },
      ],
    },
  },
);
