// Flat config: typescript-eslint for correctness, Prettier owns formatting.
// The import rules keep the layers apart (STYLE.md convention 1): each folder in its lane, no import
// cycles; promises are awaited or handled; zod errors become text through one helper.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { importX } from 'eslint-plugin-import-x';

const cesiumOnlyInViewer = {
  name: 'cesium',
  message: 'cesium is imported only under client/src/viewer/ and in *CesiumImpl.ts files.',
};
const socketOnlyInLive = {
  name: 'socket.io-client',
  message: 'socket.io-client is imported only under client/src/live/.',
};

export default tseslint.config(
  { ignores: ['node_modules/', 'client/dist/', 'tiles/output/', 'var/', 'test-results/', '.fixtures/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['client/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      'no-restricted-imports': ['error', { paths: [cesiumOnlyInViewer, socketOnlyInLive] }],
    },
  },
  {
    // The viewer benchmark's pages measure Cesium itself.
    files: ['client/src/viewer/**/*.{ts,tsx}', 'client/**/*CesiumImpl.ts', 'client/bench/page/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [socketOnlyInLive] }] },
  },
  {
    files: ['client/src/live/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { paths: [cesiumOnlyInViewer] }] },
  },
  {
    files: ['protocol/**/*.ts'],
    ignores: ['protocol/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!zod$|\\./)', message: 'protocol/ imports nothing but zod.' }] },
      ],
    },
  },
  {
    files: ['server/**/*.ts', 'tiles/**/*.ts', 'data/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [cesiumOnlyInViewer, socketOnlyInLive] }] },
  },
  {
    // The terrain builder's tests check its tiles with Cesium's own reader and occluder.
    files: ['tiles/src/terrain/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [socketOnlyInLive] }] },
  },
  {
    // Server integration tests (and their helpers) and the server's benchmarks talk to the real
    // server through real socket.io-client sockets.
    files: ['server/**/*.test.ts', 'server/src/testing/**/*.ts', 'server/bench/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [cesiumOnlyInViewer] }] },
  },
  {
    // Type-aware rules: a promise nobody awaits or handles hides its failure.
    files: ['**/*.{ts,tsx}'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { '@typescript-eslint/no-floating-promises': 'error' },
  },
  {
    files: ['**/*.{ts,tsx}'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [importX.createNodeResolver({ extensions: ['.ts', '.tsx', '.js'] })],
      'import-x/extensions': ['.ts', '.tsx', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './protocol',
              from: ['./client', './server', './tiles', './data', './scripts'],
              message: 'protocol/ is the contract: it imports nothing of the project but itself.',
            },
          ],
        },
      ],
    },
  },
  {
    // Production code stays in its lane; tests and benchmarks may drive the real server.
    files: ['tiles/src/**/*.ts', 'data/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: ['./tiles/src', './data'],
              from: ['./server', './client'],
              message:
                'tiles/ and data/ do not import server/ or client/: what they share goes to protocol/ (or a module of their own).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['client/src/**/*.{ts,tsx}'],
    ignores: ['**/*.test.{ts,tsx}'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './client/src',
              from: ['./server', './tiles', './data', './scripts'],
              message: 'the viewer imports only its own modules and protocol/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['server/src/**/*.ts'],
    ignores: ['**/*.test.ts', 'server/src/testing/**'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './server/src',
              from: ['./client', './data'],
              message:
                'the server does not import the viewer or the demo generator: shared code goes to protocol/.',
            },
          ],
        },
      ],
    },
  },
  {
    // One way from a zod error to text: zodErrorText (protocol/zodError.ts), built on z.prettifyError.
    // The config's messages name the environment variable and the allowed fields, and a city pack's
    // problems name file, feature and field: they read issues on purpose.
    files: ['**/*.{ts,tsx}'],
    ignores: [
      '**/*.test.{ts,tsx}',
      'protocol/zodError.ts',
      'server/src/config.ts',
      'server/src/adapters/liveSources.ts',
      'server/src/cityPack/loadCityPack.ts',
    ],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "MemberExpression[property.name='issues'][object.name='error'], MemberExpression[property.name='issues'][object.property.name='error']",
          message: 'Turn a zod error into text with zodErrorText (protocol/zodError.ts), not by hand.',
        },
      ],
    },
  },
);
