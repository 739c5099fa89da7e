// Flat config: typescript-eslint for correctness, Prettier owns formatting.
// The import rules keep the layers apart (STYLE.md convention 1).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

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
    // Server integration tests (and their helpers) and the server's benchmarks talk to the real
    // server through real socket.io-client sockets.
    files: ['server/**/*.test.ts', 'server/src/testing/**/*.ts', 'server/bench/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [cesiumOnlyInViewer] }] },
  },
);
