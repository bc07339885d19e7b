import { configDefaults, defineConfig } from 'vitest/config';
import LongestFirst from './test/support/longest-first.ts';

/** CI asks for a JSON report per leg (VITEST_JSON) to print its counts. */
const jsonReport = process.env.VITEST_JSON;

/**
 * Files that never use the test server: each starts embedded PostgreSQL
 * clusters of its own (about 160 s of a leg's worker time). CI's
 * PostgreSQL 15 leg leaves them to its embedded leg
 * (`FLEETPROMPT_TEST_EMBEDDED_FILES=skip`), where they run exactly as they
 * would have there.
 */
const EMBEDDED_FILES = [
  'test/integration/embedded.test.ts',
  'test/integration/embedded-bootstrap.test.ts',
  'test/integration/embedded-home.test.ts',
  'test/integration/embedded-template.test.ts',
];
const embeddedFilesSkipped = process.env.FLEETPROMPT_TEST_EMBEDDED_FILES === 'skip';

export default defineConfig({
  test: {
    // by default vitest runs one file at a time on a two-core machine (cores - 1), yet an
    // integration file spends most of its time waiting on PostgreSQL and the bcrypt workers.
    // Three at once, not more: each holds up to two runtimes of ten connections on a server
    // that allows 100 by default
    maxWorkers: 3,
    sequence: { sequencer: LongestFirst },
    reporters: ['default', './test/support/tally-reporter.ts', ...(jsonReport ? ['json'] : [])],
    ...(jsonReport ? { outputFile: { json: jsonReport } } : {}),
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          // the components that decide (conflicts, refusals, the palette), in a DOM of their own
          name: 'renderer',
          include: ['test/renderer/**/*.test.tsx'],
          environment: 'happy-dom',
          setupFiles: ['test/renderer/setup.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...(embeddedFilesSkipped ? EMBEDDED_FILES : [])],
          environment: 'node',
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
