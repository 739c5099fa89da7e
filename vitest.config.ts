import { defineConfig } from 'vitest/config';

// Tests that read the real sample files carry this tag (scripts/fixtures/withFixtures.ts).
const tags = [{ name: 'fixtures', description: 'reads the real sample files (npm run fixtures)' }];

// Two projects: fast pure/integration tests in node, and browser tests (Playwright + Chromium) that
// need the production build and run one file at a time. The sample files are looked for once per
// run, before either project starts.
export default defineConfig({
  test: {
    globalSetup: ['scripts/fixtures/fixturesSetup.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: ['{client,server,protocol,data,tiles,scripts}/**/*.test.{ts,tsx}'],
          exclude: ['**/node_modules/**', '**/*.browser.test.ts'],
          testTimeout: 20_000,
          tags,
        },
      },
      {
        test: {
          name: 'browser',
          environment: 'node',
          include: ['**/*.browser.test.ts'],
          exclude: ['**/node_modules/**'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          tags,
        },
      },
    ],
  },
});
